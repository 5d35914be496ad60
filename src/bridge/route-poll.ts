/**
 * Follows an async route run to its end (the `route.poll` job that `/ouro route` enqueues):
 * posts one "running" message in the channel or thread, edits it when the action's status
 * moves, and edits it a last time with the result. Durable: the job waits between polls as a
 * rescheduled job (not counted against its retries), so a restart resumes polling, and the
 * message is posted once (a post-once intent, then its id in the store's state).
 */
import { isTerminal, runReply } from '../commands/route-result.ts';
import type { RoutePollPayload } from '../commands/route-run.ts';
import { createAsPerson } from './as-person.ts';
import { refOfThreadKey } from './chat-ref.ts';
import type { BridgeContext } from './context.ts';
import { postOnce } from './post-once.ts';
import { PermanentError, RetryLaterError } from './retry.ts';

/** The message's id and the status it shows, under `route-msg:<action id>`. */
export const ROUTE_MESSAGE_PREFIX = 'route-msg:';
/** Kept past any run the poll follows (its timeout is at most twice a route's p95) and a replay of the job. */
export const ROUTE_MESSAGE_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

interface Shown {
  messageId: string;
  status: string;
}

export function createRoutePoll(ctx: BridgeContext) {
  return async function poll(p: RoutePollPayload): Promise<void> {
    const adapter = ctx.adapters.get(p.target.platform);
    if (!adapter) throw new PermanentError(`no ${p.target.platform} adapter to post the run of ${p.title} to`);
    const key = `${ROUTE_MESSAGE_PREFIX}${p.actionId}`;
    // A person's run is theirs on Ouro: polled with their client while their link works.
    const client = (p.person && (await createAsPerson(ctx).writerForPerson(p.person))?.ouro) || ctx.ouro;
    const action = await client.services.action(p.actionId);
    const overdue = !isTerminal(action.status) && ctx.now() - p.startedAt > p.timeoutMs;
    const reply = runReply(p.title, action, p.webBaseUrl);
    if (overdue) {
      const note = `Still ${action.status} on Ouro after ${Math.round(p.timeoutMs / 60_000)} min; the bridge stopped following it. Look up action \`${action.id}\` on Ouro.`;
      reply.blocks.push({ type: 'context', markdown: note });
      reply.text += `\n${note}`;
    }
    const message = { text: reply.text, rich: reply };
    const stored = await ctx.store.getState(key);
    const shown = stored ? (JSON.parse(stored) as Shown) : undefined;
    if (!shown) {
      const posted = await postOnce(ctx, adapter, p.target, `action:${p.actionId}`, message, p.startedAt);
      // A run killed after posting and before recording it: that post shows an older status.
      if (posted.recovered) await adapter.edit(refOfThreadKey(p.target), posted.messageId, message);
      await ctx.store.setState(key, JSON.stringify({ messageId: posted.messageId, status: action.status } satisfies Shown));
    } else if (shown.status !== action.status || overdue) {
      await adapter.edit(refOfThreadKey(p.target), shown.messageId, message);
      await ctx.store.setState(key, JSON.stringify({ ...shown, status: action.status } satisfies Shown));
    }
    if (isTerminal(action.status) || overdue) return;
    throw new RetryLaterError(`route run ${p.actionId} is ${action.status}`, p.intervalMs, { countsAsAttempt: false });
  };
}
