/**
 * One opaque string per ChatRef, and back. Lane keys, state keys and log fields are built
 * from it, so the encoding must be injective: each part is percent-encoded (which escapes
 * `:`), and parts are joined with `:`. A ref without a thread (the channel's top level)
 * encodes to three parts; '' as a thread means the same and encodes the same way.
 *
 *   { platform: 'slack', workspace: 'T1', channel: 'C1', thread: '1712.0001' } ⇄ `slack:T1:C1:1712.0001`
 */
import type { ChannelKey, Platform, ThreadKey } from '../store/types.ts';
import type { ChatRef } from './types.ts';

const PLATFORMS: readonly Platform[] = ['slack', 'discord', 'console'];

export class ChatRefError extends Error {
  override name = 'ChatRefError';
}

export function isPlatform(value: unknown): value is Platform {
  return typeof value === 'string' && (PLATFORMS as readonly string[]).includes(value);
}

export function encodeChatRef(ref: ChatRef): string {
  if (!isPlatform(ref.platform)) throw new ChatRefError(`unknown platform ${JSON.stringify(ref.platform)}`);
  if (!ref.workspace || !ref.channel) throw new ChatRefError('a ChatRef needs a workspace and a channel');
  const parts = [ref.platform, ref.workspace, ref.channel];
  if (ref.thread) parts.push(ref.thread);
  return parts.map(encodeURIComponent).join(':');
}

export function decodeChatRef(encoded: string): ChatRef {
  const parts = encoded.split(':');
  if (parts.length !== 3 && parts.length !== 4) {
    throw new ChatRefError(`not an encoded ChatRef (expected 3 or 4 parts): ${JSON.stringify(encoded)}`);
  }
  let decoded: string[];
  try {
    decoded = parts.map(decodeURIComponent);
  } catch {
    throw new ChatRefError(`bad percent-encoding in ChatRef ${JSON.stringify(encoded)}`);
  }
  const [platform, workspace, channel, thread] = decoded as [string, string, string, string | undefined];
  if (!isPlatform(platform)) throw new ChatRefError(`unknown platform in ChatRef ${JSON.stringify(encoded)}`);
  if (!workspace || !channel) throw new ChatRefError(`empty workspace or channel in ChatRef ${JSON.stringify(encoded)}`);
  if (thread === '') throw new ChatRefError(`empty thread in ChatRef ${JSON.stringify(encoded)}`);
  return thread === undefined ? { platform, workspace, channel } : { platform, workspace, channel, thread };
}

/** The store's key for the thread a ref points into ('' = top level). */
export function threadKeyOf(ref: ChatRef): ThreadKey {
  return { platform: ref.platform, workspace: ref.workspace, channel: ref.channel, thread: ref.thread ?? '' };
}

export function channelKeyOf(ref: ChatRef | ChannelKey): ChannelKey {
  return { platform: ref.platform, workspace: ref.workspace, channel: ref.channel };
}

export function refOfThreadKey(key: ThreadKey): ChatRef {
  const ref: ChatRef = { platform: key.platform, workspace: key.workspace, channel: key.channel };
  if (key.thread) ref.thread = key.thread;
  return ref;
}

export function sameThread(a: ThreadKey, b: ThreadKey): boolean {
  return a.platform === b.platform && a.workspace === b.workspace && a.channel === b.channel && a.thread === b.thread;
}

/** Jobs of one chat thread (or one channel's top level) run in order, one at a time. */
export const chatLane = (ref: ChatRef): string => `chat:${encodeChatRef(ref)}`;

/** Ouro → chat syncs of one conversation run in order, one at a time. */
export const conversationLane = (conversationId: string): string => `conv:${conversationId}`;
