import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

/**
 * Failures reach the user in words: Ouro's SQL error with its hint, a refused write, the
 * query timeout, not found, ambiguous names, rate limiting, and private assets kept out of
 * the channel. Against the seeded sandbox with a short query timeout.
 */

const QUERY_TIMEOUT_MS = 400;
const sandbox = withSandbox({ seed: 'demo', queryTimeoutMs: QUERY_TIMEOUT_MS });
const admin: CommandUser = { id: 'U_ADMIN', name: 'Ada', isPlatformAdmin: false };
const member: CommandUser = { id: 'U_MEMBER', name: 'Max', isPlatformAdmin: false };
const lab: ChannelKey = { platform: 'discord', workspace: 'G1', channel: 'C_LAB' };
const lobby: ChannelKey = { platform: 'discord', workspace: 'G1', channel: 'C_LOBBY' };

let ts: TestStore;
let ouro: OuroClient;
let runner: CommandRunner;

beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  // A long client timeout: without TEST_DATABASE_URL the sandbox boots embedded PGlite on the first query, slowly on a busy machine.
  ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0, timeoutMs: 55_000 });
  runner = createCommandRunner({ ouro, store: ts.store, bridgeAdmins: [admin.id] });
  await runner.run({ text: 'link "Ouro Lab" materials', user: admin, channel: lab });
  // The sandbox starts its SQL engine (embedded PGlite without TEST_DATABASE_URL) on first use: do it here, under the hook timeout.
  await ouro.datasets.query(SEED_IDS.datasetPenguins, 'SELECT 1 FROM {{table}} LIMIT 1');
});
afterAll(async () => {
  await ouro?.close();
  await ts?.cleanup();
});

const run = (text: string, channel = lab, user = member) => runner.run({ text, user, channel });
const queries = () => sandbox().requests.filter((r) => r.method === 'POST' && r.path.endsWith('/query-custom')).length;

describe('query errors', () => {
  it('a bad column answers with Ouro’s message, SQLSTATE and hint', async () => {
    const r = await run('query screening_runs SELECT temprature_k FROM {{table}}');
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toMatch(/^Ouro rejected it: Query failed: column "temprature_k" does not exist \(SQLSTATE 42703\)/);
    expect(r.reply.text).toMatch(/\nHint: .*temperature_k/);
  });

  it('a write statement is refused by Ouro, and said so', async () => {
    const before = queries();
    const r = await run('query screening_runs DELETE FROM {{table}}');
    expect(r.reply.text).toBe('Ouro rejected it: Query failed: only read-only SELECT or WITH queries are allowed on datasets (SQLSTATE 25006)');
    expect(queries()).toBe(before + 1);
    expect(sandbox().state.datasetRows[SEED_IDS.datasetScreening]).toHaveLength(1200);
  });

  // PGlite does not enforce statement_timeout (src/sandbox/sql.ts), so this needs PostgreSQL.
  it.skipIf(!process.env.TEST_DATABASE_URL)('a slow query hits the timeout, is cancelled, and is not retried', async () => {
    const before = queries();
    const r = await run('query screening_runs SELECT pg_sleep(2), count(*) FROM {{table}}');
    expect(r.reply.text).toBe(
      'The query took longer than Ouro’s 10-second limit and was cancelled. Narrow it (a WHERE clause, an aggregate, a smaller LIMIT) and try again. It was not retried.',
    );
    expect(queries()).toBe(before + 1);
  });

  it('naming the table instead of {{table}} gets told how to write it', async () => {
    const r = await run('query screening_runs SELECT count(*) FROM screening_runs');
    expect(r.reply.text).toMatch(
      /^Ouro rejected it: Query failed: relation "screening_runs" does not exist\nWrite `\{\{table\}\}` where the dataset’s table goes/,
    );
  });

  it('an unknown dataset id is not found; an unknown name suggests nothing it cannot find', async () => {
    const missing = '0193a5c0-0000-7000-8000-0000000000ff';
    expect((await run(`query ${missing}`)).reply.text).toMatch(/^Not found on Ouro: .*0193a5c0-0000-7000-8000-0000000000ff/);
    expect((await run('query unobtainium')).reply.text).toBe('No dataset named “unobtainium” in this channel’s org/team or elsewhere.');
  });

  it('a partial name suggests the datasets it could mean, with ids', async () => {
    const r = await run('query screening');
    expect(r.reply.text).toBe(
      `No dataset named “screening” in this channel’s org/team or elsewhere.\nDid you mean:\n• screening_runs — id \`${SEED_IDS.datasetScreening}\``,
    );
  });

  it('Ouro rate limiting is reported with the wait', async () => {
    sandbox().faults.add({ route: '/datasets/*', mode: '429', retryAfterSeconds: 7, times: 1 });
    const r = await run(`query ${SEED_IDS.datasetPenguins} SELECT 1`);
    expect(r.reply.text).toBe('Ouro is rate limiting the bridge. Try again in 7 s.');
    sandbox().faults.clear();
  });
});

describe('names and scope', () => {
  it('an ambiguous quest name lists the candidates with their ids', async () => {
    await run('quest create "Twin quest"', lab, admin);
    await run('quest create "Twin quest" --continuous', lab, admin);
    const ids = sandbox()
      .state.quests.filter((q) => q.name === 'Twin quest')
      .map((q) => q.id);
    expect(ids).toHaveLength(2);
    const r = await run('quest show "twin quest"');
    expect(r.reply.text.split('\n')[0]).toBe('“twin quest” names 2 quests — use the id:');
    for (const id of ids) expect(r.reply.text).toContain(`• Twin quest — id \`${id}\``);
  });

  it('a private dataset of another org is answered to nobody, and not named', async () => {
    const r = await run(`query ${SEED_IDS.datasetPrivate}`);
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toBe(
      'That dataset is not public and not in the org/team this channel is linked to; the bridge works here only with those. Nothing was done.',
    );
    const search = await run('search alloys', lobby);
    expect(search.reply.text).not.toContain('proprietary_alloys');
  });

  it('an org-visible dataset answers in its linked channel, not in an unlinked one', async () => {
    expect((await run(`query ${SEED_IDS.datasetScreening} SELECT count(*) AS n FROM {{table}}`, lab)).visibility).toBe('public');
    const r = await run(`query ${SEED_IDS.datasetScreening} SELECT count(*) AS n FROM {{table}}`, lobby);
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toContain('this channel is not linked to an Ouro org');
    expect((await run(`query ${SEED_IDS.datasetPenguins} SELECT count(*) AS n FROM {{table}}`, lobby)).visibility).toBe('public');
  });

  it('watching a quest the channel may not see is refused', async () => {
    const r = await run(`watch ${SEED_IDS.quest}`, lobby);
    expect(r.reply.text).toBe(
      'That quest is not public, and this channel is not linked to an Ouro org: an admin can link it first (`/ouro link <org>`). Nothing was done.',
    );
    expect(await ts.store.listWatches(lobby)).toEqual([]);
  });

  it('submitting to a missing item number says how many there are', async () => {
    const r = await run(`quest submit "Measure Curie temperatures" 7 ${SEED_IDS.post}`);
    expect(r.reply.text).toBe('**Measure Curie temperatures** has 3 items; there is no item 7.');
    const bad = await run(`quest submit "Measure Curie temperatures" two ${SEED_IDS.post}`);
    expect(bad.reply.text).toBe('<item-number> must be a number from 1 to 3 — not “two”. See `/ouro quest show Measure Curie temperatures`.');
  });

  it('reviewing an entry that was already decided changes nothing', async () => {
    const r = await run(`quest review "Measure Curie temperatures" ${SEED_IDS.entryAccepted} reject`, lab, admin);
    expect(r.reply.text).toMatch(/^That entry was already accepted \(2026-01-09\); nothing changed\.$/);
    expect(sandbox().state.entries.find((e) => e.id === SEED_IDS.entryAccepted)?.status).toBe('accepted');
  });
});
