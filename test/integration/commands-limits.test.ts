/**
 * Limits a person meets, through the real command runner and Ouro client against the
 * sandbox: the bytes read of one answer, the rows kept, the SQL length, and how many
 * commands run at once (per person and overall) — each answered in words, nothing queued.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

const sandbox = withSandbox({ seed: 'demo' });
const admin: CommandUser = { id: 'U_ADMIN', name: 'Ada', isPlatformAdmin: false };
const person = (i: number): CommandUser => ({ id: `U_${i}`, name: `P${i}`, isPlatformAdmin: false });
const lab: ChannelKey = { platform: 'discord', workspace: 'G1', channel: 'C_LAB' };

let ts: TestStore;
let ouro: OuroClient;
let runner: CommandRunner;

beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0, timeoutMs: 55_000 });
  runner = createCommandRunner({ ouro, store: ts.store, bridgeAdmins: [admin.id] });
  await runner.run({ text: 'link "Ouro Lab" materials', user: admin, channel: lab });
  await ouro.datasets.query(SEED_IDS.datasetPenguins, 'SELECT 1 FROM {{table}} LIMIT 1');
}, 60_000);
afterAll(async () => {
  await ouro?.close();
  await ts?.cleanup();
});
afterEach(() => sandbox().faults.clear());

const run = (text: string, user = person(1)) => runner.run({ text, user, channel: lab });

describe('what one answer may hold', () => {
  it('a 20 MB answer is not read past 4 MiB, and the person is told to narrow the query', async () => {
    sandbox().faults.add({ route: /query-custom$/, mode: 'huge', bytes: 20_000_000, times: 1 });
    const r = await run('query screening_runs SELECT * FROM {{table}}');
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toBe(
      'The answer is larger than the 4 MB the bridge reads from Ouro at once, so it was not read to the end. Narrow your query: fewer columns, a WHERE clause, an aggregate or a smaller LIMIT.',
    );
  });

  it('rows past 10,000 are dropped with a note', async () => {
    const r = await run('query screening_runs SELECT run_id, mae_ev FROM {{table}} CROSS JOIN generate_series(1, 10) LIMIT 12000');
    expect(r.reply.text).toContain('Showing the first 10,000 of 12,000 rows; narrow your query');
    const csv = r.reply.files?.[0]?.content;
    expect(String(csv).trim().split('\n')).toHaveLength(1 + 10_000);
  });

  it('SQL past 10,000 characters is refused in words before anything is sent to Ouro', async () => {
    const before = sandbox().requests.length;
    const r = await run(`query screening_runs SELECT 1 ${'-- padding\n'.repeat(1_500)}`);
    expect(r.reply.text).toBe('That SQL is 16,508 characters long; the bridge takes up to 10,000. Shorten the query and try again.');
    expect(sandbox().requests.length).toBe(before);
  });
});

describe('errors in chat are words, never internals', () => {
  it('an Ouro 5xx says so by its status, not with the server’s message', async () => {
    sandbox().faults.add({ route: /query-custom$/, mode: '500', times: 1 });
    const r = await run('query screening_runs SELECT 1');
    expect(r.reply.text).toBe('Ouro answered with an error (HTTP 500). Try again in a moment. The query was not retried.');
  });
});

describe('commands running at once', () => {
  const slowQuery = 'query screening_runs SELECT count(*) FROM {{table}}';

  it('a third command of one person while two run is answered "busy" at once', async () => {
    sandbox().faults.add({ route: /query-custom$/, mode: 'slow', delayMs: 1_500 });
    const running = [run(slowQuery), run(slowQuery)];
    await new Promise((r) => setTimeout(r, 100));
    const third = await run('help');
    expect(third.reply.text).toBe('You already have 2 commands running. Wait for one of them to answer, then try again.');
    expect(await run('help', person(2))).not.toMatchObject({ reply: { text: expect.stringContaining('busy') } });
    for (const r of await Promise.all(running)) expect(r.reply.text).toContain('count');
    expect((await run('help')).reply.text).not.toContain('already have');
  });

  it('past eight commands overall, the next person is answered "busy" at once', async () => {
    sandbox().faults.add({ route: /query-custom$/, mode: 'slow', delayMs: 1_500 });
    const running = Array.from({ length: 8 }, (_, i) => run(slowQuery, person(10 + i)));
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    const ninth = await run('help', person(99));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ninth.reply.text).toBe('The bridge is busy with other people’s commands right now. Try again in a few seconds.');
    await Promise.all(running);
    expect((await run('help', person(99))).reply.text).not.toContain('busy');
  });
});
