import type { App } from '../app.ts';
import { ApiError } from '../router.ts';
import { uuidv7 } from '../state.ts';
import type { ActionRec, AnyAsset, PostRec, RouteRec, UserRec } from '../state.ts';

/**
 * What the seeded routes' upstream APIs do, so the bridge meets every answer of §4.8: a sync
 * run with an output post, an async run finishing after the route's average completion time,
 * a costly run, and an upstream failure (502 carrying the action). Bad parameters get a 422
 * as an upstream validation error would.
 */

export type RouteOutcome = { kind: 'sync' } | { kind: 'async' } | { kind: 'failed'; status: number; message: string };

function param(config: Record<string, unknown>, name: string): unknown {
  for (const key of ['parameters', 'params', 'query', 'body']) {
    const o = config[key];
    if (o && typeof o === 'object' && name in (o as object)) return (o as Record<string, unknown>)[name];
  }
  return undefined;
}

function finish(app: App, action: ActionRec, response: unknown): void {
  const at = app.clock.iso();
  action.status = 'success';
  action.response = response;
  action.finished_at = at;
  action.last_updated = at;
  action.logs.push({ level: 'info', message: 'Action finished', created_at: at });
}

export function runRoute(
  app: App,
  route: RouteRec,
  action: ActionRec,
  config: Record<string, unknown>,
  input: AnyAsset | undefined,
  user: UserRec,
): RouteOutcome {
  switch (route.behaviour) {
    case 'relax': {
      if (!input) throw new ApiError(422, 'validation_error', 'input asset "structure" is required');
      const t = param(config, 'temperature') ?? 300;
      if (typeof t !== 'number') throw new ApiError(422, 'validation_error', 'temperature must be a number');
      const at = app.clock.iso();
      const name = `Relaxation report: ${input.name ?? input.id}`;
      const text = `# ${name}\n\nRelaxed at ${t} K. Final energy −3.214 eV/atom after 42 steps.`;
      const post: PostRec = {
        id: uuidv7(),
        asset_type: 'post',
        user_id: user.id,
        org_id: route.org_id,
        team_id: route.team_id,
        name,
        description: null,
        visibility: 'organization',
        source: 'api',
        license_id: 'CC-BY-4.0',
        attribution: { originality: 'original' },
        content: { json: app.convert(text), text },
        created_at: at,
        last_updated: at,
      };
      app.state.posts.push(post);
      action.output_asset_id = post.id;
      action.output_assets = [{ name: 'report', is_primary: true, asset_id: post.id, asset_type: 'post', asset: { id: post.id, asset_type: 'post', name } }];
      finish(app, action, { temperature: t, energy_ev_per_atom: -3.214, steps: 42, converged: true });
      return { kind: 'sync' };
    }
    case 'slow': {
      const run = param(config, 'run');
      if (typeof run !== 'string' || !run) throw new ApiError(422, 'validation_error', 'path parameter "run" is required');
      const count = param(config, 'count') ?? 10;
      finish(app, action, { run, screened: count, best: { composition: 'Fe2Ni', score: 0.93 } });
      action.finishes_at = Date.now() + (route.metrics?.avg_completion_ms ?? 3000);
      return { kind: 'async' };
    }
    case 'premium': {
      const composition = param(config, 'composition');
      if (typeof composition !== 'string') throw new ApiError(422, 'validation_error', 'composition is required');
      finish(app, action, { composition, saturation_magnetisation_t: 1.82 });
      action.logs.push({ level: 'info', message: `Charged ${route.cost?.amount} ${route.cost?.currency}`, created_at: app.clock.iso() });
      return { kind: 'sync' };
    }
    case 'broken': {
      const message = 'Upstream service returned 502: the converter is offline';
      const at = app.clock.iso();
      action.status = 'error';
      action.response = { error: { type: 'external_service_error', message, status: 502, retryable: false } };
      action.finished_at = at;
      action.last_updated = at;
      action.logs.push({ level: 'error', message, created_at: at });
      return { kind: 'failed', status: 502, message };
    }
  }
}
