import { describe, expect, it } from 'vitest';
import { jwtExpiryMs, needsRefresh } from '../../src/ouro/jwt.ts';
import { buildQuery, encodeFilters } from '../../src/ouro/query.ts';
import { uuid7, uuid7Time } from '../../src/ouro/uuid7.ts';
import { batchBySize, createTableSql, inferColumns } from '../../src/ouro/resources/datasets.ts';

const jwt = (payload: unknown) => `${Buffer.from('{"alg":"HS256"}').toString('base64url')}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.sig`;

describe('jwtExpiryMs / needsRefresh', () => {
  it.each([
    [jwt({ exp: 1_800_000_000 }), 1_800_000_000_000],
    [jwt({ sub: 'x' }), undefined],
    [jwt({ exp: 'soon' }), undefined],
    ['not-a-jwt', undefined],
    ['a.%%%.c', undefined],
  ])('%s → %s', (token, want) => expect(jwtExpiryMs(token)).toBe(want));

  it.each([
    [undefined, 0, false],
    [1_000_000, 1_000_000 - 300_001, false],
    [1_000_000, 1_000_000 - 300_000, true],
    [1_000_000, 2_000_000, true],
  ])('exp %s at %i → %s', (exp, now, want) => expect(needsRefresh(exp, now)).toBe(want));
});

describe('encodeFilters', () => {
  it.each([
    [undefined, undefined],
    [{}, undefined],
    [{ asset_type: '', team_id: '  ', org_id: undefined }, undefined],
    [{ asset_type: 'dataset' }, '{"asset_type":"dataset"}'],
    [{ asset_type: ['quest', ''], team_id: 't1', visibility: undefined }, '{"asset_type":["quest"],"team_id":"t1"}'],
    [{ top_level_only: false, source: 'api' }, '{"source":"api","top_level_only":false}'],
    [{ asset_type: null as unknown as string, user_id: 'u' }, '{"user_id":"u"}'],
  ])('%j → %s', (f, want) => expect(encodeFilters(f)).toBe(want));
});

describe('buildQuery', () => {
  it.each([
    [undefined, ''],
    [{ a: undefined, b: null, c: '' }, ''],
    [{ limit: 20, offset: 0, joined: true }, '?limit=20&offset=0&joined=true'],
    [{ query: 'a b&c' }, '?query=a+b%26c'],
  ])('%j → %s', (q, want) => expect(buildQuery(q)).toBe(want));
});

describe('uuid7', () => {
  it('has version 7, the RFC variant, and carries the time', () => {
    const id = uuid7(1_767_225_600_123);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(uuid7Time(id)).toBe(1_767_225_600_123);
  });
  it('sorts by time and does not repeat', () => {
    const a = uuid7(1000);
    const b = uuid7(2000);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 200 }, () => uuid7())).size).toBe(200);
  });
});

describe('dataset helpers', () => {
  it('infers column types from rows', () => {
    expect(
      inferColumns([
        { a: 1, b: 'x', c: null, d: true },
        { a: 2.5, b: 'y', c: null, e: { k: 1 } },
      ]),
    ).toEqual([
      { name: 'a', type: 'DOUBLE PRECISION' },
      { name: 'b', type: 'TEXT' },
      { name: 'c', type: 'TEXT' },
      { name: 'd', type: 'BOOLEAN' },
      { name: 'e', type: 'JSONB' },
    ]);
  });
  it('writes the SDK-style CREATE TABLE with the placeholder identifier', () => {
    expect(
      createTableSql([
        { name: 'sample', type: 'TEXT' },
        { name: 'score', type: 'REAL' },
      ]),
    ).toBe('CREATE TABLE IF NOT EXISTS datasets."dataset" (\n  "sample" TEXT,\n  "score" REAL\n)');
  });
  it('batches rows by JSON size', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ v: 'x'.repeat(90), i }));
    const batches = batchBySize(rows, 400);
    expect(batches.flat()).toEqual(rows);
    for (const b of batches) expect(Buffer.byteLength(JSON.stringify({ rows: b, mode: 'overwrite' }))).toBeLessThanOrEqual(400);
    expect(batchBySize([{ big: 'x'.repeat(1000) }], 400)).toHaveLength(1);
  });
});
