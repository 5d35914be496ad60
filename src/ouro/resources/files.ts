/**
 * Files (§4.7): the SDK's three-step create split in two, so a caller can record the upload
 * between them (a rerun after a crash then makes the asset from the recorded upload instead
 * of uploading again): `upload` (bytes as base64 in JSON) and `createAsset` (metadata +
 * create). The upload body is streamed: a file on disk is read and base64-encoded chunk by
 * chunk, never held whole, in any encoding.
 */
import { createReadStream } from 'node:fs';
import type { OuroClient } from '../client-types.ts';
import { z } from 'zod';
import { asObject, check } from '../normalise.ts';
import { seg } from '../query.ts';
import type { Transport } from '../transport.ts';
import type { OuroFile } from '../types.ts';

/** A multiple of 3, so each chunk but the last encodes to base64 without padding. */
const CHUNK = 3 * 64 * 1024;

const metadataSchema = z.looseObject({ metadata: z.record(z.string(), z.unknown()).optional(), preview: z.unknown().optional() });

const dataSchema = z.looseObject({ url: z.string().url() });

export type FileSource = { path: string; size: number } | { bytes: Uint8Array };

function sizeOf(source: FileSource): number {
  return 'bytes' in source ? source.bytes.byteLength : source.size;
}

async function* chunksOf(source: FileSource): AsyncIterable<Uint8Array> {
  if ('bytes' in source) {
    for (let i = 0; i < source.bytes.byteLength; i += CHUNK) yield source.bytes.subarray(i, i + CHUNK);
    return;
  }
  yield* createReadStream(source.path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>;
}

/** `head` + base64 of the source + `tail`, re-chunked so that no base64 group straddles two chunks. */
async function* jsonWithBase64(head: string, source: FileSource, tail: string): AsyncIterable<Uint8Array> {
  yield Buffer.from(head, 'utf8');
  let carry: Buffer = Buffer.alloc(0);
  for await (const chunk of chunksOf(source)) {
    const buf = carry.length ? Buffer.concat([carry, chunk]) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const whole = buf.length - (buf.length % 3);
    yield Buffer.from(buf.subarray(0, whole).toString('base64'), 'latin1');
    carry = Buffer.from(buf.subarray(whole));
  }
  if (carry.length) yield Buffer.from(carry.toString('base64'), 'latin1');
  yield Buffer.from(tail, 'utf8');
}

export function filesResource(t: Transport): OuroClient['files'] {
  const normalise = (v: unknown, where: { method: string; path: string }) => asObject<OuroFile>(v, where);
  return {
    async upload(input, signal) {
      const meta = JSON.stringify({ file_name: input.name, visibility: input.visibility ?? 'private', content_type: input.mime });
      const head = `${meta.slice(0, -1)},"file_base64":"`;
      const tail = '"}';
      const size = sizeOf(input.source);
      const length = Buffer.byteLength(head) + 4 * Math.ceil(size / 3) + tail.length;
      const stream = { length, open: () => jsonWithBase64(head, input.source, tail) };
      // Not retried: a repeat would store a second object. The caller records the id it gets.
      const data = await t.call<unknown>({ method: 'POST', path: '/files/upload', stream, signal });
      const o = asObject<{ id: string; bucket?: string; path?: string }>(data, { method: 'POST', path: '/files/upload' });
      if (typeof o.id !== 'string') throw new TypeError('POST /files/upload answered without an id');
      return o;
    },
    async createAsset(input, signal) {
      const metaPath = `/files/${seg(input.uploadId)}/metadata`;
      const meta = check(metadataSchema, await t.call({ method: 'GET', path: metaPath, signal }), { method: 'GET', path: metaPath }, 'data');
      const path = '/files/create';
      const file = {
        id: input.uploadId,
        name: input.name,
        visibility: input.visibility ?? 'private',
        ...(input.description ? { description: input.description } : {}),
        ...(input.orgId ? { org_id: input.orgId } : {}),
        ...(input.teamId ? { team_id: input.teamId } : {}),
        source: 'api',
        asset_type: 'file',
        metadata: { ...meta.metadata, id: input.uploadId },
        preview: meta.preview ?? null,
        attribution: { originality: 'original' },
      };
      return normalise(await t.call({ method: 'POST', path, body: { file }, signal }), { method: 'POST', path });
    },
    async get(id, signal) {
      const path = `/files/${seg(id)}`;
      return normalise(await t.call({ method: 'GET', path, signal }), { method: 'GET', path });
    },
    async read(id, maxBytes, signal) {
      const path = `/files/${seg(id)}/data`;
      const data = check(dataSchema, await t.call({ method: 'GET', path, signal }), { method: 'GET', path }, 'data');
      return t.fetchBytes(data.url, maxBytes, signal);
    },
  };
}
