import type { RouteModule } from '../app.ts';
import { canSee, presentBase } from '../present.ts';
import { ApiError, intParam, ok, oneOf } from '../router.ts';
import { allAssets } from '../state.ts';
import type { AnyAsset } from '../state.ts';

/**
 * `GET /search/assets` (docs/ouro-api.md §4.9): what the caller may see, filtered by the JSON
 * `filters` param, matched by every query term (substring, case-insensitive — the real
 * hybrid semantic search is not reproducible), a UUID query being a direct lookup.
 * Conversations are left out unless `asset_type` asks for them.
 */

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FILTER_KEYS = ['asset_type', 'org_id', 'team_id', 'user_id', 'visibility', 'source', 'top_level_only'] as const;
const UUID_KEYS = new Set(['org_id', 'team_id', 'user_id']);

function parseJsonParam(v: string | null, name: string): Record<string, unknown> {
  if (v === null || v.trim() === '') return {};
  try {
    const parsed = JSON.parse(v) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new ApiError(400, 'invalid_parameter', `${name} must be a JSON object, e.g. {"asset_type":"dataset"}`);
}

function searchable(a: AnyAsset): { source: string; text: string }[] {
  const out = [
    { source: 'name', text: a.name ?? '' },
    { source: 'description', text: a.description?.text ?? '' },
  ];
  if (a.asset_type === 'post') out.push({ source: 'content', text: a.content.text });
  return out;
}

export const searchRoutes: RouteModule = (r, app) => {
  r.add('GET', '/search/assets', (ctx) => {
    const s = app.state;
    const limit = intParam(ctx.query, 'limit', 20, 1, 200);
    const offset = intParam(ctx.query, 'offset', 0, 0);
    const query = (ctx.query.get('query') ?? '').trim();
    const sortParam = ctx.query.get('sort');
    const sort = sortParam ? oneOf(sortParam, 'sort', ['relevant', 'recent', 'popular', 'updated'] as const) : query ? 'relevant' : 'recent';
    const filters = parseJsonParam(ctx.query.get('filters'), 'filters');
    parseJsonParam(ctx.query.get('metadata_filters'), 'metadata_filters');
    for (const k of Object.keys(filters)) {
      if (!(FILTER_KEYS as readonly string[]).includes(k))
        throw new ApiError(400, 'invalid_parameter', `unknown filter ${k}; known: ${FILTER_KEYS.join(', ')}`);
      // Ouro passes a blank UUID filter to PostgreSQL, which fails the request (docs/ouro-api.md §4.9).
      if (UUID_KEYS.has(k) && filters[k] === '') {
        throw new ApiError(500, '22P02', 'invalid input syntax for type uuid: ""');
      }
    }
    const types = filters.asset_type === undefined ? undefined : ([] as unknown[]).concat(filters.asset_type).map(String);

    let hits = allAssets(s).filter((a) => {
      if (!canSee(s, ctx.user, a)) return false;
      if (types ? !types.includes(a.asset_type) : a.asset_type === 'conversation') return false;
      for (const k of ['org_id', 'team_id', 'user_id', 'visibility', 'source'] as const) {
        if (!(k in filters)) continue;
        // A null filter matches nothing (per the SDK's comments); omit a key to not filter.
        if (filters[k] === null || (a as unknown as Record<string, unknown>)[k] !== filters[k]) return false;
      }
      return true;
    });

    const matched = new Map<string, { source: string; snippet: string; score: number }>();
    if (query && UUID.test(query)) {
      hits = hits.filter((a) => a.id === query.toLowerCase());
    } else if (query) {
      const terms = query.toLowerCase().split(/\s+/);
      hits = hits.filter((a) => {
        const fields = searchable(a);
        const all = fields.map((f) => f.text.toLowerCase()).join('\n');
        if (!terms.every((t) => all.includes(t))) return false;
        const best = fields.find((f) => terms.some((t) => f.text.toLowerCase().includes(t)))!;
        const score = terms.filter((t) => (a.name ?? '').toLowerCase().includes(t)).length;
        matched.set(a.id, { source: best.source, snippet: best.text.slice(0, 160), score });
        return true;
      });
    }
    hits.sort((a, b) => {
      if (sort === 'relevant' && query) return (matched.get(b.id)?.score ?? 0) - (matched.get(a.id)?.score ?? 0) || b.created_at.localeCompare(a.created_at);
      if (sort === 'updated') return b.last_updated.localeCompare(a.last_updated);
      return b.created_at.localeCompare(a.created_at);
    });
    const page = hits.slice(offset, offset + limit);
    return ok(
      page.map((a) => {
        const m = matched.get(a.id);
        return m ? { ...presentBase(s, a), snippet: m.snippet, match_source: m.source } : presentBase(s, a);
      }),
      { pagination: { offset, limit, hasMore: offset + page.length < hits.length, total: hits.length } },
    );
  });
};
