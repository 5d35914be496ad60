/**
 * The one pipeline every `/ouro <text>` goes through: find the spec (closest match for a
 * typo), check permissions (the only place that does), validate arguments (usage on a
 * mistake), dispatch, turn any failure into words, and keep restricted assets out of the
 * channel. Specs named `group sub` (`quest create`) are reached by two words.
 */
import type { ChannelLink } from '../store/types.ts';
import { isKeyRejected } from '../accounts/types.ts';
import { PASTED_KEY_NOTICE, looksLikeOuroKey } from '../accounts/key-shape.ts';
import { actingFor, brokenLinkText, commandForLog, keyStoppedWorking, type Acting } from './acting.ts';
import { describeError } from './describe-error.ts';
import { parseArgs, restFrom, tokenize, type Token } from './parse.ts';
import { textReply, type RichReply, type Visibility } from '../chat/reply.ts';
import { UserError, type CommandDeps, type CommandSpec, type HandlerResult } from './spec.ts';
import { closest } from './suggest.ts';
import type { CommandInput, CommandResult, CommandUser } from './types.ts';
import { channelScope, OURO_DECIDES } from './scope.ts';
import { restricted } from './visibility.ts';

export interface Registry {
  readonly specs: readonly CommandSpec[];
  /** Top-level words: command names and group names, in spec order. */
  readonly words: readonly string[];
  get(name: string): CommandSpec | undefined;
  /** The specs of a group (`quest`), empty for a plain command. */
  group(word: string): CommandSpec[];
}

export function createRegistry(specs: readonly CommandSpec[]): Registry {
  const byName = new Map(specs.map((s) => [s.name, s] as const));
  const words = [...new Set(specs.map((s) => s.name.split(' ')[0]!))];
  return {
    specs,
    words,
    get: (name) => byName.get(name.toLowerCase()),
    group: (word) => specs.filter((s) => s.name.startsWith(`${word.toLowerCase()} `)),
  };
}

export function isBridgeAdmin(user: CommandUser, bridgeAdmins: readonly string[]): boolean {
  return user.isPlatformAdmin || bridgeAdmins.includes(user.id);
}

/** Who may run admin commands, in the words of the invoker's platform. */
export function whoMayAdmin(platform: string): string {
  const byPlatform: Record<string, string> = {
    slack: 'Slack workspace admins and owners',
    discord: 'Discord members with the Manage Server permission',
    console: 'the console operator',
  };
  return `${byPlatform[platform] ?? 'platform admins'}, and the people listed in BRIDGE_ADMINS`;
}

/**
 * The slash command a spec is typed under. Discord sets default permissions per top-level
 * command only, so its adapter registers the admin commands under `/ouro-admin`
 * (src/adapters/discord/commands.ts); help must name the command people can find there.
 */
export function slashCommand(spec: Pick<CommandSpec, 'admin'>, platform?: string): string {
  return spec.admin && platform === 'discord' ? '/ouro-admin' : '/ouro';
}

export const usageLine = (spec: CommandSpec) => `Usage: \`/ouro ${spec.usage}\``;

export interface Located {
  spec: CommandSpec;
  /** Tokens that named the command (1 or 2). */
  nameTokens: number;
}

/** Finds the spec named by the first word(s); UserError with a suggestion otherwise. */
export function locate(registry: Registry, text: string): Located {
  const head = tokenize(text, 2);
  const first = head[0]?.value.toLowerCase() ?? 'help';
  const members = registry.group(first);
  if (members.length) {
    const subs = members.map((s) => s.name.split(' ')[1]!);
    const second = head[1]?.value.toLowerCase();
    if (!second) {
      throw new UserError(`\`${first}\` needs one of: ${subs.join(', ')}.\n${members.map((s) => `• \`/ouro ${s.usage}\``).join('\n')}`);
    }
    const spec = registry.get(`${first} ${second}`);
    if (spec) return { spec, nameTokens: 2 };
    const near = closest(second, subs);
    throw new UserError(`Unknown command \`${first} ${second}\`.${near ? ` Did you mean \`${first} ${near}\`?` : ''} Try \`/ouro help ${first}\`.`);
  }
  const spec = registry.get(first);
  if (spec) return { spec, nameTokens: 1 };
  const near = closest(first, registry.words);
  throw new UserError(`Unknown command \`${first}\`.${near ? ` Did you mean \`${near}\`?` : ''} Try \`/ouro help\`.`);
}

/** Positional arguments and flags for a spec, validated; UserError with usage on a mistake. */
export function bindArgs(spec: CommandSpec, text: string, nameTokens: number): Pick<ParsedCall, 'args' | 'flags'> {
  const rawIndex = spec.args.findIndex((a) => a.rest === 'raw');
  let positionals: Token[];
  let flags = new Map<string, string[]>();
  let raw: string | undefined;
  if (rawIndex >= 0) {
    // Tokenize only up to the raw argument: what follows is free text (SQL) and keeps its quotes.
    const tokens = tokenize(text, nameTokens + rawIndex + 1).slice(nameTokens);
    positionals = tokens.slice(0, rawIndex);
    const start = tokens[rawIndex];
    if (start) raw = restFrom(text, start);
  } else {
    const parsed = parseArgs(tokenize(text).slice(nameTokens), spec.flags ?? {});
    positionals = parsed.positionals;
    flags = parsed.flags;
  }
  const args: Record<string, string | undefined> = {};
  let i = 0;
  for (const a of spec.args) {
    let value: string | undefined;
    if (a.rest === 'raw') value = raw;
    else if (a.rest === 'words')
      value =
        positionals.length > i
          ? positionals
              .slice(i)
              .map((t) => t.value)
              .join(' ')
          : undefined;
    else value = positionals[i]?.value;
    i = a.rest ? positionals.length : i + 1;
    if (value !== undefined && value.trim() === '') value = undefined;
    if (value === undefined) {
      if (a.required) throw new UserError(`Missing <${a.name}>. ${usageLine(spec)}`);
      continue;
    }
    if (a.choices) {
      const match = a.choices.find((c) => c.toLowerCase() === value!.toLowerCase());
      if (!match) throw new UserError(`<${a.name}> must be one of ${a.choices.join(', ')} — not “${value}”. ${usageLine(spec)}`);
      value = match;
    }
    args[a.name] = value;
  }
  if (i < positionals.length) {
    const extra = positionals
      .slice(i)
      .map((t) => t.value)
      .join(' ');
    throw new UserError(`Too many arguments: “${extra}”. ${usageLine(spec)} (quote a name that has spaces)`);
  }
  return { args, flags };
}

interface ParsedCall {
  spec: CommandSpec;
  args: Record<string, string | undefined>;
  flags: Map<string, string[]>;
}

export async function dispatch(registry: Registry, deps: CommandDeps, input: CommandInput): Promise<CommandResult> {
  const log = deps.logger.child({ command: commandForLog(input.text), user: input.user.id });
  let spec: CommandSpec | undefined;
  let acting: Acting | undefined;
  try {
    const text = input.text.trim() === '' ? 'help' : input.text;
    // A key typed into any other command (or as one) is neither used nor echoed back.
    if (!/^\s*login\b/i.test(text) && looksLikeOuroKey(text)) return invoker(textReply(PASTED_KEY_NOTICE));
    const found = locate(registry, text);
    spec = found.spec;
    acting = await actingFor(deps, input.user, input.channel);
    if (acting.account?.brokenAt && !spec.ignoresBrokenLink) return invoker(textReply(brokenLinkText(acting.account)));
    const isAdmin = isBridgeAdmin(input.user, deps.bridgeAdmins);
    const ouroDecides = spec.ouroDecidesForLinked === true && acting.actingAs === 'person';
    if (spec.admin && !isAdmin && !ouroDecides) {
      return invoker(
        textReply(
          `Only bridge admins may run \`${spec.name}\`: ${whoMayAdmin(input.channel.platform)}.${spec.ouroDecidesForLinked && deps.accounts?.enabled ? ' Or link your own Ouro account with `/ouro login`, and Ouro decides.' : ''}`,
        ),
      );
    }
    const { args, flags } = bindArgs(spec, text, found.nameTokens);
    const link = await deps.store.getChannelLink(input.channel);
    const scope = acting.actingAs === 'person' ? OURO_DECIDES : channelScope(link, deps.allowedOrgs);
    const result = await spec.handler({ input, args, flags, link, isAdmin, scope, deps, log, ...acting });
    // Handlers admit what they take in; this catches one that showed something it did not.
    const outside = (result.shows ?? []).filter((a) => !scope.allows(a));
    if (outside.length) {
      log.error({ assets: outside.map((a) => a.id) }, 'command answer held an asset outside the channel scope; withheld');
      return invoker(textReply('That answer would show something outside this channel’s org/team, so it was withheld.'));
    }
    return finish(result, link);
  } catch (err) {
    if (acting?.actingAs === 'person' && acting.account && isKeyRejected(err)) {
      return invoker(textReply(await keyStoppedWorking(deps, input.user, input.channel, acting.account)));
    }
    const d = describeError(err, { isQuery: spec?.name === 'query' || spec?.name === 'chart', actingAs: acting?.actingAs });
    if (d.unexpected) log.error({ err }, 'command failed');
    return invoker(textReply(d.text));
  }
}

/** A 401 on the person's own client: their key no longer works (the client had already re-exchanged it). */

const invoker = (reply: RichReply): CommandResult => ({ reply, visibility: 'invoker' });

/** Applies the channel rule: any restricted asset in the answer makes it the invoker's alone. */
export function finish(result: HandlerResult, link: ChannelLink | undefined): CommandResult {
  const hidden = restricted(result.shows ?? [], link);
  let visibility: Visibility = result.visibility ?? 'public';
  let reply = result.reply;
  if (hidden.length && visibility === 'public') {
    visibility = 'invoker';
    const names = hidden.map((a) => `“${a.name ?? a.id ?? 'an asset'}”`).join(', ');
    const why = `Only you can see this: ${names} is neither public nor in ${link?.orgId ? 'the org/team this channel is linked to' : 'a linked org (this channel is not linked; see `/ouro link`)'}.`;
    reply = { ...reply, blocks: [...reply.blocks, { type: 'context', markdown: why }] };
  }
  return { reply, visibility };
}
