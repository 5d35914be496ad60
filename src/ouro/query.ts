/** Query strings. Pure. Blank and null values are omitted: the server treats `""` as a real value (docs/ouro-api.md §4.9). */
import type { AssetFilters } from './types.ts';

export type QueryValue = string | number | boolean | null | undefined;

const FILTER_KEYS = ['asset_type', 'org_id', 'team_id', 'user_id', 'visibility', 'source', 'top_level_only'] as const;

/** `filters` for /search/assets: JSON of the non-blank keys, or undefined when none remain (no param at all). */
export function encodeFilters(filters: AssetFilters | undefined): string | undefined {
  if (!filters) return undefined;
  const out: Record<string, unknown> = {};
  for (const key of FILTER_KEYS) {
    const v = filters[key];
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    if (Array.isArray(v)) {
      const kept = v.filter((x) => typeof x === 'string' && x.trim() !== '');
      if (kept.length) out[key] = kept;
      continue;
    }
    out[key] = v;
  }
  return Object.keys(out).length ? JSON.stringify(out) : undefined;
}

/** `?a=1&b=x` from the defined, non-blank values ('' when nothing remains). */
export function buildQuery(params: Record<string, QueryValue> | undefined): string {
  if (!params) return '';
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null) continue;
    if (typeof v === 'string' && v.trim() === '') continue;
    qs.append(k, String(v));
  }
  const s = qs.toString();
  return s ? `?${s}` : '';
}

/** One path segment, encoded (ids are UUIDs, usernames are not guaranteed to be). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
