import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, parseArgs, tokenize, unwrapQuotes } from '../../src/commands/parse.ts';

const words = (text: string) => tokenize(text).map((t) => t.value);

describe('tokenize', () => {
  it.each([
    ['', []],
    ['   ', []],
    ['help', ['help']],
    ['  quest   list  open ', ['quest', 'list', 'open']],
    ['quest create "Measure Tc" --item x', ['quest', 'create', 'Measure Tc', '--item', 'x']],
    ['quest create “Measure Tc”', ['quest', 'create', 'Measure Tc']],
    ['quest create ‘Measure Tc’', ['quest', 'create', 'Measure Tc']],
    ["link 'Ouro Lab' materials", ['link', 'Ouro Lab', 'materials']],
    ['link “Ouro Lab" materials', ['link', 'Ouro Lab', 'materials']],
    ["search don't panic", ['search', "don't", 'panic']],
    ['search Ada’s notes', ['search', 'Ada’s', 'notes']],
    ['x "a "b" c"', ['x', 'a "b', 'c"']],
    ['x ""', ['x', '']],
    ['x "say \\"hi\\""', ['x', 'say \\"hi\\"']],
    ['tab\tseparated\nlines', ['tab', 'separated', 'lines']],
  ])('%j → %j', (text, expected) => {
    expect(words(text)).toEqual(expected);
  });

  it('marks quoted words and keeps offsets into the original text', () => {
    const text = 'query "plate reads" SELECT 1';
    const t = tokenize(text);
    expect(t[1]).toEqual({ value: 'plate reads', quoted: true, start: 6, end: 19 });
    expect(text.slice(t[2]!.start)).toBe('SELECT 1');
  });

  it('stops after `limit` words without looking at the rest', () => {
    expect(tokenize("query ds SELECT 'unterminated", 2).map((t) => t.value)).toEqual(['query', 'ds']);
  });

  it.each([
    ['quest create "Measure Tc', 'Unterminated quote: "Measure Tc — close it with a matching quote.'],
    ['link “Ouro Lab', 'Unterminated quote: “Ouro Lab — close it with a matching quote.'],
    ["x 'a very long name that goes on and on", "Unterminated quote: 'a very long name th… — close it with a matching quote."],
  ])('%j → ParseError %j', (text, message) => {
    expect(() => tokenize(text)).toThrow(new ParseError(message));
  });

  it('never throws anything but a ParseError, and words hold whitespace only where it was quoted', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '"', '“', '”', "'", '‘', '’', '-', '=', '\n', 'é') }), (s) => {
        try {
          for (const t of tokenize(s)) {
            // Only `--name="two words"` puts whitespace in an unquoted word (its value is quoted).
            const raw = s.slice(t.start, t.end);
            if (!t.quoted && !/^--[^\s]*=["“”„'‘’]/.test(raw)) expect(t.value).not.toMatch(/\s/);
            expect(s.slice(t.start, t.end).length).toBeGreaterThanOrEqual(t.value.length);
          }
        } catch (err) {
          expect(err).toBeInstanceOf(ParseError);
        }
      }),
      { numRuns: 2000, examples: [['--=“ ”'], ['--item="a b" c']] },
    );
  });
});

describe('parseArgs', () => {
  const spec = { item: 'string', continuous: 'boolean', type: 'string' } as const;
  const parse = (text: string) => {
    const r = parseArgs(tokenize(text), spec);
    return { positionals: r.positionals.map((t) => t.value), flags: Object.fromEntries(r.flags) };
  };

  it.each([
    ['"Name" --item a --item "b c"', { positionals: ['Name'], flags: { item: ['a', 'b c'] } }],
    ['Name --item=a --item="b c"', { positionals: ['Name'], flags: { item: ['a', 'b c'] } }],
    ['Name --item=“b c”', { positionals: ['Name'], flags: { item: ['b c'] } }],
    ['Name --continuous', { positionals: ['Name'], flags: { continuous: ['true'] } }],
    ['--CONTINUOUS Name', { positionals: ['Name'], flags: { continuous: ['true'] } }],
    ['Name "--item" x', { positionals: ['Name', '--item', 'x'], flags: {} }],
    ['a -- b', { positionals: ['a', '--', 'b'], flags: {} }],
    ['terms --type dataset', { positionals: ['terms'], flags: { type: ['dataset'] } }],
  ])('%j', (text, expected) => {
    expect(parse(text)).toEqual(expected);
  });

  it.each([
    ['Name --itme x', 'Unknown option --itme. Known options: --item, --continuous, --type.'],
    ['Name --item', '--item needs a value.'],
    ['Name --item --continuous', '--item needs a value.'],
    ['Name --item=', '--item needs a value.'],
    ['Name --continuous=yes', '--continuous takes no value.'],
  ])('%j → %j', (text, message) => {
    expect(() => parse(text)).toThrow(new ParseError(message));
  });

  it('says when a command takes no options', () => {
    expect(() => parseArgs(tokenize('--x'), {})).toThrow('Unknown option --x. This command takes no options.');
  });
});

describe('unwrapQuotes (free text such as SQL)', () => {
  it.each([
    ['"select * from {{table}} limit 2"', 'select * from {{table}} limit 2'],
    ['\u201cselect 1\u201d', 'select 1'],
    ["'select 1'", 'select 1'],
    ['\u2018select 1\u2019', 'select 1'],
    // SQL's own quoting stays: the wrapper character occurs inside.
    ["select * from {{table}} where name = 'x'", "select * from {{table}} where name = 'x'"],
    ["'a' || 'b'", "'a' || 'b'"],
    ['"Col" = 1 and "Other"', '"Col" = 1 and "Other"'],
    ['"', '"'],
    ['select 1', 'select 1'],
  ])('%s → %s', (input, expected) => {
    expect(unwrapQuotes(input)).toBe(expected);
  });
});
