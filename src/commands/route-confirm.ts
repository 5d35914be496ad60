/**
 * Confirm / Cancel of a priced route run. Only the person who asked may answer; the pending
 * run is taken out of the store before it runs, so two presses (or two replicas) run it once.
 */
import { actingFor } from './acting.ts';
import { describeError } from './describe-error.ts';
import { textReply } from '../chat/reply.ts';
import { executeRun, PENDING_PREFIX, PENDING_TTL_MS, type PendingRun } from './route-run.ts';
import type { CommandDeps } from './spec.ts';
import type { ButtonInput, CommandResult } from './types.ts';

export const ROUTE_BUTTONS = new Set(['route.confirm', 'route.cancel']);

const answer = (markdown: string): CommandResult => ({ reply: textReply(markdown), visibility: 'invoker' });

export async function pressRoute(deps: CommandDeps, btn: ButtonInput): Promise<CommandResult> {
  const key = `${PENDING_PREFIX}${btn.value}`;
  const raw = await deps.store.getState(key);
  if (!raw) return answer('This run was already confirmed or cancelled, or it expired; nothing was done.');
  const pending = JSON.parse(raw) as PendingRun;
  if (pending.userId !== btn.user.id) return answer('Only the person who asked for this run can confirm or cancel it.');
  if (!(await deps.store.deleteState(key))) return answer('This run was already confirmed or cancelled; nothing more was done.');
  if (btn.actionId === 'route.cancel') return answer(`Cancelled **${pending.title}**; nothing was run or charged.`);
  if (Date.now() - pending.createdAt > PENDING_TTL_MS)
    return answer(`This confirmation expired; run \`/ouro route ${pending.title}\` again to see the current price.`);
  try {
    const acting = await actingFor(deps, btn.user, pending.channel);
    const person =
      acting.actingAs === 'person' ? { platform: pending.channel.platform, workspace: pending.channel.workspace, chatUserId: btn.user.id } : undefined;
    const route = await acting.ouro.services.route(pending.routeId);
    const result = await executeRun(deps, {
      ouro: acting.ouro,
      ...(person ? { person } : {}),
      route,
      serviceId: pending.serviceId,
      title: pending.title,
      input: pending.input,
      channel: pending.channel,
      thread: pending.thread,
    });
    return { reply: result.reply, visibility: result.visibility ?? 'public' };
  } catch (err) {
    const d = describeError(err);
    if (d.unexpected) deps.logger.error({ err }, 'route run after confirm failed');
    return answer(d.text);
  }
}
