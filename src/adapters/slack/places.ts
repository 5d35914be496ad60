/**
 * Slack teams the bridge serves: the bot token's own team (auth.test) and SLACK_ALLOWED_TEAMS.
 * A bolt global middleware, ahead of every listener: a request whose team, or whose user's
 * team, is another is acknowledged and goes no further. The user's team matters in Slack
 * Connect: a shared channel of an allowed team carries people of other teams, and the event's
 * own team is then still ours.
 */
import type { AllMiddlewareArgs, AnyMiddlewareArgs, App } from '@slack/bolt';
import type { Logger } from '../../log.ts';
import type { PlaceGate } from '../place-gate.ts';
import type { Directory } from './admin.ts';

interface Body {
  team_id?: string;
  team?: { id?: string } | null;
  /** Slash commands carry the user only by id. */
  command?: string;
  user_id?: string;
  user?: { id?: string; team_id?: string };
  view?: { team_id?: string };
  event?: { user_team?: string; team?: string; message?: { user_team?: string; team?: string } };
}

/**
 * The teams a request speaks for: the team it came through and, when known, the team of the
 * person behind it. A slash command names its user only: their team comes from the
 * directory's cache here (the ack waits on nothing), and from users.info after the ack,
 * before the command runs (`resolveSlackInvoker`).
 */
export function teamsOf(body: Body, directory: Pick<Directory, 'known'>): string[] {
  const teams = [
    body.team_id ?? body.team?.id ?? body.view?.team_id,
    body.user?.team_id,
    body.event?.user_team ?? body.event?.message?.user_team,
    body.event?.team ?? body.event?.message?.team,
  ];
  if (body.command && body.user_id) teams.push(directory.known(body.user_id)?.teamId);
  return [...new Set(teams.filter((t): t is string => typeof t === 'string' && t !== ''))];
}

export function registerPlaceGate(app: App, deps: { gate: PlaceGate; directory: Pick<Directory, 'known'>; logger: Logger }): void {
  app.use(async (all: AnyMiddlewareArgs & AllMiddlewareArgs) => {
    // Every kind but events carries an ack; its argument differs by kind, and ours fit all.
    const args = all as typeof all & { ack?: (r?: { response_type: 'ephemeral'; text: string }) => Promise<void> };
    const teams = teamsOf(args.body as Body, deps.directory);
    const refused = teams.find((t) => !deps.gate.allows(t, { kind: (args.body as { type?: string; command?: string }).type ?? 'command' }));
    if (refused === undefined) return args.next();
    // Events were acknowledged by bolt already; commands, actions and views need their ack.
    if (args.ack) await args.ack();
  });
}
