import { describe, expect, it } from 'vitest';
import { autocompleteKind, CommandShapeError, commandDefinitions, commandText, defersPrivately, quoteWord } from '../../src/adapters/discord/commands.ts';
import { tokenize } from '../../src/commands/parse.ts';

const sub = (name: string, options: unknown[] = []): any[] => [{ type: 1, name, options }];
const group = (g: string, name: string, options: unknown[] = []): any[] => [{ type: 2, name: g, options: [{ type: 1, name, options }] }];
const str = (name: string, value: string, focused = false) => ({ type: 3, name, value, ...(focused ? { focused } : {}) });

describe('command definitions', () => {
  const defs = commandDefinitions() as any[];
  const paths = (d: any) => d.options.flatMap((o: any) => (o.type === 2 ? o.options.map((s: any) => `${o.name} ${s.name}`) : [o.name])).sort();

  it('registers /ouro for everyone and /ouro-admin for Manage Server only', () => {
    expect(defs.map((d) => d.name)).toEqual(['ouro', 'ouro-admin']);
    expect(defs[0].default_member_permissions).toBeUndefined();
    expect(defs[1].default_member_permissions).toBe('32');
    expect(defs.every((d) => d.contexts[0] === 0 && d.type === 1)).toBe(true);
  });

  it('covers the whole grammar of DESIGN.md between the two', () => {
    expect(paths(defs[0])).toEqual(
      [
        'chart',
        'datasets',
        'follow',
        'help',
        'login',
        'logout',
        'mirror status',
        'post',
        'query',
        'quest list',
        'quest show',
        'quest submit',
        'route',
        'routes',
        'search',
        'unfollow',
        'unwatch',
        'watch',
        'watches',
        'whoami',
      ].sort(),
    );
    expect(paths(defs[1])).toEqual(
      ['link', 'mirror attach', 'mirror channel', 'mirror off', 'mirror threads', 'quest close', 'quest create', 'quest review', 'unlink'].sort(),
    );
  });

  it("respects Discord's shape rules: names, lengths, counts, required options first", () => {
    const walk = (opts: any[]) => {
      expect(opts.length).toBeLessThanOrEqual(25);
      let seenOptional = false;
      for (const o of opts) {
        expect(o.name).toMatch(/^[a-z0-9_-]{1,32}$/);
        expect(o.description.length).toBeGreaterThan(0);
        expect(o.description.length).toBeLessThanOrEqual(100);
        if (o.type === 1 || o.type === 2) walk(o.options ?? []);
        else {
          if (!o.required) seenOptional = true;
          else expect(seenOptional).toBe(false);
        }
      }
    };
    for (const d of defs) walk(d.options);
  });

  it('types the options: autocomplete for dataset and quest, integer item, choices for decisions', () => {
    const query = defs[0].options.find((o: any) => o.name === 'query');
    expect(query.options[0]).toMatchObject({ name: 'dataset', type: 3, required: true, autocomplete: true });
    const submit = defs[0].options.find((o: any) => o.name === 'quest').options.find((o: any) => o.name === 'submit');
    expect(submit.options.find((o: any) => o.name === 'item')).toMatchObject({ type: 4, min_value: 1 });
    const review = defs[1].options.find((o: any) => o.name === 'quest').options.find((o: any) => o.name === 'review');
    expect(review.options.find((o: any) => o.name === 'decision').choices.map((c: any) => c.value)).toEqual(['accept', 'reject']);
  });
});

describe('commandText', () => {
  it.each([
    ['help', 'ouro', sub('help'), 'help'],
    ['help about a command', 'ouro', sub('help', [str('command', 'query')]), 'help query'],
    [
      'query with SQL kept raw',
      'ouro',
      sub('query', [str('dataset', 'sales'), str('sql', 'select "x" from {{table}}')]),
      'query sales select "x" from {{table}}',
    ],
    ['query without SQL', 'ouro', sub('query', [str('dataset', 'band gaps')]), 'query "band gaps"'],
    [
      'chart with SQL and options (options after the SQL)',
      'ouro',
      sub('chart', [str('dataset', 'runs'), str('sql', 'select a, b from {{table}}'), str('type', 'bar'), str('y', 'b,c'), str('title', 'Two words')]),
      'chart runs select a, b from {{table}} --type bar --y b,c --title "Two words"',
    ],
    ['search with type', 'ouro', sub('search', [str('terms', 'perovskite films'), str('type', 'dataset')]), 'search perovskite films --type dataset'],
    [
      'quest submit',
      'ouro',
      group('quest', 'submit', [str('quest', 'q1'), { type: 4, name: 'item', value: 2 }, str('asset', 'a1'), str('note', 'looks good')]),
      'quest submit q1 2 a1 looks good',
    ],
    ['quest list', 'ouro', group('quest', 'list', [str('status', 'all')]), 'quest list all'],
    ['watch statuses', 'ouro', sub('watch', [str('quest', 'q1'), str('statuses', 'submitted,accepted,rejected')]), 'watch q1 submitted,accepted,rejected'],
    ['watches', 'ouro', sub('watches'), 'watches'],
    ['mirror status', 'ouro', group('mirror', 'status'), 'mirror status'],
    ['mirror threads', 'ouro-admin', group('mirror', 'threads'), 'mirror threads'],
    ['mirror attach', 'ouro-admin', group('mirror', 'attach', [str('conversation', 'c-1')]), 'mirror attach c-1'],
    ['link with team', 'ouro-admin', sub('link', [str('org', 'Materials Lab'), str('team', 'xrd')]), 'link "Materials Lab" xrd'],
    ['unlink', 'ouro-admin', sub('unlink'), 'unlink'],
    [
      'quest create',
      'ouro-admin',
      group('quest', 'create', [str('name', 'Band gaps'), str('items', 'measure A; measure B ;'), { type: 5, name: 'continuous', value: true }]),
      'quest create "Band gaps" --item "measure A" --item "measure B" --continuous',
    ],
    [
      'quest create, not continuous',
      'ouro-admin',
      group('quest', 'create', [str('name', 'x'), { type: 5, name: 'continuous', value: false }]),
      'quest create x',
    ],
    [
      'quest review',
      'ouro-admin',
      group('quest', 'review', [str('quest', 'q1'), str('entry', 'e1'), str('decision', 'reject'), str('comment', 'wrong units')]),
      'quest review q1 e1 reject wrong units',
    ],
    ['quest close', 'ouro-admin', group('quest', 'close', [str('quest', 'q 1')]), 'quest close "q 1"'],
  ])('%s', (_n, command, options, text) => {
    expect(commandText(command, options as any)).toBe(text);
  });

  it.each([
    ['an unknown command', 'other', sub('help')],
    ['no subcommand', 'ouro', []],
    ['an unknown subcommand', 'ouro', sub('frobnicate')],
    ['an admin subcommand under /ouro', 'ouro', sub('link', [str('org', 'x')])],
  ])('refuses %s', (_n, command, options) => {
    expect(() => commandText(command, options as any)).toThrow(CommandShapeError);
  });
});

describe('quoteWord', () => {
  it.each([
    ['plain', 'plain'],
    ['two words', '"two words"'],
    ['', '""'],
    ['"quoted"', '\'"quoted"\''],
    ['say "hi" there', '\'say "hi" there\''],
    ['Ada’s data', '"Ada’s data"'],
  ])('%s → %s, which the grammar reads back', (value, quoted) => {
    expect(quoteWord(value)).toBe(quoted);
    expect(tokenize(quoted).map((t) => t.value)).toEqual([value]);
  });
});

describe('autocomplete and deferral', () => {
  it('names the lookup for a focused dataset or quest option', () => {
    expect(autocompleteKind('ouro', sub('query', [str('dataset', 'sal', true)]))).toEqual({ kind: 'dataset', query: 'sal' });
    expect(autocompleteKind('ouro', group('quest', 'show', [str('quest', 'ban', true)]))).toEqual({ kind: 'quest', query: 'ban' });
    expect(autocompleteKind('ouro', sub('query', [str('dataset', 'x'), str('sql', 'sel', true)]))).toBeUndefined();
  });

  it.each([
    ['help is public', 'ouro', sub('help'), false, false],
    ['query is public', 'ouro', sub('query', [str('dataset', 'x')]), false, false],
    ['an admin command by an admin is public', 'ouro-admin', sub('unlink'), true, false],
    ['an admin command by anyone else will be refused privately', 'ouro-admin', sub('unlink'), false, true],
  ])('%s', (_n, command, options, isAdmin, expected) => {
    expect(defersPrivately(command, options as any, isAdmin)).toBe(expected);
  });
});
