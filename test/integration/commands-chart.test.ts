import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chartRequest, splitChartArgs } from '../../src/commands/chart.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { pngFacts } from '../helpers/png.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

/** `/ouro chart` through the real registry and Ouro client against the seeded sandbox. */

const sandbox = withSandbox({ seed: 'demo' });
const user: CommandUser = { id: 'U1', name: 'Ada', isPlatformAdmin: false };
const channel: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C_LAB' };
let ts: TestStore;
let ouro: OuroClient;
let runner: CommandRunner;

beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0, timeoutMs: 55_000 });
  runner = createCommandRunner({ ouro, store: ts.store, bridgeAdmins: [], webBaseUrl: 'https://ouro.test' });
  await ouro.datasets.query(SEED_IDS.datasetPenguins, 'SELECT 1 FROM {{table}} LIMIT 1');
  await ts.store.upsertChannelLink({
    ...channel,
    orgId: SEED_IDS.orgLab,
    orgName: 'Ouro Lab',
    teamId: null,
    teamName: null,
    mirrorMode: 'off',
    updatedBy: 'test',
  });
});
afterAll(async () => {
  await ouro?.close();
  await ts?.cleanup();
});

const run = (text: string) => runner.run({ text, user, channel });

describe('splitting SQL from options', () => {
  const cases: [string, string | undefined, Record<string, string[]>][] = [
    ['SELECT a, b FROM {{table}} --type bar --y b', 'SELECT a, b FROM {{table}}', { type: ['bar'], y: ['b'] }],
    ['--x a SELECT a FROM {{table}}', 'SELECT a FROM {{table}}', { x: ['a'] }],
    ['--title "Two words" --y=b,c', undefined, { title: ['Two words'], y: ['b,c'] }],
    ["SELECT 'x y' AS a FROM {{table}} --comment\n", "SELECT 'x y' AS a FROM {{table}} --comment", {}],
    ['SELECT a FROM {{table}} -- --type bar', 'SELECT a FROM {{table}} --', { type: ['bar'] }],
  ];
  it.each(cases)('%j', (raw, sql, flags) => {
    const out = splitChartArgs(raw);
    expect(out.sql).toBe(sql);
    expect(Object.fromEntries(out.flags)).toEqual(flags);
  });
  it('checks --type and splits --y', () => {
    expect(chartRequest(new Map([['y', ['a, b', 'c']]]))).toEqual({ y: ['a', 'b', 'c'] });
    expect(() => chartRequest(new Map([['type', ['pie']]]))).toThrow('--type must be one of bar, line, scatter, area, histogram — not “pie”.');
  });
});

describe('/ouro chart against the sandbox', () => {
  it('draws the 1,200-row screening runs over time, says which columns went where, with caption and link', async () => {
    const r = await run('chart screening_runs SELECT started_at, mae_ev FROM {{table}} ORDER BY started_at LIMIT 2000 --title "MAE over time"');
    expect(r.reply.text).toContain('**screening_runs**: line chart: x = `started_at` (time), y = `mae_ev`');
    expect(r.reply.text).toContain('SELECT started_at, mae_ev FROM {{table}} ORDER BY started_at LIMIT 2000');
    expect(r.reply.text).toContain('1,200 rows · [Open on Ouro](https://ouro.foundation/datasets/alice/screening-runs)');
    expect(r.reply.text).toMatch(/\d+ rows with NULL in started_at\/mae_ev left out\./);
    const file = r.reply.files![0]!;
    expect(file).toMatchObject({ name: 'screening-runs-chart.png', mime: 'image/png', title: 'MAE over time' });
    expect(file.alt).toMatch(/^line chart: x = started_at \(time\), y = mae_ev of screening_runs, 1,\d{3} points$/);
    const facts = pngFacts(file.content as Uint8Array);
    expect([facts.width, facts.height]).toEqual([1000, 600]);
    expect(facts.variance).toBeGreaterThan(200);
  });

  it('without SQL: the whole table with a LIMIT, encoding from the column types (a bar of species)', async () => {
    const r = await run('chart penguins --y body_mass_g');
    expect(r.reply.text).toContain('bar chart: x = `species` (text), y = `body_mass_g`');
    expect(r.reply.text).toContain('SELECT * FROM {{table}}\nLIMIT 10000');
    expect(r.reply.text).toContain('No LIMIT given, so LIMIT 10000 was added.');
    expect(r.visibility).toBe('public');
  });

  it('a histogram and a scatter by --type', async () => {
    const h = await run('chart screening_runs SELECT energy_ev FROM {{table}}');
    expect(h.reply.text).toContain('histogram: x = `energy_ev` (number), y = count of rows');
    const s = await run('chart screening_runs SELECT temperature_k, mae_ev, method FROM {{table}} --type scatter --color method');
    expect(s.reply.text).toContain('scatter chart: x = `temperature_k` (number), y = `mae_ev`, colour = `method`');
  });

  it('a failing SQL, nothing plottable and an empty result get words, not an image', async () => {
    const bad = await run('chart penguins SELECT nope FROM {{table}}');
    expect(bad.reply.text).toMatch(/^Ouro rejected it: .*nope/);
    expect(bad.reply.files).toBeUndefined();
    const text = await run('chart penguins SELECT species, island FROM {{table}}');
    expect(text.reply.text).toContain('Nothing to plot: a chart needs at least one column of numbers, and this result has `species` (text), `island` (text).');
    expect(text.reply.files).toBeUndefined();
    const none = await run("chart penguins SELECT * FROM {{table}} WHERE species = 'none'");
    expect(none.reply.text).toBe('The query returned no rows, so there is nothing to chart.');
    const typo = await run('chart penguins --x spieces');
    expect(typo.reply.text).toContain('--x spieces: the result has no such column. Its columns: `species` (text)');
  });

  it('a dataset outside the channel’s org is refused in words, like query, with no image', async () => {
    const r = await run(`chart ${SEED_IDS.datasetPrivate} SELECT alloy, unit_cost_usd FROM {{table}}`);
    expect(r.visibility).toBe('invoker');
    expect(r.reply.files).toBeUndefined();
    expect(r.reply.text).toContain('not in the org/team this channel is linked to');
  });
});
