/**
 * "The file above": the last file of a chat thread that the mirror carried to Ouro as a file
 * asset (src/bridge/files-to-ouro.ts records it here when it makes the asset), so a command
 * typed in that thread can name it. One state key per thread, overwritten by the next file;
 * the thread's lane relays its messages in order, so the last write is the newest file.
 */
import type { Store, ThreadKey } from '../store/types.ts';

/** State keys `thread-file:<platform>:<workspace>:<channel>:<thread>` ('' thread = the channel's top level). */
export const THREAD_FILE_PREFIX = 'thread-file:';
/** Kept this long after the thread's last file; "the file above" a quarter-year later is not meant. */
export const THREAD_FILE_RETENTION_MS = 90 * 24 * 60 * 60 * 1000;

export interface ThreadFile {
  assetId: string;
  name: string;
}

const keyOf = (t: ThreadKey) => `${THREAD_FILE_PREFIX}${t.platform}:${t.workspace}:${t.channel}:${t.thread}`;

export async function recordThreadFile(store: Pick<Store, 'setState'>, where: ThreadKey, file: ThreadFile): Promise<void> {
  await store.setState(keyOf(where), JSON.stringify({ assetId: file.assetId, name: file.name } satisfies ThreadFile));
}

export async function latestThreadFile(store: Pick<Store, 'getState'>, where: ThreadKey): Promise<ThreadFile | undefined> {
  const raw = await store.getState(keyOf(where));
  return raw ? (JSON.parse(raw) as ThreadFile) : undefined;
}

/** `--input` values that mean "the file above" rather than an asset id (quotes already removed). */
export function meansFileAbove(value: string): boolean {
  return /^(the\s+)?(last\s+)?(file\s+)?above$|^(the\s+)?last\s+file$/i.test(value.trim().replace(/\s+/g, ' '));
}
