import type { RichText, RouteRec, SandboxState, ServiceRec } from './state.ts';

/**
 * The demo seed's service "lab-tools" (owned by alice in Ouro Lab) with one route of each kind
 * the bridge must handle (docs/ouro-api.md §4.8): a sync run that makes a post from an input
 * file, an async run with a few seconds of work, a run with a stated cost, and one whose
 * upstream fails. Route shapes follow the route object of §4.8.
 */

const T0 = '2026-01-05T08:00:00.000000+00:00';

export const SERVICE_IDS = {
  service: '0193a5c0-0000-7000-8000-000000000060',
  relax: '0193a5c0-0000-7000-8000-000000000061',
  screen: '0193a5c0-0000-7000-8000-000000000062',
  premium: '0193a5c0-0000-7000-8000-000000000063',
  broken: '0193a5c0-0000-7000-8000-000000000064',
} as const;

interface Owner {
  userId: string;
  orgId: string;
  teamId: string;
}

export function seedServices(s: SandboxState, owner: Owner, rich: (text: string) => RichText): void {
  const base = (id: string, name: string, desc: string) => ({
    id,
    user_id: owner.userId,
    org_id: owner.orgId,
    team_id: owner.teamId,
    name,
    description: rich(desc),
    visibility: 'organization' as const,
    source: 'api' as const,
    license_id: 'CC-BY-4.0',
    attribution: { originality: 'original' },
    created_at: T0,
    last_updated: T0,
  });
  const service: ServiceRec = {
    ...base(SERVICE_IDS.service, 'lab-tools', 'Structure relaxation and screening for the magnet project'),
    asset_type: 'service',
    metadata: { base_url: 'https://tools.lab.example', authentication: 'Ouro', version: '1.2.0' },
  };
  const route = (
    id: string,
    name: string,
    desc: string,
    spec: Partial<RouteRec['route']>,
    extra: Pick<RouteRec, 'behaviour' | 'cost' | 'metrics'>,
  ): RouteRec => ({
    ...base(id, name, desc),
    asset_type: 'route',
    visibility: 'organization',
    parent_id: service.id,
    route: {
      id,
      service_id: service.id,
      path: '/',
      method: 'POST',
      summary: desc,
      description: desc,
      parameters: [],
      request_body: null,
      responses: null,
      input_assets: {},
      output_assets: {},
      execution_mode: 'sync',
      last_updated: T0,
      ...spec,
    },
    ...extra,
  });
  s.services.push(service);
  s.routes.push(
    route(
      SERVICE_IDS.relax,
      'Relax structure',
      'Relax an atomic structure and write a report post',
      {
        path: '/relax',
        request_body: {
          content: { 'application/json': { schema: { type: 'object', properties: { temperature: { type: 'number', description: 'Kelvin' } } } } },
        },
        input_assets: { structure: { asset_type: 'file', primary: true, input_filter: 'atomic structure', file_extensions: ['cif'] } },
        output_assets: { report: { asset_type: 'post', primary: true } },
      },
      {
        behaviour: 'relax',
        cost: null,
        metrics: { avg_ack_ms: 120, p95_ack_ms: 300, avg_completion_ms: 900, p95_completion_ms: 2300, latency_sample_count: 42 },
      },
    ),
    route(
      SERVICE_IDS.screen,
      'Screen candidates',
      'Screen the top candidates of a run (takes a few seconds)',
      {
        path: '/screen/{run}',
        parameters: [
          { name: 'run', in: 'path', required: true, schema: { type: 'string' } },
          { name: 'count', in: 'query', required: false, schema: { type: 'integer' } },
        ],
        execution_mode: 'async',
      },
      {
        behaviour: 'slow',
        cost: null,
        metrics: { avg_ack_ms: 80, p95_ack_ms: 150, avg_completion_ms: 3000, p95_completion_ms: 5000, latency_sample_count: 12 },
      },
    ),
    route(
      SERVICE_IDS.premium,
      'Predict magnetisation',
      'Predict the saturation magnetisation of a composition (billed per call)',
      {
        path: '/predict',
        request_body: {
          content: { 'application/json': { schema: { type: 'object', required: ['composition'], properties: { composition: { type: 'string' } } } } },
        },
      },
      { behaviour: 'premium', cost: { amount: 0.25, currency: 'usd', unit: 'call' }, metrics: null },
    ),
    route(
      SERVICE_IDS.broken,
      'Legacy convert',
      'Convert a structure to the old format',
      { path: '/convert' },
      { behaviour: 'broken', cost: null, metrics: null },
    ),
  );
}
