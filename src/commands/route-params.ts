/**
 * A route's declared inputs (docs/ouro-api.md §4.8: OpenAPI `parameters` in path/query, the
 * JSON body schema's properties, the primary input asset) and the checking of `key=value`
 * words against them before anything is sent. Pure. Every message names the route's own
 * declaration, so a mistake is answered with the usage of that route.
 */
import type { JsonSchema, Route, RouteUseInput } from '../ouro/index.ts';

export interface DeclaredParam {
  name: string;
  where: 'path' | 'query' | 'body';
  required: boolean;
  /** JSON Schema type: string, integer, number, boolean (anything else is sent as a string). */
  type: string;
  description?: string;
}

export interface DeclaredInput {
  /** The key of `input_assets` (e.g. `structure`). */
  name: string;
  assetType: string;
  extensions: string[];
}

export function declaredParams(route: Route): DeclaredParam[] {
  const out: DeclaredParam[] = [];
  for (const p of route.route.parameters ?? []) {
    if (p.in !== 'path' && p.in !== 'query') continue;
    out.push({ name: p.name, where: p.in, required: p.in === 'path' || p.required === true, type: p.schema?.type ?? 'string', description: p.description });
  }
  const schema = bodySchema(route);
  const required = new Set(schema?.required ?? []);
  for (const [name, prop] of Object.entries(schema?.properties ?? {})) {
    out.push({ name, where: 'body', required: required.has(name), type: prop.type ?? 'string', description: prop.description });
  }
  return out;
}

function bodySchema(route: Route): JsonSchema | undefined {
  const content = route.route.request_body?.content;
  return content?.['application/json']?.schema;
}

/** The primary declared input asset, or the only one. */
export function declaredInput(route: Route): DeclaredInput | undefined {
  const slots = Object.entries(route.route.input_assets ?? {});
  const [name, slot] = slots.find(([, s]) => s.primary) ?? slots[0] ?? [];
  if (!name || !slot) return undefined;
  return { name, assetType: slot.asset_type, extensions: slot.file_extensions ?? [] };
}

/** `entity/route-slug`, the name people type. */
export function routeName(route: Route): string {
  const entity = route.user?.username ?? (route.organization as { name?: string } | undefined)?.name ?? 'unknown';
  const slug = (route.name ?? route.id)
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
  return `${entity}/${slug}`;
}

/** The usage line of one route, from its declaration. */
export function routeUsage(route: Route): string {
  const parts = declaredParams(route).map((p) => (p.required ? `${p.name}=<${p.type}>` : `[${p.name}=<${p.type}>]`));
  const input = declaredInput(route);
  if (input) parts.push(`--input <${input.assetType} id>`);
  return `/ouro route ${routeName(route)}${parts.length ? ` ${parts.join(' ')}` : ''}`;
}

/** The parameter list under the usage line (one bullet each). */
export function paramLines(route: Route): string[] {
  const lines = declaredParams(route).map(
    (p) => `• \`${p.name}\` (${p.type}, ${p.where}${p.required ? ', required' : ''})${p.description ? ` — ${p.description}` : ''}`,
  );
  const input = declaredInput(route);
  if (input)
    lines.push(`• \`--input\` — the ${input.assetType}${input.extensions.length ? ` (${input.extensions.map((e) => `.${e}`).join(', ')})` : ''} to run on`);
  return lines;
}

export class RouteParamError extends Error {
  override readonly name = 'RouteParamError';
}

function coerce(p: DeclaredParam, raw: string): unknown {
  const bad = () => new RouteParamError(`\`${p.name}\` must be ${p.type === 'integer' ? 'a whole number' : `a ${p.type}`}, not “${raw}”.`);
  switch (p.type) {
    case 'integer': {
      if (!/^-?\d+$/.test(raw)) throw bad();
      return Number(raw);
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) throw bad();
      return n;
    }
    case 'boolean': {
      if (/^(true|yes|1)$/i.test(raw)) return true;
      if (/^(false|no|0)$/i.test(raw)) return false;
      throw bad();
    }
    default:
      return raw;
  }
}

/**
 * `key=value` words → the `use` input. Throws RouteParamError naming the first problem: a word
 * without `=`, a name the route does not declare, a value of the wrong type, a missing
 * required parameter or input.
 */
export function buildRouteInput(route: Route, words: readonly string[], inputAssetId: string | undefined): RouteUseInput {
  const declared = new Map(declaredParams(route).map((p) => [p.name.toLowerCase(), p]));
  const input: RouteUseInput = {};
  const seen = new Set<string>();
  for (const word of words) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw new RouteParamError(`“${word}” is not \`name=value\`.`);
    const key = word.slice(0, eq).trim().toLowerCase();
    const p = declared.get(key);
    if (!p) {
      const names = [...declared.values()].map((d) => `\`${d.name}\``);
      throw new RouteParamError(`This route takes no \`${word.slice(0, eq)}\`${names.length ? `; it takes ${names.join(', ')}` : '; it takes no parameters'}.`);
    }
    if (seen.has(key)) throw new RouteParamError(`\`${p.name}\` is given twice.`);
    seen.add(key);
    const value = coerce(p, word.slice(eq + 1));
    const bucket = p.where === 'path' ? 'params' : p.where;
    input[bucket] = { ...(input[bucket] ?? {}), [p.name]: value };
  }
  const missing = [...declared.values()].filter((p) => p.required && !seen.has(p.name.toLowerCase()));
  if (missing.length) throw new RouteParamError(`Missing ${missing.map((p) => `\`${p.name}\``).join(', ')}.`);
  const slot = declaredInput(route);
  if (slot && !inputAssetId) throw new RouteParamError(`This route runs on a ${slot.assetType}: give \`--input <${slot.assetType} id>\`.`);
  if (!slot && inputAssetId) throw new RouteParamError('This route takes no input asset; leave out `--input`.');
  if (slot && inputAssetId) input.inputAssets = { [slot.name]: inputAssetId };
  return input;
}
