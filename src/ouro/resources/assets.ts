/** Asset search (docs/ouro-api.md §4.9). */
import type { OuroClient } from '../client-types.ts';
import { asArray, asObject, page } from '../normalise.ts';
import { encodeFilters } from '../query.ts';
import type { Transport } from '../transport.ts';
import type { AssetSummary } from '../types.ts';

/** The server's cap per request (docs/ouro-api.md §2.4). */
const MAX_LIMIT = 200;

export function assetsResource(t: Transport): OuroClient['assets'] {
  return {
    async search(input = {}, signal) {
      const where = { method: 'GET', path: '/search/assets' };
      const limit = Math.min(Math.max(input.limit ?? 20, 1), MAX_LIMIT);
      const query = {
        query: input.query,
        limit,
        offset: input.offset ?? 0,
        scope: input.scope,
        sort: input.sort,
        filters: encodeFilters(input.filters),
      };
      const res = await t.send<unknown>({ method: 'GET', path: where.path, query, signal });
      const items = asArray(res.data, where).map((a) => asObject<AssetSummary>(a, where, 'asset'));
      return page(items, res.body, query);
    },
  };
}
