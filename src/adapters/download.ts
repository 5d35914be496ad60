/**
 * Streams a chat platform's file to a path on disk, counting bytes: past `maxBytes` it stops
 * and throws FileTooLargeError (by content-length when sent, else while reading), so a file
 * is never held in memory. A non-2xx answer throws with its `status` (a 4xx is final for
 * the core's retry classification).
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Agent, interceptors, request } from 'undici';
import { FileTooLargeError } from '../ouro/errors.ts';

export class DownloadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'DownloadError';
  }
}

/** Per download; a 25 MB file over a slow link still fits. */
const DOWNLOAD_TIMEOUT_MS = 120_000;
/** Redirects followed (Slack and Discord CDNs redirect to storage hosts). */
const MAX_REDIRECTS = 3;
// undici drops the authorization header on a redirect to another origin.
const following = new Agent({ keepAliveTimeout: 10_000 }).compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTS }));

export async function downloadToFile(
  url: string,
  dest: string,
  maxBytes: number,
  headers: Record<string, string> = {},
): Promise<{ size: number; mime?: string }> {
  const res = await request(url, { method: 'GET', headers, dispatcher: following, signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  const quiet = () => {
    res.body.on('error', () => {});
    res.body.destroy();
  };
  if (res.statusCode < 200 || res.statusCode >= 300) {
    quiet();
    throw new DownloadError(res.statusCode, `file download failed with HTTP ${res.statusCode}`);
  }
  const declared = Number(res.headers['content-length'] ?? NaN);
  if (declared > maxBytes) {
    quiet();
    throw new FileTooLargeError(maxBytes, declared);
  }
  const type = res.headers['content-type'];
  const mime = (Array.isArray(type) ? type[0] : type)?.split(';')[0]?.trim() || undefined;
  let size = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > maxBytes) done(new FileTooLargeError(maxBytes));
      else done(null, chunk);
    },
  });
  try {
    await pipeline(res.body, count, createWriteStream(dest));
  } catch (err) {
    await rm(dest, { force: true });
    throw err;
  }
  return mime ? { size, mime } : { size };
}
