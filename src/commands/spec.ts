/**
 * What one command is: a declarative spec the registry reads to parse, check permissions,
 * validate, dispatch and generate help. Handlers never check permissions themselves and never
 * decide that restricted content may go to the channel (see ./visibility.ts).
 */
import type { Logger } from '../log.ts';
import type { Accounts, AccountLink } from '../accounts/types.ts';
import type { OuroClient } from '../ouro/index.ts';
import type { ChannelKey, ChannelLink, Store } from '../store/types.ts';
import type { FollowKey } from '../comments/types.ts';
import type { FlagKind } from './parse.ts';
import type { RichReply, Visibility } from '../chat/reply.ts';
import type { CommandInput } from './types.ts';
import type { Scope } from './scope.ts';
import type { AssetScope } from './visibility.ts';

/** The parts of the Ouro client commands and quest notifications use (the real client fits). */
export type CommandOuro = Pick<
  OuroClient,
  'assets' | 'datasets' | 'quests' | 'organizations' | 'teams' | 'users' | 'conversations' | 'posts' | 'services' | 'files' | 'comments'
> &
  Partial<Pick<OuroClient, 'messages' | 'auth'>>;

export interface QuestPoller {
  /** Polls one quest now (after a new watch), delivering what changed. */
  pollNow(questId: string): Promise<void>;
  /** Records the quest's current entries as told to `channel`, so a new watch does not replay history. */
  baseline?(questId: string, channel: ChannelKey): Promise<void>;
}

/** The comment notifier, as `follow` uses it (src/comments/notifier.ts). */
export interface CommentPoller {
  /** Polls one asset now (after a new follow): its card appears. */
  pollNow(assetId: string): Promise<void>;
  /** Records the asset's current comments as known to the channel, so a new follow does not replay them. */
  baseline(key: FollowKey): Promise<number>;
}

export interface CommandDeps {
  ouro: CommandOuro;
  store: Store;
  bridgeAdmins: readonly string[];
  /** OURO_ALLOWED_ORGS: org ids or names `link` may use; empty = every org. */
  allowedOrgs: readonly string[];
  /** Where asset links point; default https://ouro.foundation. */
  webBaseUrl: string;
  notifier?: QuestPoller;
  comments?: CommentPoller;
  logger: Logger;
  /** Linked Ouro accounts; absent or disabled: every command acts as the bot. */
  accounts?: Accounts;
}

export interface ArgSpec {
  name: string;
  required: boolean;
  /**
   * Last argument only. `words`: every remaining word, quotes removed, joined by spaces.
   * `raw`: the remaining text exactly as typed (SQL keeps its quotes); a command with a `raw`
   * argument takes no --options, so `--` inside SQL stays SQL.
   */
  rest?: 'words' | 'raw';
  /** Accepted values (case-insensitive); anything else gets the list. */
  choices?: readonly string[];
}

export interface CommandContext {
  input: CommandInput;
  /** Positional arguments by spec name (absent when optional and not given). */
  args: Record<string, string | undefined>;
  /** Flag name → values given (a boolean flag holds `['true']`). */
  flags: Map<string, string[]>;
  /** The channel's link to an Ouro org/team, if any. */
  link: ChannelLink | undefined;
  isAdmin: boolean;
  /** What the command may use and answer about (./scope.ts); every asset a command takes in passes it. */
  scope: Scope;
  deps: CommandDeps;
  log: Logger;
  /**
   * The Ouro client to act with: the invoker's own when they linked their account (Ouro
   * decides what they may see and do), else the bot's (`deps.ouro`). Handlers that act for
   * the person use this; what only the bridge controls (link, mirror, watch) uses `deps.ouro`.
   */
  ouro: CommandOuro;
  actingAs: 'person' | 'bot';
  /** The invoker's account link, if any (also when broken). */
  account?: AccountLink;
}

export interface HandlerResult {
  reply: RichReply;
  /** Default public. The registry narrows it to `invoker` when `shows` holds a restricted asset. */
  visibility?: Visibility;
  /** Every asset whose content or name the reply shows: the registry checks each against the channel's link. */
  shows?: AssetScope[];
}

export interface CommandSpec {
  /** One word, or `group sub` (`quest create`). */
  name: string;
  /** The grammar line of DESIGN.md, e.g. `query <dataset> [SQL]`. */
  usage: string;
  summary: string;
  /** A paragraph or two of Markdown. */
  help: string;
  example: string;
  args: readonly ArgSpec[];
  flags?: Readonly<Record<string, FlagKind>>;
  /** Changes Ouro or the channel: only bridge admins may run it. */
  admin: boolean;
  /**
   * With `admin`: a person acting with their own linked account may run it too, and Ouro
   * decides (quest create/review/close). The admin rule then guards only the bot's account.
   */
  ouroDecidesForLinked?: boolean;
  /** Runs whatever the state of the invoker's link (login, logout, whoami, help). */
  ignoresBrokenLink?: boolean;
  handler(ctx: CommandContext): Promise<HandlerResult>;
}

/** A failure the user caused or can fix; its message is shown as is. */
export class UserError extends Error {
  override readonly name = 'UserError';
}
