/**
 * The ack path: validate an inbound event, drop a repeat, record it, wake its lane —
 * nothing that waits on a platform or Ouro. Message events become durable jobs (one lane
 * per thread); interactive events (commands, buttons, link unfurls) are handed to
 * `interactive` to run at once, since a person is waiting. `receive` resolves once the
 * event is recorded: that is when an adapter may ack.
 */
import type { Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { chatLane, encodeChatRef, isPlatform } from './chat-ref.ts';
import { JOB, type DeletedPayload, type EditedPayload, type PostedPayload } from './jobs.ts';
import type { BridgeMetrics } from './ports.ts';
import type { BridgeInbox, ButtonPressed, ChatRef, CommandInvoked, InboundEvent, LinkShared } from './types.ts';
import { looksLikeOuroKey } from '../accounts/key-shape.ts';
import { uuid7 } from '../ouro/uuid7.ts';

/** Thrown at the adapter for an event that breaks the contract; the message says which field. */
export class InvalidEventError extends Error {
  override name = 'InvalidEventError';
}

/**
 * How long an interactive event's key is remembered. Slack retries an unacknowledged
 * request 3 times within about 5 minutes and Discord never redelivers interactions, so an
 * hour is ample.
 */
const INTERACTIVE_DEDUPE_MS = 60 * 60 * 1000;

export type InteractiveEvent = CommandInvoked | ButtonPressed | LinkShared;

export interface InboxDeps {
  store: Store;
  metrics: BridgeMetrics;
  logger: Logger;
  now: () => number;
  /** A job was recorded in `lane`: the worker should look now rather than at its next poll. */
  wake(lane?: string): void;
  interactive(event: InteractiveEvent): void;
  /** A message carrying what looks like an Ouro API key was kept out; tell its author privately. */
  pastedKey?(ref: ChatRef, userId: string): void;
}

const str = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

/** Returns what is wrong with an event, or undefined when it honours the contract. */
export function checkEvent(e: unknown): string | undefined {
  if (!e || typeof e !== 'object') return 'event is not an object';
  const ev = e as Record<string, unknown>;
  if (!str(ev.key)) return 'event.key must be a non-empty string';
  const ref = ev.ref as Record<string, unknown> | undefined;
  if (!ref || typeof ref !== 'object') return 'event.ref is missing';
  if (!isPlatform(ref.platform)) return `event.ref.platform ${JSON.stringify(ref.platform)} is not slack, discord or console`;
  if (!str(ref.workspace) || !str(ref.channel)) return 'event.ref needs non-empty workspace and channel';
  if (ref.thread !== undefined && !str(ref.thread)) return 'event.ref.thread must be a non-empty string when present';
  switch (ev.kind) {
    case 'message.posted':
    case 'message.edited': {
      if (!str(ev.messageId)) return `${ev.kind}: messageId must be a non-empty string`;
      if (typeof ev.text !== 'string') return `${ev.kind}: text must be a string`;
      if (typeof ev.at !== 'number' || !Number.isFinite(ev.at)) return `${ev.kind}: at must be a number (ms since epoch)`;
      const author = ev.author as Record<string, unknown> | undefined;
      if (ev.kind === 'message.posted' && (!author || !str(author.id) || typeof author.name !== 'string')) {
        return 'message.posted: author needs an id and a name';
      }
      const files = ev.files;
      if (files !== undefined && (!Array.isArray(files) || files.some((f) => !f || typeof f !== 'object' || !str((f as { name?: unknown }).name)))) {
        return `${ev.kind}: files must be a list of { name, url? }`;
      }
      return undefined;
    }
    case 'message.deleted':
      if (!str(ev.messageId)) return 'message.deleted: messageId must be a non-empty string';
      return undefined;
    case 'command.invoked':
    case 'button.pressed':
    case 'link.shared': {
      const replyTo = ev.replyTo as Record<string, unknown> | undefined;
      if (!replyTo || replyTo.platform !== ref.platform) return `${ev.kind}: replyTo must name the event's platform`;
      if (ev.kind === 'command.invoked' && typeof ev.text !== 'string') return 'command.invoked: text must be a string';
      if (ev.kind === 'button.pressed' && (!str(ev.actionId) || typeof ev.value !== 'string')) {
        return 'button.pressed: actionId and value are required';
      }
      if (ev.kind === 'link.shared' && !Array.isArray(ev.urls)) return 'link.shared: urls must be an array';
      if (ev.kind !== 'link.shared') {
        const inv = ev.invoker as Record<string, unknown> | undefined;
        if (!inv || !str(inv.id) || typeof inv.name !== 'string') return `${ev.kind}: invoker needs an id and a name`;
      }
      return undefined;
    }
    default:
      return `unknown event kind ${JSON.stringify(ev.kind)}`;
  }
}

export function createInbox(deps: InboxDeps): BridgeInbox {
  const { store, metrics, logger, now } = deps;
  return {
    async receive(event: InboundEvent) {
      const problem = checkEvent(event);
      if (problem) {
        logger.warn({ problem }, 'inbound event rejected');
        throw new InvalidEventError(problem);
      }
      metrics.eventReceived(event.kind, event.ref.platform);
      // Keys are unique per platform occurrence; the workspace keeps two Slack teams (or a
      // console's counter) from colliding.
      const idem = `in:${event.ref.platform}:${event.ref.workspace}:${event.key}`;

      if (event.kind === 'command.invoked' || event.kind === 'button.pressed' || event.kind === 'link.shared') {
        if (!(await store.claimKey(idem, INTERACTIVE_DEDUPE_MS))) {
          metrics.duplicateDropped('chat');
          return { accepted: false };
        }
        deps.interactive(event);
        return { accepted: true };
      }

      // Never stored, never mirrored: the job payload would keep the key in clear.
      if ((event.kind === 'message.posted' || event.kind === 'message.edited') && looksLikeOuroKey(event.text)) {
        logger.info({ ref: encodeChatRef(event.ref), kind: event.kind }, 'a message that looks like it holds an Ouro API key was not mirrored');
        if (event.author && !event.author.isBot) deps.pastedKey?.(event.ref, event.author.id);
        return { accepted: true };
      }
      const receivedAt = now();
      const { raw: _raw, ...rest } = event;
      let kind: string;
      let payload: PostedPayload | EditedPayload | DeletedPayload;
      if (rest.kind === 'message.posted') {
        kind = JOB.posted;
        payload = { event: rest, ouroMessageId: uuid7(receivedAt), receivedAt };
      } else if (rest.kind === 'message.edited') {
        kind = JOB.edited;
        payload = { event: rest, receivedAt };
      } else {
        kind = JOB.deleted;
        payload = { event: rest, receivedAt };
      }
      const lane = chatLane(event.ref);
      const { created } = await store.enqueue({ lane, kind, payload, idempotencyKey: idem });
      if (!created) {
        metrics.duplicateDropped('chat');
        logger.debug({ key: event.key, ref: encodeChatRef(event.ref) }, 'repeat of a recorded event dropped');
        return { accepted: false };
      }
      deps.wake(lane);
      return { accepted: true };
    },
  };
}
