/**
 * Chat files → Ouro file assets. Each file of a relayed message is downloaded by its
 * adapter to a temporary file (streamed, never held whole), uploaded by the Ouro client
 * (streamed as base64 in JSON) and made an asset in the conversation's org/team with its
 * visibility. What cannot be carried (over FILE_MAX_BYTES, a download or upload that fails
 * for good) becomes a worded link; the log says why. Nothing fails the job for good.
 *
 * Exactly once: each step is recorded in the store under the Ouro message's id and the
 * file's position before the next one, so a rerun (retry, replay, restart after kill -9)
 * resumes: an asset recorded is reused, an upload recorded is made an asset (once: a 409
 * says it exists), a failure recorded stays a link. A crash after Ouro stored the bytes but
 * before the upload's id was recorded leaves an unreferenced storage object, not an asset.
 */
import { randomUUID } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileTooLargeError } from '../ouro/errors.ts';
import type { Job } from '../store/types.ts';
import { recordThreadFile } from '../commands/thread-file.ts';
import { ouroFor } from './acting.ts';
import { threadKeyOf } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import type { FilePlacement } from './ports.ts';
import { classify, isDuplicateMessage } from './retry.ts';
import type { ChatFile, ChatRef, ChatUser } from './types.ts';

/** State keys `upload:<ouro message id>:<file index>`; kept as long as post intents. */
export const UPLOAD_STATE_PREFIX = 'upload:';

/** Runs of a job that try a failing download/upload again before it becomes a link. */
export const FILE_ATTEMPTS = 4;

/** A chat file as the Ouro message carries it: an asset, or a link with the reason. */
export interface CarriedFile {
  name: string;
  size?: number;
  mime?: string;
  assetId?: string;
  url?: string;
  /** Why it is a link (`over the 25 MB limit`, `download failed`); absent for an asset. */
  note?: string;
}

type Progress = { uploadId?: string; assetId?: string; size?: number; mime?: string; note?: string };

/** By the platform's file id when known, so an edit that removes one file finds the others' records. */
const stateKey = (ouroMessageId: string, file: ChatFile, index: number) => `${UPLOAD_STATE_PREFIX}${ouroMessageId}:${file.id ?? index}`;

export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1_000_000) return `${(n / 1000).toFixed(1)} kB`;
  return `${(n / 1_000_000).toFixed(1)} MB`;
}

const VISIBLE = new Set(['public', 'private', 'organization']);

/** The conversation's org/team and visibility; a member-only conversation's files are private to its team. */
export async function placementOf(ctx: BridgeContext, conversationId: string): Promise<FilePlacement> {
  const c = await ctx.ouro.conversations.get(conversationId);
  const visibility = c.visibility && VISIBLE.has(c.visibility) ? (c.visibility as FilePlacement['visibility']) : 'private';
  return { ...(c.org_id ? { orgId: c.org_id } : {}), ...(c.team_id ? { teamId: c.team_id } : {}), visibility };
}

/**
 * Carries `files` of chat message (to be) Ouro message `ouroMessageId`. Throws only for a
 * failure worth another run of the job (a 5xx, a timeout) while runs remain.
 */
export async function carryFiles(
  ctx: BridgeContext,
  job: Pick<Job, 'attempts'>,
  where: { ref: ChatRef; conversationId: string; sender?: ChatUser },
  ouroMessageId: string,
  files: readonly ChatFile[],
): Promise<CarriedFile[]> {
  const adapter = ctx.adapters.get(where.ref.platform);
  const ouro = await ouroFor(ctx, where.ref, where.sender);
  let placement: FilePlacement | undefined;
  const out: CarriedFile[] = [];
  for (const [i, file] of files.entries()) {
    const key = stateKey(ouroMessageId, file, i);
    const link = (note: string, size = file.size): CarriedFile => ({ name: file.name, url: file.url, note, ...(size !== undefined ? { size } : {}) });
    const raw = await ctx.store.getState(key);
    const done: Progress = raw ? (JSON.parse(raw) as Progress) : {};
    if (done.assetId) {
      out.push({ name: file.name, assetId: done.assetId, size: done.size, mime: done.mime });
      continue;
    }
    if (done.note) {
      out.push(link(done.note, done.size));
      continue;
    }
    if (!ouro.files || !adapter?.downloadFile || !file.download) {
      out.push({ name: file.name, url: file.url, ...(file.size !== undefined ? { size: file.size } : {}) });
      continue;
    }
    const giveUp = async (note: string, size?: number, err?: unknown) => {
      ctx.logger.warn({ file: file.name, size, ouroMessageId, err: err instanceof Error ? err.message : undefined }, `file mirrored as a link: ${note}`);
      await ctx.store.setState(key, JSON.stringify({ ...done, note, ...(size !== undefined ? { size } : {}) }));
      out.push(link(note, size));
    };
    const max = ctx.files.maxBytes;
    if (file.size !== undefined && file.size > max) {
      await giveUp(`over the ${formatBytes(max)} limit`, file.size);
      continue;
    }
    placement ??= await placementOf(ctx, where.conversationId);
    const tmp = join(ctx.files.tmpDir, `ouro-bridge-${randomUUID()}`);
    try {
      if (!done.uploadId) {
        const got = await adapter.downloadFile(file, tmp, max);
        const mime = file.mime ?? got.mime ?? 'application/octet-stream';
        const up = await ouro.files.upload({ source: { path: tmp, size: got.size }, name: file.name, mime, visibility: placement.visibility });
        Object.assign(done, { uploadId: up.id, size: got.size, mime });
        await ctx.store.setState(key, JSON.stringify(done));
      }
      const uploadId = done.uploadId!;
      try {
        await ouro.files.createAsset({ uploadId, name: file.name, ...placement });
      } catch (err) {
        // An earlier run made it and lost the answer: the asset has the upload's id.
        if (!isDuplicateMessage(err)) throw err;
      }
      done.assetId = uploadId;
      await ctx.store.setState(key, JSON.stringify(done));
      // A new asset (not one a rerun reuses) is the thread's newest file: `--input "the file above"`.
      await recordThreadFile(ctx.store, threadKeyOf(where.ref), { assetId: uploadId, name: file.name });
      out.push({ name: file.name, assetId: uploadId, size: done.size, mime: done.mime });
    } catch (err) {
      if (err instanceof FileTooLargeError) await giveUp(`over the ${formatBytes(max)} limit`, err.size ?? file.size, err);
      else if (classify(err).retry && job.attempts + 1 < FILE_ATTEMPTS) throw err;
      else await giveUp(done.uploadId ? 'upload to Ouro failed' : 'download failed', done.size ?? file.size, err);
    } finally {
      await rm(tmp, { force: true });
    }
  }
  return out;
}
