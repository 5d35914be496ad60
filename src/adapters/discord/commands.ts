/**
 * The Discord face of the command grammar (DESIGN.md): application command definitions,
 * and the way back from a chat-input interaction's options to the common `/ouro <text>`
 * grammar the core parses. One spec table drives both, so they cannot drift. Pure.
 *
 * Two top-level commands, because Discord sets `default_member_permissions` per top-level
 * command, not per subcommand:
 * - `/ouro`        everything anyone may run (query, search, quest list/show/submit, watch…);
 * - `/ouro-admin`  what changes the channel's link or Ouro state an admin owns (link, unlink,
 *                  mirror threads|channel|off|attach, quest create|review|close), shown by default
 *                  only to members with Manage Server. Server admins can re-grant it to roles
 *                  under Server Settings → Integrations; the core checks again on every run, so
 *                  a re-grant never bypasses BRIDGE_ADMINS / Manage Server.
 * Both rebuild the same text (`/ouro-admin quest close q1` → `quest close q1`).
 */

export const COMMAND_NAMES = { user: 'ouro', admin: 'ouro-admin' } as const;
/** Manage Server as a decimal bitfield: what `default_member_permissions` expects. */
const MANAGE_GUILD = String(1 << 5);

// discord-api-types ApplicationCommandOptionType numbers.
const T = { sub: 1, group: 2, string: 3, integer: 4, boolean: 5 } as const;

/**
 * How an option becomes text: `word` a positional (quoted when it holds spaces), `rest` the
 * free text that ends the line (SQL, a note: never quoted, so it may hold quotes itself),
 * `flag` `--name value`, `bool` `--name`, `items` a `;`-separated list → `--item "…"` each.
 */
export type Render = 'word' | 'rest' | 'flag' | 'bool' | 'items';
type Complete = 'dataset' | 'quest' | 'route';

export interface Opt {
  name: string;
  description: string;
  render: Render;
  required?: boolean;
  type?: 'string' | 'integer' | 'boolean';
  choices?: string[];
  autocomplete?: Complete;
  /** Flag name in the grammar when it differs from the option name. */
  flag?: string;
  max?: number;
}

export interface Sub {
  /** Path in the grammar: `['query']`, `['quest', 'create']`. */
  path: [string] | [string, string];
  description: string;
  options?: Opt[];
}

const quest = (description = 'Quest id or name'): Opt => ({ name: 'quest', description, render: 'word', required: true, autocomplete: 'quest' });

const USER: Sub[] = [
  { path: ['help'], description: 'How to use the Ouro bridge', options: [{ name: 'command', description: 'A command to explain', render: 'word' }] },
  {
    path: ['query'],
    description: 'Run read-only SQL on an Ouro dataset (no SQL: columns and first rows)',
    options: [
      { name: 'dataset', description: 'Dataset id or name', render: 'word', required: true, autocomplete: 'dataset' },
      { name: 'sql', description: 'SELECT … ; {{table}} names the dataset table', render: 'rest', max: 4000 },
    ],
  },
  {
    path: ['chart'],
    description: 'Draw a chart of an Ouro dataset or of read-only SQL on it',
    options: [
      { name: 'dataset', description: 'Dataset id or name', render: 'word', required: true, autocomplete: 'dataset' },
      { name: 'sql', description: 'SELECT … ; {{table}} names the dataset table (default: all rows)', render: 'rest', max: 4000 },
      { name: 'type', description: 'Chart type (default: chosen from the columns)', render: 'flag', choices: ['bar', 'line', 'scatter', 'area', 'histogram'] },
      { name: 'x', description: 'Column on the x axis', render: 'flag' },
      { name: 'y', description: 'Column(s) on the y axis, comma-separated', render: 'flag' },
      { name: 'color', description: 'Column that colours the marks', render: 'flag' },
      { name: 'title', description: 'Chart title', render: 'flag', max: 200 },
    ],
  },
  { path: ['login'], description: 'Link your Ouro account (opens a private form for an API key)' },
  { path: ['whoami'], description: 'Which Ouro account the bridge acts as for you' },
  { path: ['logout'], description: 'Unlink your Ouro account' },
  { path: ['datasets'], description: 'List datasets this channel can see', options: [{ name: 'terms', description: 'Filter words', render: 'rest' }] },
  {
    path: ['search'],
    description: 'Search Ouro',
    options: [
      { name: 'terms', description: 'What to look for', render: 'rest', required: true },
      { name: 'type', description: 'Only this asset type', render: 'flag', choices: ['dataset', 'post', 'file', 'quest', 'conversation', 'service'] },
    ],
  },
  {
    path: ['routes'],
    description: 'List the service routes you can run here',
    options: [{ name: 'terms', description: 'A service or words to look for', render: 'rest' }],
  },
  {
    path: ['route'],
    description: 'Run a service route on Ouro',
    options: [
      { name: 'route', description: 'entity/route-slug or id (see /ouro routes)', render: 'word', required: true, autocomplete: 'route' },
      { name: 'input', description: 'Id of the asset to run it on, or "the file above" (the newest file shared in this thread)', render: 'flag' },
      { name: 'params', description: 'name=value words, e.g. temperature=300', render: 'rest' },
    ],
  },
  {
    path: ['quest', 'list'],
    description: 'List quests',
    options: [{ name: 'status', description: 'Which quests', render: 'word', choices: ['open', 'closed', 'all'] }],
  },
  { path: ['quest', 'show'], description: 'Show a quest and its items', options: [quest()] },
  {
    path: ['quest', 'submit'],
    description: 'Submit an asset as an entry for a quest item',
    options: [
      quest(),
      { name: 'item', description: 'Item number', render: 'word', required: true, type: 'integer' },
      { name: 'asset', description: 'Ouro asset id', render: 'word', required: true },
      { name: 'note', description: 'A note for reviewers', render: 'rest' },
    ],
  },
  {
    path: ['watch'],
    description: 'Post quest entry updates in this channel',
    options: [
      quest(),
      {
        name: 'statuses',
        description: 'Which updates (default: accepted)',
        render: 'word',
        choices: ['accepted', 'submitted', 'rejected', 'submitted,accepted,rejected', 'accepted,rejected'],
      },
    ],
  },
  { path: ['unwatch'], description: 'Stop posting a quest here', options: [quest()] },
  { path: ['watches'], description: 'Quests watched and comments followed in this channel' },
  {
    path: ['follow'],
    description: 'Post new comments on an Ouro asset in this channel',
    options: [{ name: 'asset', description: 'Dataset, post, file or quest: id, link or name', render: 'rest', required: true }],
  },
  {
    path: ['unfollow'],
    description: 'Stop posting an asset’s comments here',
    options: [{ name: 'asset', description: 'Dataset, post, file or quest: id, link or name', render: 'rest', required: true }],
  },
  { path: ['mirror', 'status'], description: 'How this channel is mirrored to Ouro' },
  {
    path: ['post'],
    description: 'Save this thread as an Ouro post',
    options: [{ name: 'title', description: 'Title (default: the first line)', render: 'rest' }],
  },
];

const ADMIN: Sub[] = [
  {
    path: ['link'],
    description: 'Link this channel to an Ouro organization (and team)',
    options: [
      { name: 'org', description: 'Organization id or name', render: 'word', required: true },
      { name: 'team', description: 'Team id or name', render: 'word' },
    ],
  },
  { path: ['unlink'], description: 'Unlink this channel from Ouro' },
  { path: ['mirror', 'threads'], description: 'Mirror each thread to its own Ouro conversation' },
  { path: ['mirror', 'channel'], description: 'Mirror the whole channel to one Ouro conversation' },
  { path: ['mirror', 'off'], description: 'Stop mirroring this channel' },
  {
    path: ['mirror', 'attach'],
    description: 'Mirror this thread into an existing Ouro conversation',
    options: [{ name: 'conversation', description: 'Ouro conversation id', render: 'word', required: true }],
  },
  {
    path: ['quest', 'create'],
    description: 'Create a quest',
    options: [
      { name: 'name', description: 'Quest name', render: 'word', required: true },
      { name: 'items', description: 'Items, separated by ;', render: 'items', flag: 'item' },
      { name: 'continuous', description: 'Stays open for new entries', render: 'bool', type: 'boolean' },
    ],
  },
  {
    path: ['quest', 'review'],
    description: 'Accept or reject an entry',
    options: [
      quest(),
      { name: 'entry', description: 'Entry id', render: 'word', required: true },
      { name: 'decision', description: 'accept or reject', render: 'word', required: true, choices: ['accept', 'reject'] },
      { name: 'comment', description: 'Why', render: 'rest' },
    ],
  },
  { path: ['quest', 'close'], description: 'Close a quest', options: [quest()] },
];

const GROUP_DESCRIPTIONS: Record<string, string> = { quest: 'Quests, items and entries', mirror: 'Thread mirroring' };

const SPECS: Record<string, Sub[]> = { [COMMAND_NAMES.user]: USER, [COMMAND_NAMES.admin]: ADMIN };

/** The spec table of a top-level command (read-only; for tests that play a person typing). */
export function subcommandSpecs(commandName: string): readonly Sub[] {
  return SPECS[commandName] ?? [];
}

function optionJson(o: Opt): Record<string, unknown> {
  return {
    type: T[o.type ?? 'string'],
    name: o.name,
    description: o.description,
    required: o.required ?? false,
    ...(o.choices ? { choices: o.choices.map((c) => ({ name: c, value: c })) } : {}),
    ...(o.autocomplete ? { autocomplete: true } : {}),
    ...(o.type === 'integer' ? { min_value: 1 } : {}),
    ...(o.max ? { max_length: o.max } : {}),
  };
}

function subJson(s: Sub): Record<string, unknown> {
  // Discord wants required options before optional ones.
  const options = [...(s.options ?? [])].sort((a, b) => Number(b.required ?? false) - Number(a.required ?? false));
  return { type: T.sub, name: s.path[s.path.length - 1], description: s.description, options: options.map(optionJson) };
}

function commandJson(name: string, subs: Sub[], admin: boolean): Record<string, unknown> {
  const options: Record<string, unknown>[] = [];
  const groups = new Map<string, Record<string, unknown>[]>();
  for (const s of subs) {
    if (s.path.length === 1) options.push(subJson(s));
    else {
      let g = groups.get(s.path[0]);
      if (!g) {
        g = [];
        groups.set(s.path[0], g);
        options.push({ type: T.group, name: s.path[0], description: GROUP_DESCRIPTIONS[s.path[0]] ?? s.path[0], options: g });
      }
      g.push(subJson(s));
    }
  }
  return {
    name,
    type: 1, // CHAT_INPUT
    description: admin ? 'Ouro bridge settings and quest management (Manage Server)' : 'Ouro: datasets, quests, search and mirroring',
    options,
    contexts: [0], // guild only: the bridge maps guild channels
    ...(admin ? { default_member_permissions: MANAGE_GUILD } : {}),
  };
}

/** The body for `PUT /applications/:id[/guilds/:id]/commands`. */
export function commandDefinitions(): Record<string, unknown>[] {
  return [commandJson(COMMAND_NAMES.user, USER, false), commandJson(COMMAND_NAMES.admin, ADMIN, true)];
}

/** The interaction's option tree, as Discord sends it (`data.options`). */
export interface InteractionOption {
  name: string;
  type: number;
  value?: string | number | boolean;
  options?: InteractionOption[];
  focused?: boolean;
}

export class CommandShapeError extends Error {
  override readonly name = 'CommandShapeError';
}

/** Finds the spec and the leaf options for an interaction. */
export function resolveCommand(commandName: string, options: InteractionOption[] = []): { sub: Sub; values: InteractionOption[] } {
  const subs = SPECS[commandName];
  if (!subs) throw new CommandShapeError(`unknown command /${commandName}`);
  const first = options[0];
  if (!first || (first.type !== T.sub && first.type !== T.group)) throw new CommandShapeError(`/${commandName} needs a subcommand`);
  const path = first.type === T.group ? [first.name, first.options?.[0]?.name ?? ''] : [first.name];
  const leaf = first.type === T.group ? first.options?.[0] : first;
  const sub = subs.find((s) => s.path.join(' ') === path.join(' '));
  if (!sub || !leaf) throw new CommandShapeError(`unknown subcommand /${commandName} ${path.join(' ')}`);
  return { sub, values: leaf.options ?? [] };
}

/** The closing-quote rule of the grammar: a quote followed by a space (or the end) closes. */
export function quoteWord(v: string): string {
  if (v !== '' && !/\s/.test(v) && !/^["'“”‘’„]/.test(v)) return v;
  if (!/["“”„](\s|$)/.test(v)) return `"${v}"`;
  return `'${v}'`;
}

/** `/ouro quest submit quest:Q item:2 asset:A note:looks good` → `quest submit Q 2 A looks good`. */
export function commandText(commandName: string, options: InteractionOption[] = []): string {
  const { sub, values } = resolveCommand(commandName, options);
  const byName = new Map(values.map((o) => [o.name, o.value]));
  const words: string[] = [...sub.path];
  const flags: string[] = [];
  let rest = '';
  for (const o of sub.options ?? []) {
    const v = byName.get(o.name);
    if (v === undefined || v === '') continue;
    const s = String(v).trim();
    if (o.render === 'word') words.push(quoteWord(s));
    else if (o.render === 'rest') rest = s;
    else if (o.render === 'flag') flags.push(`--${o.flag ?? o.name}`, quoteWord(s));
    else if (o.render === 'bool') {
      if (v === true) flags.push(`--${o.flag ?? o.name}`);
    } else
      for (const item of s
        .split(';')
        .map((x) => x.trim())
        .filter(Boolean))
        flags.push(`--${o.flag ?? o.name}`, quoteWord(item));
  }
  return [...words, ...(rest ? [rest] : []), ...flags].join(' ');
}

/** Which lookup an autocompleted option wants, or undefined for an option without autocomplete. */
export function autocompleteKind(commandName: string, options: InteractionOption[] = []): { kind: Complete; query: string } | undefined {
  const { sub, values } = resolveCommand(commandName, options);
  const focused = values.find((o) => o.focused);
  const spec = sub.options?.find((o) => o.name === focused?.name);
  return spec?.autocomplete && focused ? { kind: spec.autocomplete, query: String(focused.value ?? '') } : undefined;
}

/**
 * Whether to defer a command ephemerally, before the core has decided. The command layer
 * answers in the channel unless it refuses or the answer shows a restricted asset; what we
 * can foresee is the refusal of an admin command run by a non-admin. A wrong guess costs a
 * follow-up of the right visibility (see replies.ts).
 */
export function defersPrivately(commandName: string, options: InteractionOption[], isAdmin: boolean): boolean {
  const { sub } = resolveCommand(commandName, options);
  const personal = ['login', 'whoami', 'logout'].includes(sub.path.join(' '));
  return personal || (commandName === COMMAND_NAMES.admin && !isAdmin);
}
