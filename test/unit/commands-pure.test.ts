import { describe, expect, it } from 'vitest';
import { commandSpecs } from '../../src/commands/index.ts';
import { ensureLimit, withoutComments } from '../../src/commands/query.ts';
import { bindArgs, createRegistry, locate, type Registry } from '../../src/commands/registry.ts';
import { closest, editDistance } from '../../src/commands/suggest.ts';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['query', 'query', 0],
    ['qurey', 'query', 1],
    ['qery', 'query', 1],
    ['quer y', 'query', 1],
    ['kitten', 'sitting', 3],
    ['ab', 'ba', 1],
  ])('%j ↔ %j = %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
    expect(editDistance(b, a)).toBe(d);
  });
});

describe('closest', () => {
  const commands = ['help', 'link', 'unlink', 'mirror', 'query', 'datasets', 'search', 'quest', 'watch', 'unwatch', 'watches'];
  it.each([
    ['qurey', 'query'],
    ['QUERY', 'query'],
    ['serch', 'search'],
    ['wach', 'watch'],
    ['dataset', 'datasets'],
    ['hlep', 'help'],
    ['mir', 'mirror'],
    ['xyz', undefined],
    ['frobnicate', undefined],
    ['q', undefined],
  ])('%j → %j', (word, expected) => {
    expect(closest(word, commands)).toBe(expected);
  });
});

describe('ensureLimit', () => {
  it.each([
    ['SELECT * FROM {{table}}', 'SELECT * FROM {{table}}\nLIMIT 1000', true],
    ['select 1;', 'select 1\nLIMIT 1000', true],
    ['SELECT 1 -- a note', 'SELECT 1 -- a note\nLIMIT 1000', true],
    ['WITH t AS (SELECT 1) SELECT * FROM t', 'WITH t AS (SELECT 1) SELECT * FROM t\nLIMIT 1000', true],
    ['(SELECT 1)', '(SELECT 1)\nLIMIT 1000', true],
    ['SELECT * FROM {{table}} LIMIT 5', 'SELECT * FROM {{table}} LIMIT 5', false],
    ['SELECT * FROM {{table}} OFFSET 5', 'SELECT * FROM {{table}} OFFSET 5', false],
    ['SELECT * FROM {{table}} FETCH FIRST 3 ROWS ONLY', 'SELECT * FROM {{table}} FETCH FIRST 3 ROWS ONLY', false],
    ['SELECT speed_limit FROM {{table}}', 'SELECT speed_limit FROM {{table}}\nLIMIT 1000', true],
    ['SELECT 1 /* limit 5 */', 'SELECT 1 /* limit 5 */\nLIMIT 1000', true],
    ['DELETE FROM {{table}}', 'DELETE FROM {{table}}', false],
  ])('%j', (sql, expected, added) => {
    expect(ensureLimit(sql)).toEqual({ sql: expected, added });
  });
});

describe('ensureLimit on a megabyte of hostile SQL', () => {
  // The old `/;+\s*$/` took 24 s on 100,000 semicolons followed by a letter (quadratic).
  const MB = 1_000_000;
  it.each([
    ['a run of semicolons, then a letter', `SELECT 1${';'.repeat(MB)}x`],
    ['a run of semicolons at the end', `SELECT 1${';'.repeat(MB)}`],
    ['unclosed block comments', `SELECT 1 ${'/*'.repeat(MB / 2)}`],
    ['semicolons and spaces', `SELECT 1${'; '.repeat(MB / 2)}x`],
    ['fetch without first', `SELECT 1 ${'fetch '.repeat(MB / 6)}`],
    ['open parentheses', `${'( '.repeat(MB / 2)}x`],
    ['line comments', `SELECT 1 ${'--'.repeat(MB / 2)}`],
  ])('%s: answers in well under a second', (_name, sql) => {
    const started = performance.now();
    ensureLimit(sql);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it.each([
    ['a /* b */ c', 'a   c'],
    ['a -- b\nc', 'a  \nc'],
    ['a /* never closed', 'a  '],
    ['a --', 'a  '],
    ['/**/', ' '],
  ])('withoutComments(%j)', (sql, expected) => {
    expect(withoutComments(sql)).toBe(expected);
  });
});

describe('every command spec', () => {
  let registry: Registry;
  registry = createRegistry(commandSpecs(() => registry));

  it.each(registry.specs.map((s) => [s.name, s] as const))('%s: usage, help and an example that parses to itself', (name, spec) => {
    expect(spec.usage.startsWith(name)).toBe(true);
    expect(spec.summary.length).toBeGreaterThan(10);
    expect(spec.help.length).toBeGreaterThan(20);
    expect(spec.example.startsWith(`/ouro ${name}`)).toBe(true);
    const text = spec.example.slice('/ouro '.length);
    const found = locate(registry, text);
    expect(found.spec).toBe(spec);
    expect(() => bindArgs(spec, text, found.nameTokens)).not.toThrow();
    const rest = spec.args.filter((a) => a.rest);
    expect(rest.length === 0 || (rest.length === 1 && spec.args.at(-1)!.rest !== undefined)).toBe(true);
    if (spec.args.some((a) => a.rest === 'raw')) expect(spec.flags).toBeUndefined();
  });

  it('admin exactly for the commands that change Ouro or the channel', () => {
    expect(registry.specs.filter((s) => s.admin).map((s) => s.name)).toEqual([
      'link',
      'unlink',
      'mirror threads',
      'mirror channel',
      'mirror off',
      'mirror attach',
      'quest create',
      'quest review',
      'quest close',
    ]);
  });
});
