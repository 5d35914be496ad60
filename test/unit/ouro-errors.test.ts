import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { unwrap, extractMessage, statusOf } from '../../src/ouro/envelope.ts';
import {
  OuroAuthenticationError,
  OuroBadRequestError,
  OuroConflictError,
  OuroConnectionError,
  OuroError,
  OuroNotFoundError,
  OuroPermissionDeniedError,
  OuroRateLimitError,
  OuroServerError,
  OuroTimeoutError,
  OuroUnprocessableError,
  createOuroError,
  isRetryable,
} from '../../src/ouro/errors.ts';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/ouro/${name}`, import.meta.url), 'utf8');
const res = (status: number, body: unknown) => ({
  status,
  text: typeof body === 'string' ? body : JSON.stringify(body),
  method: 'GET',
  path: '/x',
});

describe('error class by status', () => {
  it.each([
    [400, OuroBadRequestError],
    [401, OuroAuthenticationError],
    [403, OuroPermissionDeniedError],
    [404, OuroNotFoundError],
    [409, OuroConflictError],
    [422, OuroUnprocessableError],
    [429, OuroRateLimitError],
    [500, OuroServerError],
    [503, OuroServerError],
    [599, OuroServerError],
  ])('%i → %o', (status, Cls) => {
    const e = createOuroError({ status, method: 'GET', url: '/a', message: 'm' });
    expect(e).toBeInstanceOf(Cls);
    expect(e).toBeInstanceOf(OuroError);
    expect(e.name).toBe(Cls.name);
  });
  it.each([200, 408, 413, 418])('%i → the generic OuroError', (status) => {
    expect(createOuroError({ status, method: 'GET', url: '/a', message: 'm' }).constructor).toBe(OuroError);
  });
});

describe('isRetryable', () => {
  const e = (status: number) => createOuroError({ status, method: 'GET', url: '/', message: '' });
  it.each([
    [e(408), true],
    [e(429), true],
    [e(500), true],
    [e(502), true],
    [e(503), true],
    [e(504), true],
    [e(501), false],
    [e(400), false],
    [e(401), false],
    [e(404), false],
    [e(409), false],
    [new OuroTimeoutError({ status: 0, method: 'GET', url: '/', message: '' }), true],
    [new OuroConnectionError({ status: 0, method: 'GET', url: '/', message: '' }), true],
    [new Error('x'), false],
  ])('%o → %s', (err, want) => expect(isRetryable(err)).toBe(want));
});

describe('statusOf', () => {
  it.each([
    [{ status: 404 }, 404],
    [{ statusCode: 409 }, 409],
    [{ status: '403' }, 403],
    [{ statusCode: ' 429 ' }, 429],
    [{ status: 'nope' }, undefined],
    [{ status: 42 }, undefined],
    [{}, undefined],
  ])('%j → %s', (fields, want) => expect(statusOf(fields)).toBe(want));
});

describe('extractMessage', () => {
  it.each([
    ['Asset not found', 'Asset not found'],
    [{ message: 'm', detail: 'd' }, 'm'],
    [{ detail: 'only detail' }, 'only detail'],
    [
      {
        detail: [
          { loc: ['body', 'name'], msg: 'field required' },
          { loc: ['query', 'limit'], msg: 'too big' },
        ],
      },
      'body.name: field required; query.limit: too big',
    ],
    [{ error: 'nested' }, 'nested'],
    [{ name: 'HttpError', reason: 'x' }, '{"name":"HttpError","reason":"x"}'],
  ])('%j → %s', (err, want) => expect(extractMessage(err)).toBe(want));
});

describe('unwrap', () => {
  it('returns data of a 2xx envelope and keeps the whole body', () => {
    const out = unwrap(res(200, { data: [1], error: null, pagination: { hasMore: true } }));
    expect(out).toEqual({ ok: true, data: [1], body: { data: [1], error: null, pagination: { hasMore: true } } });
  });
  it('returns the body itself without an envelope', () => {
    expect(unwrap(res(200, { access_token: 't' }), false)).toMatchObject({ ok: true, data: { access_token: 't' } });
  });
  it('turns a non-JSON 2xx into null data', () => {
    expect(unwrap(res(200, 'ok'))).toEqual({ ok: true, data: null, body: null });
  });

  const failures: [string, ReturnType<typeof res>, typeof OuroError, Partial<OuroError>][] = [
    ['200 with a string error', res(200, { data: null, error: 'Asset not found' }), OuroError, { status: 200, message: 'Asset not found' }],
    [
      '200 with error.status 404',
      res(200, { data: null, error: { message: 'Asset abc not found', status: 404, code: 'asset_not_found' } }),
      OuroNotFoundError,
      { status: 404, code: 'asset_not_found' },
    ],
    [
      '200 with statusCode digit-string',
      res(200, { error: { message: 'no', statusCode: '403', code: 'update_forbidden' } }),
      OuroPermissionDeniedError,
      { status: 403, code: 'update_forbidden' },
    ],
    [
      '409 draft quest',
      res(409, { data: null, error: { message: 'draft', code: 'quest_draft_not_accepting_entries' } }),
      OuroConflictError,
      { code: 'quest_draft_not_accepting_entries' },
    ],
    [
      'FastAPI 422 detail list',
      res(422, { detail: [{ loc: ['body', 'pat'], msg: 'field required' }] }),
      OuroUnprocessableError,
      { message: 'body.pat: field required' },
    ],
    ['non-JSON 502', res(502, '<html>Bad gateway</html>'), OuroServerError, { status: 502, message: 'HTTP 502: <html>Bad gateway</html>' }],
    ['empty 503', res(503, ''), OuroServerError, { message: 'HTTP 503' }],
    ['500 with error null', res(500, { data: null, error: null }), OuroServerError, { status: 500 }],
  ];
  it.each(failures)('%s', (_name, input, Cls, fields) => {
    const out = unwrap(input);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.error).toBeInstanceOf(Cls);
    expect(out.error).toMatchObject({ method: 'GET', url: '/x', ...fields });
  });

  it('surfaces SQLSTATE code and hint of the SQL error fixture', () => {
    const out = unwrap({
      status: 400,
      text: fixture('post-datasets-id-query-custom.error-400.json'),
      method: 'POST',
      path: '/datasets/d/query-custom',
      requestId: 'req-1',
    });
    if (out.ok) throw new Error('expected a failure');
    expect(out.error).toBeInstanceOf(OuroBadRequestError);
    expect(out.error).toMatchObject({
      status: 400,
      message: 'Query failed: column "mae_ev" does not exist',
      code: '42703',
      hint: 'Perhaps you meant to reference the column "MAE_eV".',
      requestId: 'req-1',
      url: '/datasets/d/query-custom',
    });
  });
});
