/**
 * The bridge writing to the console: posts, edits, deletes and command replies printed to
 * the transcript (format in render.ts). Message numbers are shared with what the person
 * types, so `>N` and `!press N` can point at anything on screen.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Button, FileAttachment } from '../../chat/reply.ts';
import type { ChatRef, OutboundMessage, PostedMessage, PostProbe, ReplyTarget, RichReply, Visibility } from '../../bridge/types.ts';
import { MessageGoneError } from '../../bridge/message-gone.ts';
import { formatEntry, indentFor, messageHeader, renderRich, type RenderLimits } from './render.ts';

export const CONSOLE_WORKSPACE = 'local';
export const CONSOLE_CHANNEL = 'lab';

export interface ConsoleMessage {
  /** Root number of the thread this message is in; absent at the top level. */
  thread?: number;
  /** Typed by the person at the console (only those can be edited or deleted with !edit/!delete). */
  mine: boolean;
  deleted: boolean;
  edits: number;
  buttons?: Button[];
  /** A relayed post's marker and when it was printed (ms), for `findPosted`. */
  marker?: string;
  at?: number;
}

export interface ConsoleState {
  next: number;
  messages: Map<number, ConsoleMessage>;
}

/** The console's target for a command reply: where the command was typed. */
export interface ConsoleReplyTarget extends ReplyTarget {
  platform: 'console';
  thread?: string;
}

export class ConsoleRefError extends Error {}

function number(value: string, what: string): number {
  if (!/^\d{1,9}$/.test(value)) throw new ConsoleRefError(`console ${what} must be a message number, got "${value}"`);
  return Number(value);
}

function checkRef(ref: Pick<ChatRef, 'platform' | 'workspace' | 'channel'>): void {
  if (ref.platform !== 'console' || ref.workspace !== CONSOLE_WORKSPACE || ref.channel !== CONSOLE_CHANNEL) {
    throw new ConsoleRefError(
      `the console has one channel, console/${CONSOLE_WORKSPACE}/${CONSOLE_CHANNEL}; got ${ref.platform}/${ref.workspace}/${ref.channel}`,
    );
  }
}

const buttonsOf = (rich?: RichReply) => rich?.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : []));

/**
 * A terminal shows no pictures: an image in a reply is written to `dir` and its path printed
 * (with its alt text); an image that only repeats the reply's text (`inlineOnly`) is left out.
 */
async function saveImages(reply: RichReply, n: number, dir: string): Promise<{ reply: RichReply; lines: string[] }> {
  const files = reply.files ?? [];
  if (!files.some((f) => f.mime.startsWith('image/'))) return { reply, lines: [] };
  const kept: FileAttachment[] = [];
  const lines: string[] = [];
  for (const f of files) {
    if (!f.mime.startsWith('image/')) kept.push(f);
    else if (!f.inlineOnly) {
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${n}-${f.name.replace(/[^\w.-]+/g, '_')}`);
      await writeFile(path, f.content);
      lines.push(`(image ${f.title ?? f.name} written to ${path}${f.alt ? ` — ${f.alt}` : ''})`);
    }
  }
  return { reply: { ...reply, files: kept }, lines };
}

export function createOutbound(state: ConsoleState, print: (text: string) => void, limits: RenderLimits, filesDir = join(tmpdir(), 'ouro-bridge-console')) {
  const bodyOf = (message: OutboundMessage, n: number) => (message.rich ? renderRich(message.rich, limits, n) : message.text.split('\n'));

  return {
    async post(ref: ChatRef, message: OutboundMessage): Promise<PostedMessage> {
      checkRef(ref);
      const thread = ref.thread === undefined ? undefined : number(ref.thread, 'thread');
      const n = state.next++;
      const buttons = buttonsOf(message.rich);
      const marked = message.marker ? { marker: message.marker, at: Date.now() } : {};
      state.messages.set(n, { thread, mine: false, deleted: false, edits: 0, ...(buttons?.length ? { buttons } : {}), ...marked });
      print(formatEntry(messageHeader(n, message.author?.name ?? 'ouro-bridge', thread), bodyOf(message, n), indentFor(thread)));
      return { messageId: String(n) };
    },

    /** The transcript lives in this process: after a restart there is nothing to find. */
    async findPosted(ref: ChatRef, probe: PostProbe, since: number): Promise<PostedMessage[]> {
      checkRef(ref);
      const thread = ref.thread === undefined ? undefined : number(ref.thread, 'thread');
      const found: PostedMessage[] = [];
      for (const [n, m] of state.messages) {
        if (m.marker === probe.marker && m.thread === thread && (m.at ?? 0) >= since) found.push({ messageId: String(n) });
      }
      return found;
    },

    async edit(ref: ChatRef, messageId: string, message: OutboundMessage): Promise<void> {
      checkRef(ref);
      const n = number(messageId, 'message id');
      const known = state.messages.get(n);
      if (known?.mine) throw new ConsoleRefError(`message #${n} was typed at the console; the bridge cannot edit it`);
      if (known?.deleted) throw new MessageGoneError(`message #${n} was deleted`);
      const buttons = buttonsOf(message.rich);
      if (known) {
        known.edits++;
        if (buttons) known.buttons = buttons;
      }
      const thread = ref.thread === undefined ? known?.thread : number(ref.thread, 'thread');
      print(formatEntry(`#${n} edited`, bodyOf(message, n), indentFor(thread)));
    },

    async delete(ref: ChatRef, messageId: string): Promise<void> {
      checkRef(ref);
      const n = number(messageId, 'message id');
      const known = state.messages.get(n);
      if (known) known.deleted = true;
      const thread = ref.thread === undefined ? known?.thread : number(ref.thread, 'thread');
      print(`${indentFor(thread)}#${n} deleted`);
    },

    async reply(target: ReplyTarget, reply: RichReply, visibility: Visibility): Promise<void> {
      if (target.platform !== 'console') throw new ConsoleRefError(`not a console reply target: ${target.platform}`);
      const t = target as ConsoleReplyTarget;
      const thread = t.thread === undefined ? undefined : number(t.thread, 'thread');
      const n = state.next++;
      const buttons = buttonsOf(reply);
      state.messages.set(n, { thread, mine: false, deleted: false, edits: 0, ...(buttons?.length ? { buttons } : {}) });
      const who = visibility === 'invoker' ? '[ouro, only you]' : '[ouro]';
      const saved = await saveImages(reply, n, filesDir);
      print(
        formatEntry(`#${n}${thread === undefined ? '' : ` in #${thread}`} ${who}`, [...renderRich(saved.reply, limits, n), ...saved.lines], indentFor(thread)),
      );
    },

    async uploadFile(ref: ChatRef, file: { name: string; mime: string; content: string | Uint8Array; title?: string }): Promise<void> {
      checkRef(ref);
      const thread = ref.thread === undefined ? undefined : number(ref.thread, 'thread');
      const n = state.next++;
      state.messages.set(n, { thread, mine: false, deleted: false, edits: 0 });
      const text = typeof file.content === 'string' ? file.content : Buffer.from(file.content).toString('utf8');
      const lines = text.split('\n');
      // A terminal is not a file browser: show the head of the file and say how much is left.
      const head = lines.slice(0, 10);
      const body = [`file ${file.title ?? file.name} (${file.mime}, ${Buffer.byteLength(text)} bytes)`, ...head];
      if (lines.length > head.length) body.push(`… ${lines.length - head.length} more lines`);
      print(formatEntry(messageHeader(n, 'ouro-bridge', thread), body, indentFor(thread)));
    },
  };
}
