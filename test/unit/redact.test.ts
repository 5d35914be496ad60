import { describe, expect, it } from 'vitest';
import { safeError, stripTokens } from '../../src/redact.ts';

describe('stripTokens', () => {
  it.each([
    ['https://discord.com/api/v10/webhooks/1234567890/AbC-def_ghi.jkl', 'https://discord.com/api/v10/webhooks/1234567890/[token]'],
    ['POST /api/v10/webhooks/99/itoken-5/messages/@original', 'POST /api/v10/webhooks/99/[token]/messages/@original'],
    ['/api/v10/interactions/1402/itoken-1402/callback', '/api/v10/interactions/1402/[token]/callback'],
    ['https://hooks.slack.com/commands/T0001/123456/abcDEF123', 'https://hooks.slack.com/commands/T0001/[token]'],
    ['token xoxb-1234-5678-abcdEF and xapp-1-A1-2-ff', 'token [token] and [token]'],
    ['jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end', 'jwt [jwt] end'],
    ['MTA5ODc2NTQzMjEwOTg3NjU0Mw.GaBcDe.abcdefghijklmnopqrstuvwxyz0123', '[token]'],
    ['authorization: Bot abc.def.ghi', 'authorization: Bot [token]'],
    ['{"type":4,"token":"aW50ZXJhY3Rpb24","id":"1"}', '{"type":4,"token":"[Redacted]","id":"1"}'],
    ['nothing secret at 12:30 in C0LAB', 'nothing secret at 12:30 in C0LAB'],
  ])('%s', (input, expected) => {
    expect(stripTokens(input)).toBe(expected);
  });

  it('scrubs configured secrets', () => {
    expect(stripTokens('key=sk-0123456789 ok', ['sk-0123456789'])).toBe('key=[Redacted] ok');
  });
});

describe('safeError', () => {
  it('keeps a platform error to its class, status, method, path and message', () => {
    const err = Object.assign(new Error('Unknown Webhook'), {
      name: 'DiscordAPIError[10015]',
      status: 404,
      code: 10015,
      method: 'POST',
      url: 'https://discord.com/api/v10/webhooks/1/secret-token?wait=true',
      requestBody: { json: { content: 'a person’s words' } },
      rawError: { message: 'Unknown Webhook' },
    });
    expect(safeError(err)).toEqual({
      type: 'DiscordAPIError[10015]',
      message: 'Unknown Webhook',
      status: 404,
      code: 10015,
      method: 'POST',
      url: 'https://discord.com/api/v10/webhooks/1/[token]',
    });
  });

  it('keeps the stack of our own errors', () => {
    const out = safeError(new TypeError('x is undefined')) as Record<string, unknown>;
    expect(out.type).toBe('TypeError');
    expect(String(out.stack)).toContain('redact.test.ts');
  });
});
