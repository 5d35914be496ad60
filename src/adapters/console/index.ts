/**
 * A terminal chat implementing the adapter contract: one channel (#lab in workspace
 * `local`), one person typing, the bridge printing. Used by `ouro-bridge demo`, the kill
 * test and the mirror benchmark; readline runs over injectable streams so tests drive it
 * with PassThrough streams and parse the transcript (render.ts).
 *
 * Lines are handled one at a time, in the order typed: a line's event is handed to the
 * inbox and acknowledged on screen (its `#N` line) before the next line is read, which is
 * the console's version of "ack after the event is durably recorded".
 */
import { createInterface, type Interface } from 'node:readline';
import type { AdapterHealth, BridgeInbox, ChannelRef, ChatAdapter, ChatRef, Invoker, OutboundMessage } from '../../bridge/types.ts';
import { editEach } from '../../bridge/message-gone.ts';
import { HELP_LINES, parseLine, type ConsoleAction } from './inbound.ts';
import { CONSOLE_CHANNEL, CONSOLE_WORKSPACE, createOutbound, type ConsoleReplyTarget, type ConsoleState } from './outbound.ts';
import { DEFAULT_LIMITS, formatEntry, indentFor, messageHeader, type RenderLimits } from './render.ts';

export { CONSOLE_CHANNEL, CONSOLE_WORKSPACE };

/** A host-provided `!name …` line (the demo's `!ouro alice 3 text`). */
export interface ConsoleExtra {
  usage: string;
  run(
    args: string,
    ctx: {
      /** The thread root when typed as `>N !name …`. */
      thread?: string;
      print(line: string): void;
      /** The thread root of message N (itself for a top-level message); undefined if unknown. */
      rootOf(n: number): string | undefined;
    },
  ): Promise<void>;
}

export interface ConsoleAdapterOptions {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  user?: { id: string; name: string };
  /**
   * Namespace of the idempotency keys. Message numbers restart at 1 in every process, so a
   * new session must not collide with an old one's keys; a replay of the same session (the
   * kill test) passes the same value on purpose so repeats are dropped.
   */
  session?: string;
  extras?: Record<string, ConsoleExtra>;
  limits?: RenderLimits;
  now?: () => number;
  /** Where images in replies (charts) are written; default `<tmpdir>/ouro-bridge-console`. */
  filesDir?: string;
  /** Called once when the input stream ends (the demo exits on Ctrl-D). */
  onInputEnd?: () => void;
}

export interface ConsoleAdapter extends ChatAdapter {
  readonly platform: 'console';
  readonly channelRef: ChannelRef;
  /** Prints a line to the transcript (host messages such as the demo's intro). */
  print(text: string): void;
  /** Resolves when every line read so far has been handled. */
  idle(): Promise<void>;
}

export function createConsoleAdapter(opts: ConsoleAdapterOptions): ConsoleAdapter {
  const user = opts.user ?? { id: 'console-user', name: 'you' };
  const session = opts.session ?? Date.now().toString(36);
  const now = opts.now ?? Date.now;
  const extras = opts.extras ?? {};
  const state: ConsoleState = { next: 1, messages: new Map() };
  const channelRef: ChannelRef = { platform: 'console', workspace: CONSOLE_WORKSPACE, channel: CONSOLE_CHANNEL };
  const print = (text: string) => void opts.output.write(`${text}\n`);
  const out = createOutbound(state, print, opts.limits ?? DEFAULT_LIMITS, opts.filesDir);
  const invoker: Invoker = { ...user, isPlatformAdmin: true };

  let inbox: BridgeInbox | undefined;
  let rl: Interface | undefined;
  let running = false;
  let stopping = false;
  let chain: Promise<void> = Promise.resolve();

  const key = (...parts: (string | number)[]) => ['console', session, ...parts].join(':');
  const refAt = (thread?: number): ChatRef => ({ ...channelRef, ...(thread === undefined ? {} : { thread: String(thread) }) });

  /** `>N` may name the root or any reply: a reply to a reply stays in the same thread, as on Slack. */
  function threadRoot(n: number): number | string {
    const m = state.messages.get(n);
    if (!m) return `no message #${n} in this session`;
    if (m.deleted) return `message #${n} was deleted`;
    return m.thread ?? n;
  }

  function ownMessage(n: number): string | undefined {
    const m = state.messages.get(n);
    if (!m) return `no message #${n} in this session`;
    if (!m.mine) return `message #${n} was not typed here; you can only change your own messages`;
    if (m.deleted) return `message #${n} is already deleted`;
    return undefined;
  }

  async function deliver(event: Parameters<BridgeInbox['receive']>[0], onAck: () => void): Promise<void> {
    if (!inbox) throw new Error('console adapter not started');
    try {
      const { accepted } = await inbox.receive(event);
      onAck();
      if (!accepted) print('   (already delivered earlier: not sent again)');
    } catch (err) {
      print(`! not delivered, the bridge refused it: ${(err as Error).message}`);
    }
  }

  async function handle(action: ConsoleAction): Promise<void> {
    switch (action.type) {
      case 'empty':
        return;
      case 'help':
        for (const l of HELP_LINES) print(l);
        for (const [name, x] of Object.entries(extras)) print(`  ${x.usage.padEnd(20)} (!${name})`);
        return;
      case 'error':
        print(`! ${action.message}`);
        return;
      case 'message': {
        const root = action.thread === undefined ? undefined : threadRoot(action.thread);
        if (typeof root === 'string') return print(`! ${root}`);
        const n = state.next++;
        state.messages.set(n, { thread: root, mine: true, deleted: false, edits: 0 });
        const ev = {
          kind: 'message.posted' as const,
          key: key('m', n),
          ref: refAt(root),
          messageId: String(n),
          author: { id: user.id, name: user.name },
          text: action.text,
          at: now(),
          raw: { line: action.text },
        };
        return deliver(ev, () => print(formatEntry(messageHeader(n, user.name, root), action.text.split('\n'), indentFor(root))));
      }
      case 'command': {
        const root = action.thread === undefined ? undefined : threadRoot(action.thread);
        if (typeof root === 'string') return print(`! ${root}`);
        const n = state.next++;
        const replyTo: ConsoleReplyTarget = { platform: 'console', ...(root === undefined ? {} : { thread: String(root) }) };
        const ev = { kind: 'command.invoked' as const, key: key('c', n), ref: refAt(root), invoker, text: action.text, replyTo };
        // The transcript is a chat log like any other: a key typed after `login` is not written into it.
        const shown = /^\s*login\s+\S/i.test(action.text) ? 'login ••••••' : action.text;
        return deliver(ev, () => print(`${indentFor(root)}#${n} ${user.name} ran /ouro ${shown}`));
      }
      case 'edit': {
        const problem = ownMessage(action.id);
        if (problem) return print(`! ${problem}`);
        const m = state.messages.get(action.id)!;
        m.edits++;
        const ev = {
          kind: 'message.edited' as const,
          key: key('e', action.id, m.edits),
          ref: refAt(m.thread),
          messageId: String(action.id),
          author: { id: user.id, name: user.name },
          text: action.text,
          at: now(),
        };
        return deliver(ev, () => print(formatEntry(`#${action.id} edited`, action.text.split('\n'), indentFor(m.thread))));
      }
      case 'delete': {
        const problem = ownMessage(action.id);
        if (problem) return print(`! ${problem}`);
        const m = state.messages.get(action.id)!;
        m.deleted = true;
        const ev = { kind: 'message.deleted' as const, key: key('d', action.id), ref: refAt(m.thread), messageId: String(action.id), at: now() };
        return deliver(ev, () => print(`${indentFor(m.thread)}#${action.id} deleted`));
      }
      case 'press': {
        const m = state.messages.get(action.id);
        const button = m?.buttons?.find((b) => b.actionId === action.actionId);
        if (!m || !button) {
          const offered = m?.buttons?.map((b) => b.actionId).join(', ');
          return print(`! message #${action.id} has no button "${action.actionId}"${offered ? ` (it has: ${offered})` : ''}`);
        }
        const n = state.next++;
        const replyTo: ConsoleReplyTarget = { platform: 'console', ...(m.thread === undefined ? {} : { thread: String(m.thread) }) };
        const ev = {
          kind: 'button.pressed' as const,
          key: key('p', n),
          ref: refAt(m.thread),
          invoker,
          actionId: button.actionId,
          value: button.value,
          messageId: String(action.id),
          replyTo,
        };
        return deliver(ev, () => print(`${indentFor(m.thread)}#${n} ${user.name} pressed [${button.label}] on #${action.id}`));
      }
      case 'extra': {
        const extra = extras[action.name];
        if (!extra) {
          const known = ['edit', 'delete', 'press', ...Object.keys(extras)].map((k) => `!${k}`).join(', ');
          return print(`! unknown console command "!${action.name}" (known: ${known}; type /help)`);
        }
        const root = action.thread === undefined ? undefined : threadRoot(action.thread);
        if (typeof root === 'string') return print(`! ${root}`);
        try {
          const rootOf = (n: number) => {
            const r = threadRoot(n);
            return typeof r === 'number' ? String(r) : undefined;
          };
          await extra.run(action.args, { ...(root === undefined ? {} : { thread: String(root) }), print, rootOf });
        } catch (err) {
          print(`! !${action.name} failed: ${(err as Error).message}`);
        }
        return;
      }
    }
  }

  return {
    platform: 'console',
    channelRef,
    print,
    idle: () => chain,
    async start(i: BridgeInbox) {
      inbox = i;
      running = true;
      rl = createInterface({ input: opts.input, terminal: false, crlfDelay: Infinity });
      // A line ending in a backslash continues on the next one: a multi-line message.
      let pending = '';
      rl.on('line', (line) => {
        if (line.endsWith('\\')) {
          pending += `${line.slice(0, -1)}\n`;
          return;
        }
        const whole = pending + line;
        pending = '';
        chain = chain.then(() => handle(parseLine(whole)));
      });
      rl.once('close', () => {
        running = false;
        if (!stopping) void chain.then(() => opts.onInputEnd?.());
      });
    },
    async stop() {
      stopping = true;
      running = false;
      rl?.close();
      await chain;
    },
    health(): AdapterHealth {
      return running ? { connected: true } : { connected: false, detail: inbox ? 'input closed' : 'not started' };
    },
    post: out.post,
    findPosted: out.findPosted,
    // The console never splits a post: other "parts" are further copies, each edited alike.
    async edit(ref: ChatRef, messageId: string, message: OutboundMessage, parts: readonly string[] = []) {
      await editEach([messageId, ...parts], (id) => out.edit(ref, id, message));
    },
    async delete(ref: ChatRef, messageId: string, parts: readonly string[] = []) {
      for (const id of [messageId, ...parts]) await out.delete(ref, id);
    },
    reply: out.reply,
    // One person at a console: a private notice is an invoker-only reply where it happened.
    tellPrivately: (ref, _user, reply) => out.reply({ platform: 'console', ...(ref.thread ? { thread: ref.thread } : {}) }, reply, 'invoker'),
    uploadFile: out.uploadFile,
    async channelName() {
      return `#${CONSOLE_CHANNEL}`;
    },
  };
}
