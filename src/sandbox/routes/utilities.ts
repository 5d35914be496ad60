import type { RouteModule } from '../app.ts';
import { ApiError, json } from '../router.ts';

/** `POST /utilities/convert/from-markdown` → `{json, markdown}`, not enveloped (docs/ouro-api.md §5.3). */
export const utilitiesRoutes: RouteModule = (r, app) => {
  r.add('POST', '/utilities/convert/from-markdown', async (ctx) => {
    const body = await ctx.body();
    if (typeof body.markdown !== 'string') throw new ApiError(400, 'invalid_body', 'body must be {"markdown": "<text>"}');
    return json({ json: app.convert(body.markdown), markdown: body.markdown });
  });
};
