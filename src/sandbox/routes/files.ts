import { randomBytes } from 'node:crypto';
import { extname } from 'node:path';
import type { App, RouteModule, StoredObject } from '../app.ts';
import { toRich } from '../markdown.ts';
import { canSee, isOrgMember, presentAsset } from '../present.ts';
import { ApiError, notFound, objectField, ok, oneOf, optString, raw, readJsonBody } from '../router.ts';
import { GLOBAL_ID, uuidv7, type FileRec, type Visibility } from '../state.ts';

/**
 * Files (ouro-api.md §4.7): upload bytes as base64 in JSON, read the storage object's
 * metadata, make the file asset, fetch a data URL, and the storage itself under
 * `/_sandbox/storage/` (public; a private object's URL carries its token, like a signed URL).
 */

/**
 * Ouro documents no upload limit; a reverse proxy in front of any server refuses some body
 * size with a 413. 50 MB of JSON holds a file of about 37 MB in base64.
 */
export const DEFAULT_UPLOAD_LIMIT = 50_000_000;

const VISIBILITIES: readonly Visibility[] = ['public', 'private', 'organization', 'monetized'];

function extensionOf(name: string): string {
  return extname(name).slice(1).toLowerCase();
}

/** The metadata Ouro derives from a storage object (§4.7 step 2). */
function objectMetadata(o: StoredObject): Record<string, unknown> {
  return {
    id: o.id,
    name: o.path.split('/').pop(),
    bucket: o.bucket,
    path: o.path,
    type: o.type,
    mimeType: o.type,
    extension: extensionOf(o.name),
    size: o.bytes.length,
  };
}

/** CSV files get their first rows as a preview, as Ouro shows them. */
function previewOf(o: StoredObject): unknown {
  if (o.type !== 'text/csv') return null;
  return o.bytes
    .subarray(0, 64 * 1024)
    .toString('utf8')
    .split(/\r?\n/)
    .slice(0, 12);
}

export const filesRoutes: RouteModule = (r, app: App) => {
  const s = app.state;
  const files = () => (s.files ??= []);
  const findFile = (id: string) => files().find((f) => f.id === id);

  r.add('POST', '/files/upload', async (ctx) => {
    // A declared length over the limit is refused before reading, as a proxy would.
    const declared = Number(ctx.req.headers['content-length'] ?? 0);
    if (declared > app.uploadLimitBytes) throw new ApiError(413, 'payload_too_large', `request body exceeds ${app.uploadLimitBytes} bytes`);
    const body = await readJsonBody(ctx.req, app.uploadLimitBytes);
    const name = optString(body, 'file_name');
    const b64 = optString(body, 'file_base64');
    if (!name || b64 === undefined) throw new ApiError(400, 'invalid_body', 'body must carry "file_name" and "file_base64"');
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64) || b64.length % 4 !== 0) throw new ApiError(400, 'invalid_body', 'file_base64 is not base64');
    const visibility = body.visibility === undefined ? 'private' : oneOf(body.visibility, 'visibility', VISIBILITIES);
    const bucket = visibility === 'public' ? 'public-files' : 'files';
    const id = uuidv7();
    const path = `${ctx.user.id}/${id}${extensionOf(name) ? `.${extensionOf(name)}` : ''}`;
    const type = optString(body, 'content_type') ?? 'application/octet-stream';
    const o: StoredObject = { id, name, type, bucket, path, bytes: Buffer.from(b64, 'base64'), token: randomBytes(16).toString('hex') };
    app.blobs.set(id, o);
    return ok({ id, bucket, path, fullPath: `${bucket}/${path}` });
  });

  r.add('GET', '/files/:id/metadata', (ctx) => {
    const o = app.blobs.get(ctx.params.id!);
    if (!o) throw notFound('File', ctx.params.id!);
    return ok({ metadata: objectMetadata(o), preview: previewOf(o) });
  });

  r.add('POST', '/files/create', async (ctx) => {
    const f = objectField(await ctx.body(), 'file');
    const id = optString(f, 'id');
    if (!id) throw new ApiError(400, 'invalid_body', 'file.id (the upload id) is required');
    const o = app.blobs.get(id);
    if (!o) throw new ApiError(400, 'invalid_body', `no uploaded object ${id}; upload the bytes first`);
    if (findFile(id)) throw new ApiError(409, '23505', `duplicate key value violates unique constraint "assets_pkey": file ${id} exists`);
    const orgId = optString(f, 'org_id') ?? GLOBAL_ID;
    if (!isOrgMember(s, orgId, ctx.user.id)) throw new ApiError(403, 'forbidden', `You are not a member of organization ${orgId}`);
    const at = app.clock.iso();
    const rec: FileRec = {
      id,
      asset_type: 'file',
      user_id: ctx.user.id,
      org_id: orgId,
      team_id: optString(f, 'team_id') ?? GLOBAL_ID,
      name: optString(f, 'name') ?? o.name,
      description: toRich(f.description, app.convert),
      visibility: f.visibility === undefined ? 'private' : oneOf(f.visibility, 'file.visibility', VISIBILITIES),
      source: 'api',
      license_id: optString(f, 'license_id') ?? null,
      attribution: (f.attribution as Record<string, unknown>) ?? { originality: 'original' },
      // The stored object's facts win over what the client says of them.
      metadata: { ...(f.metadata as Record<string, unknown> | undefined), ...objectMetadata(o) } as FileRec['metadata'],
      preview: previewOf(o),
      created_at: at,
      last_updated: at,
    };
    files().push(rec);
    app.changed();
    return ok(presentAsset(s, rec));
  });

  r.add('GET', '/files/:id', (ctx) => {
    const f = findFile(ctx.params.id!);
    if (!f || !canSee(s, ctx.user, f)) throw notFound('File', ctx.params.id!);
    return ok(presentAsset(s, f));
  });

  r.add('GET', '/files/:id/data', (ctx) => {
    const f = findFile(ctx.params.id!);
    const o = f && app.blobs.get(f.metadata.id);
    if (!f || !o || !canSee(s, ctx.user, f)) throw notFound('File', ctx.params.id!);
    const base = `http://${ctx.req.headers.host ?? '127.0.0.1'}/_sandbox/storage/${o.bucket}/${o.path}`;
    return ok({ url: o.bucket === 'public-files' ? base : `${base}?token=${o.token}` });
  });

  r.add(
    'GET',
    '/_sandbox/storage/:bucket/:owner/:object',
    (ctx) => {
      const id = ctx.params.object!.replace(/\.[^.]*$/, '');
      const o = app.blobs.get(id);
      if (!o || o.bucket !== ctx.params.bucket) throw new ApiError(404, 'not_found', 'Object not found');
      if (o.bucket === 'files' && ctx.query.get('token') !== o.token) throw new ApiError(400, 'InvalidJWT', 'invalid or missing token');
      return raw(200, o.bytes, { 'content-type': o.type, 'content-length': String(o.bytes.length) });
    },
    { public: true },
  );
};
