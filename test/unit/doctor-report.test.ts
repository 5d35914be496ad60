/** The doctor's report (pure): checklist lines, JSON, the exit code and redaction. */
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/doctor/check.ts';
import { exitCode, formatJson, formatText, redact, tally } from '../../src/doctor/report.ts';

const ok: CheckResult = { part: 'ouro', name: 'API key exchange', ok: true, detail: 'accepted' };
const bad: CheckResult = { part: 'slack', name: 'granted scopes', ok: false, detail: 'missing 1 of 13: files:write', fix: 'reinstall the app' };
const off: CheckResult = { part: 'discord', name: 'configured', ok: 'skipped', detail: 'DISCORD_TOKEN is not set' };

describe('doctor report: text', () => {
  it.each([
    {
      what: 'one passing check',
      results: [ok],
      text: ['Ouro', '  ✓ API key exchange: accepted', '', '1 passed, 0 failed, 0 skipped: all configured parts work', ''],
    },
    {
      what: 'a failure prints its fix under it; skipped parts are marked –',
      results: [ok, bad, off],
      text: [
        'Ouro',
        '  ✓ API key exchange: accepted',
        'Slack',
        '  ✗ granted scopes: missing 1 of 13: files:write',
        '      fix: reinstall the app',
        'Discord',
        '  – configured: DISCORD_TOKEN is not set',
        '',
        '1 passed, 1 failed, 1 skipped: 1 to fix',
        '',
      ],
    },
    {
      what: 'checks of one part stay together under one title, in first-seen order',
      results: [ok, off, { ...ok, name: 'GET /user', detail: '@bot' }],
      text: [
        'Ouro',
        '  ✓ API key exchange: accepted',
        '  ✓ GET /user: @bot',
        'Discord',
        '  – configured: DISCORD_TOKEN is not set',
        '',
        '2 passed, 0 failed, 1 skipped: all configured parts work',
        '',
      ],
    },
  ])('$what', ({ results, text }) => {
    expect(formatText(results).split('\n')).toEqual(text);
  });
});

describe('doctor report: exit code and tally', () => {
  it.each([
    { results: [], code: 0, t: { passed: 0, failed: 0, skipped: 0 } },
    { results: [ok, off], code: 0, t: { passed: 1, failed: 0, skipped: 1 } },
    { results: [off], code: 0, t: { passed: 0, failed: 0, skipped: 1 } },
    { results: [ok, bad], code: 1, t: { passed: 1, failed: 1, skipped: 0 } },
  ])('$t → exit $code', ({ results, code, t }) => {
    expect(exitCode(results)).toBe(code);
    expect(tally(results)).toEqual(t);
  });
});

describe('doctor report: JSON', () => {
  it('is one document with the verdict, the tally and every check as given', () => {
    const doc = JSON.parse(formatJson([ok, bad, off]));
    expect(doc).toEqual({ ok: false, passed: 1, failed: 1, skipped: 1, checks: [ok, bad, off] });
    expect(JSON.parse(formatJson([ok, off])).ok).toBe(true);
  });
});

describe('doctor report: redaction', () => {
  it.each([
    {
      what: 'a token quoted in a detail',
      detail: 'refused xoxb-123-456-abc',
      fix: undefined,
      secrets: ['xoxb-123-456-abc'],
      want: { detail: 'refused [secret]' },
    },
    {
      what: 'every occurrence, in the fix too',
      detail: 'k=s3cr3tvalue and s3cr3tvalue',
      fix: 'unset s3cr3tvalue',
      secrets: ['s3cr3tvalue'],
      want: { detail: 'k=[secret] and [secret]', fix: 'unset [secret]' },
    },
    {
      what: 'the longer secret first when one contains another',
      detail: 'abcdef-longer',
      fix: undefined,
      secrets: ['abcdef', 'abcdef-longer'],
      want: { detail: '[secret]' },
    },
    {
      what: 'short or missing values are left alone (they would mangle words)',
      detail: 'the key',
      fix: undefined,
      secrets: ['key', undefined, ''],
      want: { detail: 'the key' },
    },
  ])('$what', ({ detail, fix, secrets, want }) => {
    const [r] = redact([{ part: 'ouro', name: 'n', ok: false, detail, ...(fix ? { fix } : {}) }], secrets);
    expect({ detail: r!.detail, ...(r!.fix ? { fix: r!.fix } : {}) }).toEqual(want);
  });
});
