import { randomBytes } from 'node:crypto';

/**
 * The sandbox's whole world as one JSON-serialisable object. Records keep Ouro's field
 * names (snake_case) so presenting them is mostly a copy. Dataset rows live here too: the
 * SQL engine (sql.ts) is a materialised copy built from this state on first use, which is
 * what makes `--file` persistence a single JSON write.
 */

/** Ouro's global org and team share this id; assets created without org/team land there. */
export const GLOBAL_ID = '00000000-0000-0000-0000-000000000000';

export type Doc = { type: 'doc'; content: unknown[] };
export interface RichText {
  json: Doc;
  text: string;
}
export type Visibility = 'public' | 'private' | 'organization' | 'monetized';
export type Row = Record<string, unknown>;

export interface UserRec {
  id: string;
  username: string;
  name: string | null;
  email: string;
  actor_type: 'base' | 'agent';
  bio: string | null;
  created_at: string;
}

export interface ApiKeyRec {
  key: string;
  user_id: string;
  name: string;
}

export interface MemberRec {
  user_id: string;
  role: 'admin' | 'write' | 'read';
  /** When the member joined; the seed leaves it out, and the team's creation time stands in. */
  added_at?: string;
}

export interface OrgRec {
  id: string;
  name: string;
  display_name: string | null;
  mission: string | null;
  members: MemberRec[];
  created_at: string;
}

export interface TeamRec {
  id: string;
  org_id: string;
  name: string;
  description: RichText | null;
  visibility: 'public' | 'private';
  source_policy: 'any' | 'web_only' | 'api_only';
  members: MemberRec[];
  created_at: string;
}

export interface AssetBase {
  id: string;
  user_id: string;
  org_id: string;
  team_id: string;
  name: string | null;
  description: RichText | null;
  visibility: Visibility;
  source: 'web' | 'api';
  license_id: string | null;
  attribution: Record<string, unknown>;
  created_at: string;
  last_updated: string;
}

export interface ConversationRec extends AssetBase {
  asset_type: 'conversation';
  summary: string | null;
  metadata: { members: string[] } & Record<string, unknown>;
}

export interface MessageRec {
  id: string;
  conversation_id: string;
  turn_id: string;
  seq: number;
  user_id: string;
  type: string;
  json: unknown;
  text: string;
  viewers: string[];
  metadata: Record<string, unknown> | null;
  created_at: string;
  last_updated: string;
}

export interface ColumnRec {
  /** lowercase snake_case, as Ouro stores it */
  name: string;
  /** PostgreSQL type as information_schema names it, e.g. `timestamp with time zone` */
  type: string;
  enum_values: string[] | null;
}

export interface DatasetRec extends AssetBase {
  asset_type: 'dataset';
  table_name: string;
  columns: ColumnRec[];
}

export interface PostRec extends AssetBase {
  asset_type: 'post';
  content: RichText;
}

/** A file asset (ouro-api.md §4.7); its bytes live in `App.blobs` under `metadata.id`. */
export interface FileRec extends AssetBase {
  asset_type: 'file';
  metadata: Record<string, unknown> & {
    id: string;
    name: string;
    bucket: 'public-files' | 'files';
    path: string;
    type: string;
    extension: string;
    size: number;
  };
  preview: unknown;
}

export interface QuestRec extends AssetBase {
  asset_type: 'quest';
  quest: {
    type: 'closable' | 'continuous';
    status: 'draft' | 'open' | 'closed' | 'cancelled';
    max_xp_per_contributor: number | null;
    closed_at: string | null;
  };
}

export interface ItemRec {
  id: string;
  quest_id: string;
  description: RichText;
  status: 'pending' | 'in_progress' | 'done' | 'skipped';
  sort_order: number;
  type: string;
  created_by: string;
  assignee_id: string | null;
  expected_asset_type: string | null;
  reward_xp: number;
  reward_currency: 'btc' | 'usd';
  reward_amount: number;
  completed_entry_id: string | null;
  notes: string | null;
  waiting_on: string | null;
  waiting_until: string | null;
  waiting_check_every: string | null;
  created_at: string;
  updated_at: string;
}

export interface EntryRec {
  id: string;
  quest_id: string;
  item_id: string;
  user_id: string;
  assets: Record<string, { asset_id: string; asset_type: string }> | null;
  description: RichText | null;
  review: RichText | null;
  status: 'submitted' | 'accepted' | 'rejected';
  reviewer_id: string | null;
  reviewed_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeliveryRec {
  delivery_id: string;
  event: string;
  url: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  /** HTTP status or transport error of each attempt, in order */
  results: (number | string)[];
  body: Record<string, unknown>;
}

/** A service's route (§4.8); `behaviour` is the sandbox's stand-in for the upstream API. */
export type RouteBehaviour = 'relax' | 'slow' | 'premium' | 'broken';

export interface ServiceRec extends AssetBase {
  asset_type: 'service';
  metadata: { base_url: string; authentication: string; version: string | null };
}

export interface RouteRec extends AssetBase {
  asset_type: 'route';
  parent_id: string;
  route: Record<string, unknown> & { path: string; method: string; execution_mode: 'sync' | 'async' };
  metrics: Record<string, number> | null;
  /** What `GET …/cost` answers; null = the route states no cost. */
  cost: { amount: number; currency: 'usd' | 'btc'; unit: string } | null;
  behaviour: RouteBehaviour;
}

export type ActionStatus = 'queued' | 'in-progress' | 'timed-out' | 'success' | 'error';

export interface ActionRec {
  id: string;
  route_id: string;
  user_id: string;
  status: ActionStatus;
  input_asset_id: string | null;
  output_asset_id: string | null;
  response: unknown;
  input_assets: Record<string, unknown>[];
  output_assets: Record<string, unknown>[];
  /** Async runs: when the work is done (ms since epoch); status is derived from the clock until then. */
  finishes_at: number | null;
  logs: { level: 'info' | 'warning' | 'error'; message: string; created_at: string }[];
  created_at: string;
  finished_at: string | null;
  last_updated: string;
}

/** A comment (§4.6): on an asset (`parent_id` = the asset) or a reply (`parent_id` = the top-level comment). */
export interface CommentRec extends AssetBase {
  asset_type: 'comment';
  parent_id: string;
  /** The commented asset, for visibility (comments inherit it) and webhooks. */
  root_id: string;
  content: RichText;
  metadata: { reply_to_comment_id?: string };
}

export interface SandboxState {
  /** HMAC key for access tokens; persisted so tokens survive a restart with `--file`. */
  secret: string;
  /** The user the sandbox's API key belongs to: the bridge's Ouro account. */
  botId: string;
  users: UserRec[];
  apiKeys: ApiKeyRec[];
  orgs: OrgRec[];
  teams: TeamRec[];
  conversations: ConversationRec[];
  messages: MessageRec[];
  datasets: DatasetRec[];
  datasetRows: Record<string, Row[]>;
  posts: PostRec[];
  /** Absent in state files written before file assets existed. */
  files?: FileRec[];
  quests: QuestRec[];
  questItems: ItemRec[];
  entries: EntryRec[];
  deliveries: DeliveryRec[];
  services: ServiceRec[];
  routes: RouteRec[];
  actions: ActionRec[];
  comments: CommentRec[];
}

export type AnyAsset = ConversationRec | DatasetRec | PostRec | QuestRec | FileRec;

export function emptyState(createdAt: string, botId: string): SandboxState {
  return {
    secret: randomBytes(32).toString('hex'),
    botId,
    users: [],
    apiKeys: [],
    orgs: [{ id: GLOBAL_ID, name: 'all', display_name: 'Everyone', mission: null, members: [], created_at: createdAt }],
    teams: [],
    conversations: [],
    messages: [],
    datasets: [],
    datasetRows: {},
    posts: [],
    files: [],
    quests: [],
    questItems: [],
    entries: [],
    deliveries: [],
    services: [],
    routes: [],
    actions: [],
    comments: [],
  };
}

export function allAssets(s: SandboxState): AnyAsset[] {
  return [...s.datasets, ...s.posts, ...(s.files ?? []), ...s.quests, ...s.conversations];
}

export function findAsset(s: SandboxState, id: string): AnyAsset | undefined {
  return allAssets(s).find((a) => a.id === id);
}

/** A UUIDv7: 48-bit millisecond time, version 7, RFC 4122 variant, random rest. */
export function uuidv7(ms = Date.now()): string {
  const b = randomBytes(16);
  b.writeUIntBE(ms, 0, 6);
  b[6] = (b[6]! & 0x0f) | 0x70;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A strictly increasing clock in microseconds, so message cursors (`before`) never tie.
 * Real microseconds (Ouro stamps them, and the mirror bench measures latency from
 * `created_at`: `Date.now()` alone would floor every stamp to its millisecond). The
 * high-resolution reading follows the system clock from process start; when `Date` says
 * otherwise by more than a second (a test faking time, a clock step) `Date` wins.
 */
export class Clock {
  private last = 0;
  nowMicros(): number {
    const date = Date.now();
    const precise = performance.timeOrigin + performance.now();
    const ms = Math.abs(precise - date) < 1000 ? precise : date;
    this.last = Math.max(Math.floor(ms * 1000), this.last + 1);
    return this.last;
  }
  /** `2026-05-05T14:05:41.591123+00:00`, the form Ouro's fixtures use. */
  iso(): string {
    return formatMicros(this.nowMicros());
  }
}

export function formatMicros(us: number): string {
  const ms = Math.floor(us / 1000);
  const base = new Date(ms).toISOString().slice(0, 19);
  const frac = String(us % 1_000_000).padStart(6, '0');
  return `${base}.${frac}+00:00`;
}

/** Parses an ISO timestamp keeping up to 6 fractional digits; NaN when it is not one. */
export function parseMicros(iso: string): number {
  const m = /^(.+?T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:?\d{2})?$/.exec(iso.trim());
  if (!m) return Number.NaN;
  const ms = Date.parse(`${m[1]}${m[3] ?? 'Z'}`);
  if (Number.isNaN(ms)) return Number.NaN;
  const frac = Number((m[2] ?? '').padEnd(6, '0').slice(0, 6));
  return ms * 1000 + frac;
}
