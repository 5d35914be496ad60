import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOuroClient, OuroNotFoundError, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS } from '../../src/sandbox/index.ts';
import { SERVICE_IDS } from '../../src/sandbox/seed-services.ts';
import { withSandbox } from '../helpers/sandbox.ts';

describe('Ouro client: services, routes and actions against the sandbox', () => {
  const sandbox = withSandbox({ seed: 'demo' });
  let bot: OuroClient;
  let dana: OuroClient;

  beforeAll(() => {
    bot = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey });
    dana = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().addUser('dana').apiKey });
  });
  afterAll(async () => {
    await bot.close();
    await dana.close();
  });

  it('lists the services and routes a member may see, and none to an outsider', async () => {
    const services = await bot.services.list();
    expect(services.map((s) => s.name)).toEqual(['lab-tools']);
    const routes = await bot.services.routes(SERVICE_IDS.service);
    expect(routes.map((r) => [r.name, r.route.method, r.route.path, r.route.execution_mode])).toEqual([
      ['Relax structure', 'POST', '/relax', 'sync'],
      ['Screen candidates', 'POST', '/screen/{run}', 'async'],
      ['Predict magnetisation', 'POST', '/predict', 'sync'],
      ['Legacy convert', 'POST', '/convert', 'sync'],
    ]);
    expect(routes[0]!.metrics?.avg_completion_ms).toBe(900);
    expect(await dana.services.list()).toEqual([]);
    await expect(dana.services.route(SERVICE_IDS.relax)).rejects.toBeInstanceOf(OuroNotFoundError);
  });

  it('resolves entity/route-slug by the owner or the org name', async () => {
    expect(await bot.services.routeId('alice', 'relax-structure')).toBe(SERVICE_IDS.relax);
    expect(await bot.services.routeId('Ouro Lab', 'screen-candidates')).toBe(SERVICE_IDS.screen);
    await expect(bot.services.routeId('alice', 'no-such-route')).rejects.toBeInstanceOf(OuroNotFoundError);
  });

  it('states a cost only for the priced route', async () => {
    expect(await bot.services.cost(SERVICE_IDS.service, SERVICE_IDS.premium)).toMatchObject({ amount: 0.25, currency: 'usd' });
    expect(await bot.services.cost(SERVICE_IDS.service, SERVICE_IDS.relax)).toBeNull();
  });

  it("runs a sync route on an input asset: the output post exists and the action is the caller's", async () => {
    const run = await bot.services.use(SERVICE_IDS.service, SERVICE_IDS.relax, {
      body: { temperature: 310 },
      inputAssets: { structure: SEED_IDS.datasetScreening },
    });
    expect(run.requiresPolling).toBe(false);
    expect(run.action).toMatchObject({ status: 'success', user_id: SEED_IDS.bot });
    expect(run.output).toMatchObject({ temperature: 310, converged: true });
    const out = run.action.output_assets?.[0];
    expect(out?.asset_type).toBe('post');
    const post = await bot.posts.get(out!.asset_id);
    expect(post.content?.text).toContain('Relaxed at 310 K');
  });

  it('runs an async route: 202, then the action moves to success on the clock', async () => {
    const run = await bot.services.use(SERVICE_IDS.service, SERVICE_IDS.screen, { params: { run: 'r7' }, query: { count: 5 } });
    expect(run.requiresPolling).toBe(true);
    expect(['queued', 'in-progress']).toContain(run.action.status);
    expect(run.output).toBeUndefined();
    const mid = await bot.services.action(run.action.id);
    expect(['queued', 'in-progress']).toContain(mid.status);
    expect(mid.response).toBeNull();
    const route = sandbox().state.routes.find((r) => r.id === SERVICE_IDS.screen)!;
    expect(route.metrics?.avg_completion_ms).toBe(3000);
    sandbox().state.actions.find((a) => a.id === run.action.id)!.finishes_at = Date.now() - 1;
    const done = await bot.services.action(run.action.id);
    expect(done).toMatchObject({ status: 'success', response: { run: 'r7', screened: 5 } });
  });

  it('a failing route rejects with the upstream reason, and a bad parameter with the validation message', async () => {
    await expect(bot.services.use(SERVICE_IDS.service, SERVICE_IDS.broken, {})).rejects.toThrow('Upstream service returned 502: the converter is offline');
    await expect(bot.services.use(SERVICE_IDS.service, SERVICE_IDS.premium, { body: {} })).rejects.toThrow('composition is required');
  });
});
