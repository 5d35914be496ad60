import { describe, expect, it } from 'vitest';
import { columnsFromDdl, columnsFromRows, pgType, snakeCase } from '../../src/sandbox/columns.ts';
import { Faults } from '../../src/sandbox/faults.ts';
import { Router, ok } from '../../src/sandbox/router.ts';
import { Clock, formatMicros, parseMicros, uuidv7 } from '../../src/sandbox/state.ts';

// Pure parts of the sandbox, table-driven (kept beside the sandbox's integration tests).

describe('snakeCase', () => {
  it.each([
    ['MAE_eV', 'mae_ev'],
    ['bodyMassKg', 'body_mass_kg'],
    ['measuredAt', 'measured_at'],
    ['Bill Length (mm)', 'bill_length_mm'],
    ['  spaced  ', 'spaced'],
    ['2theta', 'c_2theta'],
    ['***', 'column'],
  ])('%s → %s', (input, expected) => expect(snakeCase(input)).toBe(expected));
});

describe('pgType', () => {
  it.each([
    ['TEXT', 'text'],
    ['VARCHAR(20)', 'text'],
    ['INTEGER', 'integer'],
    ['BIGINT', 'bigint'],
    ['REAL', 'real'],
    ['DOUBLE PRECISION', 'double precision'],
    ['NUMERIC(10,2)', 'numeric'],
    ['TIMESTAMP', 'timestamp with time zone'],
    ['TIMESTAMP WITH TIME ZONE', 'timestamp with time zone'],
    ['BOOLEAN', 'boolean'],
    ['jsonb', 'jsonb'],
  ])('%s → %s', (declared, expected) => expect(pgType(declared)).toBe(expected));

  it('refuses an unknown type with a hint', () => {
    expect(() => pgType('GEOMETRY')).toThrow(/Unsupported column type "GEOMETRY"/);
  });
});

describe('columnsFromDdl', () => {
  it('reads pandas-style DDL, skips constraints, normalises names', () => {
    const cols = columnsFromDdl(
      'CREATE TABLE IF NOT EXISTS datasets."dataset" (\n"Sample" TEXT,\n "score" REAL NOT NULL,\n amount NUMERIC(10, 2),\n PRIMARY KEY ("Sample")\n)',
    );
    expect(cols.map((c) => [c.name, c.type])).toEqual([
      ['sample', 'text'],
      ['score', 'real'],
      ['amount', 'numeric'],
    ]);
  });

  it.each([
    ['SELECT 1', /CREATE TABLE/],
    ['CREATE TABLE t ()', /no columns/],
    ['CREATE TABLE t ("a" TEXT, "A" TEXT)', /Two columns normalise to "a"/],
  ])('%s is refused', (ddl, message) => expect(() => columnsFromDdl(ddl)).toThrow(message));
});

describe('columnsFromRows', () => {
  it('infers types from the first non-null value', () => {
    const cols = columnsFromRows([
      { a: null, b: 1, c: 1.5, d: true, e: '2026-01-01T00:00:00Z', f: 'x' },
      { a: 'late', b: 2 },
    ]);
    expect(Object.fromEntries(cols.map((c) => [c.name, c.type]))).toEqual({
      a: 'text',
      b: 'bigint',
      c: 'double precision',
      d: 'boolean',
      e: 'timestamp with time zone',
      f: 'text',
    });
  });
});

describe('timestamps', () => {
  it.each([
    ['2026-05-05T14:05:41.591000+00:00', Date.UTC(2026, 4, 5, 14, 5, 41, 591) * 1000],
    ['2026-05-05T14:05:41.591123+00:00', Date.UTC(2026, 4, 5, 14, 5, 41, 591) * 1000 + 123],
    ['2026-01-01T00:00:00Z', Date.UTC(2026, 0, 1) * 1000],
    ['2026-01-01T02:00:00+02:00', Date.UTC(2026, 0, 1) * 1000],
  ])('parseMicros(%s)', (iso, micros) => expect(parseMicros(iso)).toBe(micros));

  it.each(['yesterday', '2026-13-45T00:00:00Z', ''])('parseMicros(%j) is NaN', (v) => expect(parseMicros(v)).toBeNaN());

  it('formats and parses back exactly, and the clock never repeats', () => {
    const clock = new Clock();
    const stamps = Array.from({ length: 50 }, () => clock.iso());
    expect(new Set(stamps).size).toBe(50);
    for (const s of stamps) expect(formatMicros(parseMicros(s))).toBe(s);
  });

  it('makes UUIDv7s', () => {
    const id = uuidv7(Date.UTC(2026, 0, 1));
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(Date.UTC(2026, 0, 1));
  });
});

describe('fault matching', () => {
  it.each([
    ['GET /user', 'GET', '/user', true],
    ['GET /user', 'POST', '/user', false],
    ['/user', 'DELETE', '/user', true],
    ['/user', 'GET', '/user/profile', false],
    ['GET /conversations*', 'GET', '/conversations/abc/messages', true],
    ['/datasets/*', 'POST', '/datasets/1/query-custom', true],
  ] as const)('%s vs %s %s → %s', (route, method, path, hit) => {
    const f = new Faults();
    f.add({ route, mode: '500' });
    expect(f.take(method, path) !== undefined).toBe(hit);
  });

  it('counts down times', () => {
    const f = new Faults();
    f.add({ route: /user/, mode: '429', times: 2 });
    expect([f.take('GET', '/user'), f.take('GET', '/user'), f.take('GET', '/user')].map((a) => a?.kind)).toEqual(['error', 'error', undefined]);
  });
});

describe('router', () => {
  const r = new Router();
  r.add('GET', '/users/:id', () => ok('param'));
  r.add('GET', '/users/search', () => ok('literal'));
  r.add('POST', '/users/get-token', () => ok('token'));

  it.each([
    ['GET', '/users/search', 'literal'],
    ['GET', '/users/alice', 'param'],
  ])('%s %s → %s (literal segments win)', async (method, path, expected) => {
    const hit = r.match(method, path);
    expect(hit && 'route' in hit && (await hit.route.handler({} as never))).toMatchObject({ data: expected });
  });

  it('reports allowed methods for a known path and nothing for an unknown one', () => {
    expect(r.match('DELETE', '/users/get-token')).toEqual({ allowed: ['GET', 'POST'] });
    expect(r.match('GET', '/nowhere')).toBeUndefined();
  });
});
