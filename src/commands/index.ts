/**
 * The command layer's entry point: `createCommandRunner(deps)` → the `CommandRunner` the core
 * calls for `/ouro <text>` and for button presses. Everything is platform-neutral.
 */
import { silentLogger, type Logger } from '../log.ts';
import type { Store } from '../store/types.ts';
import { describeError } from './describe-error.ts';
import { helpSpec } from './help.ts';
import { linkSpec, unlinkSpec } from './link.ts';
import { mirrorSpecs } from './mirror.ts';
import { questCloseSpec } from './quest/close.ts';
import { questCreateSpec } from './quest/create.ts';
import { questListSpec } from './quest/list.ts';
import { questReviewSpec, reviewEntry, type Decision } from './quest/review.ts';
import { questShowSpec } from './quest/show.ts';
import { questSubmitSpec } from './quest/submit.ts';
import { querySpec } from './query.ts';
import { routeSpec } from './route.ts';
import { pressRoute, ROUTE_BUTTONS } from './route-confirm.ts';
import { routesSpec } from './routes.ts';
import { createRegistry, dispatch, isBridgeAdmin, whoMayAdmin, type Registry } from './registry.ts';
import { textReply } from './reply.ts';
import { datasetsSpec, searchSpec } from './search.ts';
import { UserError, type CommandDeps, type CommandOuro, type CommandSpec, type QuestPoller } from './spec.ts';
import type { ButtonInput, CommandResult, CommandRunner } from './types.ts';
import { unwatchSpec, watchesSpec, watchSpec } from './watch.ts';

export type { CommandDeps, CommandOuro, CommandSpec, QuestPoller };
export { UserError };
export { visibilityFor, type AssetScope } from './visibility.ts';
export { fitTable, type FitOptions, type FitResult } from './render/fit.ts';
export { toTable } from './render/table.ts';
export { toCsv } from './render/csv.ts';
export { entryNotice, questCard, entryCounts, reviewButtons, type EntryCounts } from './render/quest.ts';
export { baselineQuest } from './watch-baseline.ts';
export { ROUTE_POLL_JOB, type RoutePollPayload } from './route-run.ts';
export { runReply, isTerminal } from './route-result.ts';
export { tokenize, parseArgs, ParseError } from './parse.ts';

export const DEFAULT_WEB_BASE_URL = 'https://ouro.foundation';

export interface CommandRunnerDeps {
  ouro: CommandOuro;
  store: Store;
  bridgeAdmins: readonly string[];
  /** Where asset links point; default https://ouro.foundation. */
  webBaseUrl?: string;
  notifier?: QuestPoller;
  logger?: Logger;
}

/** Every command, in the order help lists them. */
export function commandSpecs(registry: () => Registry): CommandSpec[] {
  return [
    helpSpec(registry),
    linkSpec,
    unlinkSpec,
    ...mirrorSpecs,
    querySpec,
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
    webBaseUrl: (input.webBaseUrl ?? DEFAULT_WEB_BASE_URL).replace(/\/+$/, ''),
    notifier: input.notifier,
    logger: input.logger ?? silentLogger,
  };
  let registry: Registry;
  registry = createRegistry(commandSpecs(() => registry));
  const reviewSpec = registry.get('quest review')!;

  return {
    run: (cmd) => dispatch(registry, deps, cmd),

    /**
     * Accept / Reject on an entry notice: the same permission rule as `quest review` (checked
     * now, at click time, not when the card was posted) and the same review path.
     */
    async press(btn: ButtonInput): Promise<CommandResult> {
      const log = deps.logger.child({ action: btn.actionId, user: btn.user.id });
      if (ROUTE_BUTTONS.has(btn.actionId)) return pressRoute(deps, btn);
      const decision = BUTTON_DECISIONS[btn.actionId];
      if (!decision) return { reply: textReply(`This button (\`${btn.actionId}\`) is not one the bridge knows; nothing was done.`), visibility: 'invoker' };
      if (reviewSpec.admin && !isBridgeAdmin(btn.user, deps.bridgeAdmins)) {
        return { reply: textReply(`Only bridge admins may review entries: ${whoMayAdmin(btn.channel.platform)}.`), visibility: 'invoker' };
      }
      const [questId, entryId, ...extra] = btn.value.split(':');
      if (!questId || !entryId || extra.length) {
        return { reply: textReply('This button carries no entry to review; nothing was done.'), visibility: 'invoker' };
      }
      try {
        const quest = await deps.ouro.quests.get(questId);
        const { notice } = await reviewEntry(deps, quest, entryId, decision, btn.user);
        // The notice is in the channel already (it passed the visibility rule when posted);
        // adding who decided reveals nothing new. The confirmation goes to the reviewer only.
        return { reply: textReply(`${decision === 'accept' ? 'Accepted' : 'Rejected'} the entry.`), visibility: 'invoker', updateMessage: notice };
      } catch (err) {
        const d = describeError(err);
        if (d.unexpected) log.error({ err }, 'button failed');
        return { reply: textReply(d.text), visibility: 'invoker' };
      }
    },
  };
}
