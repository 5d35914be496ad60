import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { suggestRoutes } from '../../src/commands/autocomplete.ts';
import { createCommandRunner } from '../../src/commands/index.ts';
import type { Block } from '../../src/chat/reply.ts';
import type { CommandRunner, CommandUser } from '../../src/commands/types.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SERVICE_IDS } from '../../src/sandbox/seed-services.ts';
import { SEED_IDS } from '../../src/sandbox/seed.ts';
import { recordThreadFile } from '../../src/commands/thread-file.ts';
import type { ChannelKey } from '../../src/store/types.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, type TestStore } from '../helpers/store.ts';

/** `/ouro routes` and `/ouro route` through the real registry, client and store, against the sandbox's lab-tools service. */

const sandbox = withSandbox({ seed: 'demo' });
const ada: CommandUser = { id: 'U_ADA', name: 'Ada', isPlatformAdmin: true };
const max: CommandUser = { id: 'U_MAX', name: 'Max', isPlatformAdmin: false };
const lab: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C_LAB' };
const random: ChannelKey = { platform: 'slack', workspace: 'T1', channel: 'C_RANDOM' };

let ts: TestStore;
let ouro: OuroClient;
let runner: CommandRunner;
/** A .cif file asset in the channel's org/team, and one private to another org. */
let structure = '';
let foreign = '';

async function fileAsset(name: string, place: { orgId: string; teamId: string }, visibility: 'private' | 'organization'): Promise<string> {
  const up = await ouro.files.upload({ source: { bytes: Buffer.from('data_Fe2Ni\n') }, name, mime: 'chemical/x-cif', visibility });
  return (await ouro.files.createAsset({ uploadId: up.id, name, visibility, ...place })).id;
}

beforeAll(async () => {
  ts = await makeTestStore('sqlite');
  ouro = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
  runner = createCommandRunner({ ouro, store: ts.store, bridgeAdmins: [], webBaseUrl: 'https://ouro.test' });
  await runner.run({ text: 'link "Ouro Lab" materials', user: ada, channel: lab });
  structure = await fileAsset('Fe2Ni.cif', { orgId: SEED_IDS.orgLab, teamId: SEED_IDS.teamMaterials }, 'organization');
  foreign = await fileAsset('secret.cif', { orgId: SEED_IDS.orgHelix, teamId: SEED_IDS.teamConfidential }, 'private');
});
afterAll(async () => {
  await ouro?.close();
  await ts?.cleanup();
});

const run = (text: string, user = max, channel = lab, thread?: string) => runner.run({ text, user, channel, ...(thread ? { thread } : {}) });
const buttonsOf = (blocks: Block[]) => blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));
const uses = (routeId: string) =>
  sandbox().requests.filter((r) => r.method === 'POST' && r.path === `/services/${SERVICE_IDS.service}/routes/${routeId}/use`).length;

describe('/ouro routes', () => {
  it('lists the linked org’s routes with method, path, inputs, latency and cost', async () => {
    const r = await run('routes');
    expect(r.visibility).toBe('public');
    const text = r.reply.text;
    expect(text).toContain('`alice/relax-structure` — Relax an atomic structure and write a report post');
    expect(text).toContain('POST /relax · file (.cif) → post · ~900 ms');
    expect(text).toContain('POST /screen/{run} · ~3.0 s · async');
    expect(text).toContain('POST /predict · 0.25 USD a call');
    expect(text).toContain('`alice/legacy-convert`');
  });

  it('narrows by terms, and shows nothing of the org in an unlinked channel', async () => {
    const r = await run('routes screen');
    expect(r.reply.text).toContain('alice/screen-candidates');
    expect(r.reply.text).not.toContain('relax-structure');
    const outside = await run('routes', max, random);
    expect(outside.reply.text).toBe('No service routes (public only: this channel is not linked).');
  });
});

describe('route autocomplete (Discord)', () => {
  it('offers the channel’s routes by name, narrowed by what was typed, and none outside the scope', async () => {
    const all = await suggestRoutes({ ouro, store: ts.store }, '', lab);
    expect(all.map((c) => c.value)).toEqual(['alice/relax-structure', 'alice/screen-candidates', 'alice/predict-magnetisation', 'alice/legacy-convert']);
    expect(all[0]!.name).toBe('alice/relax-structure — Relax an atomic structure and write a report post');
    expect((await suggestRoutes({ ouro, store: ts.store }, 'magnet', lab)).map((c) => c.value)).toEqual(['alice/predict-magnetisation']);
    expect(await suggestRoutes({ ouro, store: ts.store }, '', random)).toEqual([]);
  });
});

describe('/ouro route', () => {
  it('runs a sync route on an input asset and answers with the response and the output post', async () => {
    const r = await run(`route alice/relax-structure temperature=310 --input ${structure}`);
    expect(r.visibility).toBe('public');
    expect(r.reply.text).toContain('**alice/relax-structure** — ✅ done');
    const fields = r.reply.blocks.find((b) => b.type === 'fields');
    expect(fields).toMatchObject({
      fields: expect.arrayContaining([
        { label: 'temperature', value: '310' },
        { label: 'converged', value: 'true' },
      ]),
    });
    const post = r.reply.blocks.find((b) => b.type === 'asset');
    expect(post).toMatchObject({ asset: { type: 'post', name: 'Relaxation report: Fe2Ni.cif' } });
  });

  it('finds a route by its slug alone in the channel’s scope', async () => {
    const r = await run(`route relax-structure --input ${structure}`);
    expect(r.reply.text).toContain('✅ done');
  });

  it('answers a missing or wrong parameter with usage built from the route, sending nothing', async () => {
    const before = uses(SERVICE_IDS.relax);
    const missing = await run('route alice/relax-structure temperature=300');
    expect(missing.reply.text).toContain('This route runs on a file: give `--input <file id>`.');
    expect(missing.reply.text).toContain('Usage: `/ouro route alice/relax-structure [temperature=<number>] --input <file id>`');
    const typed = await run(`route alice/relax-structure temperature=hot --input ${structure}`);
    expect(typed.reply.text).toContain('`temperature` must be a number, not “hot”.');
    const unknown = await run(`route alice/relax-structure pressure=2 --input ${structure}`);
    expect(unknown.reply.text).toContain('This route takes no `pressure`; it takes `temperature`.');
    expect(uses(SERVICE_IDS.relax)).toBe(before);
    const bare = await run('route alice/screen-candidates');
    expect(bare.visibility).toBe('invoker');
    expect(bare.reply.text).toContain('Usage: `/ouro route alice/screen-candidates run=<string> [count=<integer>]`');
    // The form a platform with forms opens instead (Slack); others show the usage above.
    expect(bare.reply.form?.fields.map((f) => [f.name, f.type, f.required])).toEqual([
      ['run', 'text', true],
      ['count', 'integer', false],
    ]);
    const relax = await run('route alice/relax-structure');
    expect(relax.visibility).toBe('invoker');
    expect(relax.reply.text).toContain('Usage: `/ouro route alice/relax-structure [temperature=<number>] --input <file id>`');
    expect(relax.reply.form?.fields.map((f) => [f.name, f.flag ?? false])).toEqual([
      ['temperature', false],
      ['input', true],
    ]);
    expect(uses(SERVICE_IDS.relax)).toBe(before);
  });

  it('--input "the file above" runs on the newest file the mirror carried from this thread', async () => {
    const thread = '1700000000.000100';
    const none = await run('route alice/relax-structure --input "the file above"', max, lab, thread);
    expect(none.visibility).toBe('invoker');
    expect(none.reply.text).toContain('No file shared in this thread has reached Ouro');
    expect(none.reply.text).toContain('`--input <file id>`');
    await recordThreadFile(ts.store, { ...lab, thread }, { assetId: structure, name: 'Fe2Ni.cif' });
    const before = uses(SERVICE_IDS.relax);
    for (const words of ['"the file above"', 'above', '“the file above”']) {
      const r = await run(`route alice/relax-structure --input ${words}`, max, lab, thread);
      expect(r.reply.text).toContain('✅ done');
      expect(sandbox().state.actions.at(-1)!.input_asset_id).toBe(structure);
    }
    expect(uses(SERVICE_IDS.relax)).toBe(before + 3);
    // Another thread, or the channel's top level, has no file above; on Slack the answer says how to reach a thread.
    const top = await run('route alice/relax-structure --input above', max, lab);
    expect(top.reply.text).toContain('No file shared in this channel’s top level has reached Ouro');
    expect(top.reply.text).toContain('mention the bridge’s app in the thread');
  });

  it('--input must be an asset the channel may use: another org’s private file is refused, nothing sent', async () => {
    const before = uses(SERVICE_IDS.relax);
    const r = await run(`route alice/relax-structure --input ${foreign}`);
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toContain('That file is not public and not in the org/team this channel is linked to');
    const word = await run('route alice/relax-structure --input structure.cif');
    expect(word.reply.text).toContain('`--input` takes an Ouro asset id (a UUID, as in the asset’s URL) or "the file above"');
    const missing = await run('route alice/relax-structure --input 0193a5c0-0000-7000-8000-00000000dead');
    expect(missing.reply.text).toContain('No Ouro file with id `0193a5c0-0000-7000-8000-00000000dead` that the bridge can read.');
    expect(uses(SERVICE_IDS.relax)).toBe(before);
  });

  it('a failing route shows Ouro’s reason, not a stack', async () => {
    const r = await run('route alice/legacy-convert');
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toBe('❌ **alice/legacy-convert** failed: Upstream service returned 502: the converter is offline');
  });

  it('a priced route runs only after Confirm, and only the person who asked can confirm', async () => {
    const before = uses(SERVICE_IDS.premium);
    const ask = await run('route alice/predict-magnetisation composition=Fe2Ni', max);
    expect(ask.visibility).toBe('invoker');
    expect(ask.reply.text).toContain('costs 0.25 USD a call');
    const [confirm, cancel] = buttonsOf(ask.reply.blocks);
    expect(confirm).toMatchObject({ actionId: 'route.confirm' });
    expect(cancel).toMatchObject({ actionId: 'route.cancel', value: confirm!.value });
    expect(uses(SERVICE_IDS.premium)).toBe(before);

    const stranger = await runner.press({ actionId: 'route.confirm', value: confirm!.value, user: ada, channel: lab });
    expect(stranger.reply.text).toBe('Only the person who asked for this run can confirm or cancel it.');
    expect(uses(SERVICE_IDS.premium)).toBe(before);

    const ok = await runner.press({ actionId: 'route.confirm', value: confirm!.value, user: max, channel: lab });
    expect(ok.reply.text).toContain('**alice/predict-magnetisation** — ✅ done');
    expect(uses(SERVICE_IDS.premium)).toBe(before + 1);
    const again = await runner.press({ actionId: 'route.confirm', value: confirm!.value, user: max, channel: lab });
    expect(again.reply.text).toContain('already confirmed or cancelled');
    expect(uses(SERVICE_IDS.premium)).toBe(before + 1);
  });

  it('Cancel runs nothing', async () => {
    const before = uses(SERVICE_IDS.premium);
    const ask = await run('route alice/predict-magnetisation composition=Nd2Fe14B', max);
    const [, cancel] = buttonsOf(ask.reply.blocks);
    const r = await runner.press({ actionId: 'route.cancel', value: cancel!.value, user: max, channel: lab });
    expect(r.reply.text).toBe('Cancelled **alice/predict-magnetisation**; nothing was run or charged.');
    expect(uses(SERVICE_IDS.premium)).toBe(before);
  });

  it('an async run is answered to the invoker and leaves one durable poll job for the thread', async () => {
    const r = await run('route alice/screen-candidates run=r9 count=3', max, lab, '1700000000.000100');
    expect(r.visibility).toBe('invoker');
    expect(r.reply.text).toMatch(/^Started \*\*alice\/screen-candidates\*\* \(action `[0-9a-f-]+`\); its progress is posted here\.$/);
    const jobs = (await ts.store.listJobs()).filter((j) => j.kind === 'route.poll');
    expect(jobs).toHaveLength(1);
    expect(jobs[0]!.payload).toMatchObject({
      title: 'alice/screen-candidates',
      target: { ...lab, thread: '1700000000.000100' },
      intervalMs: 1000,
      timeoutMs: 60_000,
    });
  });
});
