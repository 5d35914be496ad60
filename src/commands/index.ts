/**
 * The command layer's entry point: `createCommandRunner(deps)` → the `CommandRunner` the core
 * calls for `/ouro <text>` and for button presses. Everything is platform-neutral.
 */
import { silentLogger, type Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { describeError } from './describe-error.ts';
import { withCommandGate } from './gate.ts';
import type { Accounts } from '../accounts/types.ts';
import { actingFor, brokenLinkText, keyStoppedWorking } from './acting.ts';
import { helpSpec } from './help.ts';
import { loginSpec } from './login.ts';
import { logoutSpec } from './logout.ts';
import { whoamiSpec } from './whoami.ts';
import { linkSpec, unlinkSpec } from './link.ts';
import { mirrorSpecs } from './mirror.ts';
import { chartSpec } from './chart.ts';
import { postSpec } from './post.ts';
import { questCloseSpec } from './quest/close.ts';
import { questCreateSpec } from './quest/create.ts';
import { questListSpec } from './quest/list.ts';
import { questReviewSpec, reviewEntry, type Decision } from './quest/review.ts';
import { questShowSpec } from './quest/show.ts';
import { questSubmitSpec } from './quest/submit.ts';
import { querySpec } from './query.ts';
import { createRegistry, dispatch, isBridgeAdmin, whoMayAdmin, type Registry } from './registry.ts';
import { isKeyRejected } from '../accounts/types.ts';
import { textReply } from '../chat/reply.ts';
import { routeSpec } from './route.ts';
import { pressRoute, ROUTE_BUTTONS } from './route-confirm.ts';
import { routesSpec } from './routes.ts';
import { datasetsSpec, searchSpec } from './search.ts';
import { channelScope, OURO_DECIDES } from './scope.ts';
import { UserError, type CommandDeps, type CommandOuro, type CommandSpec, type QuestPoller, type CommentPoller } from './spec.ts';
import type { ButtonInput, CommandResult, CommandRunner } from './types.ts';
import { unwatchSpec, watchesSpec, watchSpec } from './watch.ts';
import { followSpec } from './follow.ts';
import { unfollowSpec } from './unfollow.ts';
import { noticeKey } from './watch-baseline.ts';

export type { CommandOuro, CommandSpec, QuestPoller };
export { UserError };
export { reviewButtons } from './render/quest.ts';

export const DEFAULT_WEB_BASE_URL = 'https://ouro.foundation';

export interface CommandRunnerDeps {
  ouro: CommandOuro;
  store: Store;
  bridgeAdmins: readonly string[];
  /** OURO_ALLOWED_ORGS (ids or names); default: every org the bridge's account belongs to. */
  allowedOrgs?: readonly string[];
  /** Where asset links point; default https://ouro.foundation. */
  webBaseUrl?: string;
  notifier?: QuestPoller;
  comments?: CommentPoller;
  logger?: Logger;
  /** Linked Ouro accounts (src/accounts); absent: every command acts as the bot. */
  accounts?: Accounts;
}

/** Every command, in the order help lists them. */
export function commandSpecs(registry: () => Registry): CommandSpec[] {
  return [
    helpSpec(registry),
    loginSpec,
    whoamiSpec,
    logoutSpec,
    linkSpec,
    unlinkSpec,
    ...mirrorSpecs,
    querySpec,
    chartSpec,
    datasetsSpec,
    searchSpec,
    questCreateSpec,
    questListSpec,
    questShowSpec,
    questSubmitSpec,
    questReviewSpec,
    questCloseSpec,
    watchSpec,
    unwatchSpec,
    watchesSpec,
    followSpec,
    unfollowSpec,
    postSpec,
    routesSpec,
    routeSpec,
  ];
}

const BUTTON_DECISIONS: Record<string, Decision> = { 'entry.accept': 'accept', 'entry.reject': 'reject' };

export function createCommandRunner(input: CommandRunnerDeps): CommandRunner {
  const deps: CommandDeps = {
    ouro: input.ouro,
    store: input.store,
    bridgeAdmins: input.bridgeAdmins,
    allowedOrgs: input.allowedOrgs ?? [],
    webBaseUrl: (input.webBaseUrl ?? DEFAULT_WEB_BASE_URL).replace(/\/+$/, ''),
    notifier: input.notifier,
    ...(input.comments ? { comments: input.comments } : {}),
    logger: input.logger ?? silentLogger,
    ...(input.accounts ? { accounts: input.accounts } : {}),
  };
  let registry: Registry;
  registry = createRegistry(commandSpecs(() => registry));
  const reviewSpec = registry.get('quest review')!;

  const runner: CommandRunner = {
    run: (cmd) => dispatch(registry, deps, cmd),

    /**
     * Accept / Reject on an entry notice: the same permission rule as `quest review` (checked
     * now, at click time, not when the card was posted) and the same review path. The value
     * is not trusted: the pressed message must be a notice the bridge recorded posting in
     * this channel for that very quest and entry, and the quest must still be in the
     * channel's scope.
     */
    async press(btn: ButtonInput): Promise<CommandResult> {
      const log = deps.logger.child({ action: btn.actionId, user: btn.user.id });
      if (ROUTE_BUTTONS.has(btn.actionId)) return pressRoute(deps, btn);
      const decision = BUTTON_DECISIONS[btn.actionId];
      if (!decision) return { reply: textReply(`This button (\`${btn.actionId}\`) is not one the bridge knows; nothing was done.`), visibility: 'invoker' };
      const acting = await actingFor(deps, btn.user, btn.channel);
      if (acting.account?.brokenAt) return { reply: textReply(brokenLinkText(acting.account)), visibility: 'invoker' };
      const ouroDecides = reviewSpec.ouroDecidesForLinked === true && acting.actingAs === 'person';
      if (reviewSpec.admin && !ouroDecides && !isBridgeAdmin(btn.user, deps.bridgeAdmins)) {
        return { reply: textReply(`Only bridge admins may review entries: ${whoMayAdmin(btn.channel.platform)}.`), visibility: 'invoker' };
      }
      const [questId, entryId, ...extra] = btn.value.split(':');
      if (!questId || !entryId || extra.length) {
        return { reply: textReply('This button carries no entry to review; nothing was done.'), visibility: 'invoker' };
      }
      const posted = btn.messageId ? await deps.store.getState(noticeKey(btn.channel, btn.messageId)) : undefined;
      if (posted !== `${questId}:${entryId}`) {
        log.warn(
          { messageId: btn.messageId ?? null, recorded: posted !== undefined },
          'review button not on a notice the bridge posted for that entry here; refused',
        );
        return {
          reply: textReply('This button is not on an entry notice the bridge posted in this channel for that entry, so nothing was done.'),
          visibility: 'invoker',
        };
      }
      try {
        const link = await deps.store.getChannelLink(btn.channel);
        const scope = acting.actingAs === 'person' ? OURO_DECIDES : channelScope(link, deps.allowedOrgs);
        const quest = scope.admit(await acting.ouro.quests.get(questId), 'quest');
        const { notice } = await reviewEntry(deps, acting.ouro, quest, entryId, decision, btn.user, undefined, acting.actingAs === 'person');
        // The notice is in the channel already (it passed the visibility rule when posted);
        // adding who decided reveals nothing new. The confirmation goes to the reviewer only.
        return { reply: textReply(`${decision === 'accept' ? 'Accepted' : 'Rejected'} the entry.`), visibility: 'invoker', updateMessage: notice };
      } catch (err) {
        if (acting.actingAs === 'person' && acting.account && isKeyRejected(err)) {
          return { reply: textReply(await keyStoppedWorking(deps, btn.user, btn.channel, acting.account)), visibility: 'invoker' };
        }
        const d = describeError(err, { actingAs: acting.actingAs });
        if (d.unexpected) log.error({ err }, 'button failed');
        return { reply: textReply(d.text), visibility: 'invoker' };
      }
    },
  };
  return withCommandGate(runner);
}
