import { describe, expect, it } from 'vitest';
import { classify, isDuplicateMessage, PermanentError, RetryLaterError } from '../../src/bridge/retry.ts';

const err = (props: Record<string, unknown>) => Object.assign(new Error('x'), props);

describe('failure classification', () => {
  const cases: [string, unknown, ReturnType<typeof classify>][] = [
    ['429 with Retry-After', err({ status: 429, retryAfterMs: 2000 }), { retry: true, retryAfterMs: 2000 }],
    ['500', err({ status: 500 }), { retry: true }],
    ['503 as a digit string', err({ statusCode: '503' }), { retry: true }],
    ['timeout (status 0)', err({ status: 0 }), { retry: true }],
    ['408', err({ status: 408 }), { retry: true }],
    ['connection reset (no status)', err({ code: 'ECONNRESET' }), { retry: true }],
    ['400', err({ status: 400 }), { retry: false }],
    ['404', err({ status: 404 }), { retry: false }],
    ['403', err({ status: 403 }), { retry: false }],
    ['permanent', new PermanentError('bad'), { retry: false }],
    ['retry later', new RetryLaterError('wait', 200), { retry: true, retryAfterMs: 200 }],
    ['a thrown string', 'boom', { retry: true }],
  ];
  it.each(cases)('%s', (_name, e, expected) => {
    expect(classify(e)).toEqual(expected);
  });

  const dup: [unknown, boolean][] = [
    [err({ status: 409, code: 'duplicate_message_id' }), true],
    [Object.assign(new Error('Message id already exists: duplicate'), { status: 409 }), true],
    [err({ status: 409, code: 'quest_draft_not_accepting_entries' }), false],
    [err({ status: 400, code: 'duplicate_message_id' }), false],
    [null, false],
  ];
  it.each(dup)('isDuplicateMessage(%o) = %s', (e, expected) => {
    expect(isDuplicateMessage(e)).toBe(expected);
  });
});
