/**
 * Commands, button presses and shared links: a person is waiting, so these run at once
 * (not through the durable queue) after the inbox has recorded their key. Nothing thrown
 * here reaches the adapter: a failure becomes a reply in words, to the invoker alone.
 */
import type { CommandRunner, CommandUser } from '../commands/types.ts';
import { commandForLog } from '../commands/acting.ts';
import { textReply, type RichReply, type Visibility } from '../chat/reply.ts';
import { INTERNAL_FAILURE } from '../commands/describe-error.ts';
import type { Logger } from '../log.ts';
import type { Platform } from '../store/types.ts';
import { channelKeyOf } from './chat-ref.ts';
import type { InteractiveEvent } from './inbox.ts';
import { InvokerUnknownError, type ButtonPressed, type ChatAdapter, type CommandInvoked, type Invoker, type LinkShared, type ReplyTarget } from './types.ts';

/** Fills link previews (Slack unfurls); the Slack engineer provides it. Default: none. */
export type LinkSharedHook = (event: LinkShared, adapter: ChatAdapter) => Promise<void>;

export interface InteractiveDeps {
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  commands?: CommandRunner;
  logger: Logger;
  bridgeAdmins: readonly string[];
  onLinkShared?: LinkSharedHook;
}

export function createInteractive(deps: InteractiveDeps) {
  const { adapters, logger } = deps;
  const running = new Set<Promise<void>>();

  const userOf = (inv: Invoker): CommandUser => ({
    id: inv.id,
    name: inv.name,
    ...(inv.avatarUrl ? { avatarUrl: inv.avatarUrl } : {}),
    isPlatformAdmin: inv.isPlatformAdmin === true || deps.bridgeAdmins.includes(inv.id),
  });

  async function reply(adapter: ChatAdapter, target: ReplyTarget, r: RichReply, visibility: Visibility): Promise<void> {
    try {
      await adapter.reply(target, r, visibility);
    } catch (err) {
      logger.error({ err, platform: adapter.platform }, 'could not deliver a command reply');
    }
  }

  async function command(adapter: ChatAdapter, e: CommandInvoked): Promise<void> {
    if (!deps.commands) {
      await reply(adapter, e.replyTo, textReply('Commands are not enabled on this bridge.'), 'invoker');
      return;
    }
    try {
      const invoker = adapter.resolveInvoker ? await adapter.resolveInvoker(e.invoker) : e.invoker;
      if (!invoker) return; // not served from where they are: ignored, as the adapter logged
      const result = await deps.commands.run({
        text: e.text,
        user: userOf(invoker),
        channel: channelKeyOf(e.ref),
        ...(e.ref.thread ? { thread: e.ref.thread } : {}),
      });
      await reply(adapter, e.replyTo, result.reply, result.visibility);
    } catch (err) {
      if (err instanceof InvokerUnknownError) return reply(adapter, e.replyTo, textReply(err.forInvoker), 'invoker');
      logger.error({ err, command: commandForLog(e.text) }, 'command failed');
      await reply(adapter, e.replyTo, textReply(INTERNAL_FAILURE), 'invoker');
    }
  }

  async function button(adapter: ChatAdapter, e: ButtonPressed): Promise<void> {
    if (!deps.commands) {
      await reply(adapter, e.replyTo, textReply('Buttons are not enabled on this bridge.'), 'invoker');
      return;
    }
    try {
      const invoker = adapter.resolveInvoker ? await adapter.resolveInvoker(e.invoker) : e.invoker;
      if (!invoker) return;
      const result = await deps.commands.press({
        actionId: e.actionId,
        value: e.value,
        user: userOf(invoker),
        channel: channelKeyOf(e.ref),
        ...(e.ref.thread ? { thread: e.ref.thread } : {}),
        ...(e.messageId ? { messageId: e.messageId } : {}),
      });
      if (result.updateMessage && e.messageId) {
        try {
          await adapter.edit(e.ref, e.messageId, { text: result.updateMessage.text, rich: result.updateMessage });
        } catch (err) {
          logger.error({ err, messageId: e.messageId }, 'could not update the card a button belongs to');
        }
      }
      await reply(adapter, e.replyTo, result.reply, result.visibility);
    } catch (err) {
      if (err instanceof InvokerUnknownError) return reply(adapter, e.replyTo, textReply(err.forInvoker), 'invoker');
      logger.error({ err, actionId: e.actionId }, 'button press failed');
      await reply(adapter, e.replyTo, textReply(INTERNAL_FAILURE), 'invoker');
    }
  }

  async function linkShared(adapter: ChatAdapter, e: LinkShared): Promise<void> {
    if (!deps.onLinkShared) {
      logger.debug({ urls: e.urls }, 'link shared; no unfurl handler installed');
      return;
    }
    try {
      await deps.onLinkShared(e, adapter);
    } catch (err) {
      logger.error({ err, urls: e.urls }, 'link unfurl failed');
    }
  }

  async function dispatch(e: InteractiveEvent): Promise<void> {
    const adapter = adapters.get(e.ref.platform);
    if (!adapter) {
      logger.error({ platform: e.ref.platform, kind: e.kind }, 'interactive event from a platform with no adapter');
      return;
    }
    if (e.kind === 'command.invoked') return command(adapter, e);
    if (e.kind === 'button.pressed') return button(adapter, e);
    return linkShared(adapter, e);
  }

  return {
    /**
     * Returns at once; the work starts on the next turn of the event loop, after the adapter
     * has sent its ack, so a quick answer can never overtake the acknowledgement. Tracked
     * from now, so `settle` waits for it too.
     */
    handle(e: InteractiveEvent): void {
      const p = new Promise<void>((resolve) => setImmediate(resolve))
        .then(() => dispatch(e))
        .catch((err: unknown) => logger.error({ err }, 'interactive event failed'))
        .finally(() => running.delete(p));
      running.add(p);
    },
    /** Waits (bounded) for handlers still running: on stop, and for tests. */
    async settle(timeoutMs = 10_000): Promise<void> {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.allSettled([...running]),
        new Promise<void>((r) => {
          timer = setTimeout(r, timeoutMs);
        }),
      ]);
      if (timer) clearTimeout(timer);
    },
  };
}
