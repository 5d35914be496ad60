/**
 * Shapes the Ouro client returns (see docs/ouro-api.md §3–4). Field names are the wire
 * names (snake_case) so the reference doc reads straight onto them; where the platform has
 * variants, the client normalises them (noted per field) so callers handle one form only.
 * Objects keep every extra field the server sends: the client is not brittle to additions.
 */

/** A TipTap/ProseMirror mark: `bold`, `italic`, `strike`, `code`, `link` (`attrs.href`). */
export interface DocMark {
  type: string;
  attrs?: Record<string, unknown>;
}

/** A TipTap/ProseMirror node (docs/ouro-api.md §5.2). Text nodes carry non-empty `text`. */
export interface DocNode {
  type: string;
  attrs?: Record<string, unknown>;
  content?: DocNode[];
  marks?: DocMark[];
  text?: string;
}

/** The root of a TipTap document. */
export interface Doc {
  type: 'doc';
  content: DocNode[];
}

/** The `{json, text}` pair of every rich field (docs/ouro-api.md §3.3). `json` is null when the server sent none. */
export interface RichText {
  json: Doc | null;
  text: string;
}

/** `GET /user`: the authenticated account. */
export interface OuroUser {
  id: string;
  email?: string;
  username?: string;
}

/** A user profile (docs/ouro-api.md §3.2). `id` and `user_id` are both set (search hits carry one or the other). */
export interface OuroProfile {
  id: string;
  user_id: string;
  username: string;
  name?: string | null;
  avatar_path?: string | null;
  bio?: string | null;
  actor_type?: string;
  is_agent?: boolean;
  [key: string]: unknown;
}

/** Fields every asset shares (docs/ouro-api.md §3.1); only `id` is guaranteed. */
export interface AssetBase {
  id: string;
  user_id?: string;
  org_id?: string;
  team_id?: string;
  asset_type?: string;
  name?: string | null;
  description?: RichText | null;
  visibility?: string;
  url?: string;
  slug?: string;
  metadata?: Record<string, unknown> | null;
  user?: { user_id?: string; username?: string; [key: string]: unknown } | null;
  created_at?: string;
  last_updated?: string;
  [key: string]: unknown;
}

/** A search hit (`GET /search/assets`). `snippet`/`match_source` only on query hits. */
export interface AssetSummary extends AssetBase {
  asset_type: string;
  snippet?: string;
  match_source?: string;
}

export interface Conversation extends AssetBase {
  name: string | null;
  summary?: string | null;
  metadata: { members: string[]; [key: string]: unknown };
  /** Copy of `metadata.members` (empty when the server sent none). */
  members: string[];
}

export interface Message {
  id: string;
  conversation_id: string;
  user_id: string;
  user?: { user_id?: string; username?: string; [key: string]: unknown } | null;
  /** `message` (default), `reasoning`, `tool_call`, …: relay only `message`. */
  type: string;
  text: string;
  /** The TipTap doc; null when absent or not a doc (reasoning/tool_call rows carry other JSON). */
  json: Doc | null;
  created_at: string;
  last_updated?: string;
  turn_id?: string;
  seq?: number;
  metadata?: Record<string, unknown> | null;
  [key: string]: unknown;
}

export interface Dataset extends AssetBase {
  metadata: { table_name?: string; schema?: string; columns?: string[]; [key: string]: unknown } | null;
  preview?: Record<string, unknown>[] | null;
}

/** `GET /datasets/{id}/schema` row; `name`/`type` aliases are filled like the SDK does. */
export interface DatasetColumn {
  column_name: string;
  data_type: string;
  name: string;
  type: string;
  semantic_type?: 'reference' | 'enum' | null;
  enum_values?: unknown[] | null;
  [key: string]: unknown;
}

export type QuestType = 'closable' | 'continuous';
export type QuestStatus = 'draft' | 'open' | 'closed' | 'cancelled';
export type QuestItemStatus = 'pending' | 'in_progress' | 'done' | 'skipped';
export type EntryStatus = 'submitted' | 'accepted' | 'rejected';

export interface QuestItem {
  id: string;
  quest_id: string;
  /** Normalised to `{json, text}` (older data and the JS schema use a plain string). */
  description: RichText;
  status: QuestItemStatus | string;
  sort_order?: number;
  type?: string;
  completed_entry_id?: string | null;
  created_at?: string;
  updated_at?: string;
  [key: string]: unknown;
}

export interface QuestProgress {
  total: number;
  /** Formerly `done`; normalised. */
  resolved: number;
  remaining: number;
  items?: { id: string; status: string; [key: string]: unknown }[];
}

export interface Quest extends AssetBase {
  /** Absent only if the server omitted it; `status`/`type` are as sent. */
  quest: { type?: QuestType | string; status?: QuestStatus | string; closed_at?: string | null; [key: string]: unknown };
  /** Detail and create responses; `[]` when the server sent none. */
  items: QuestItem[];
  progress?: QuestProgress;
}

export interface QuestEntry {
  id: string;
  quest_id: string;
  user_id: string;
  item_id: string;
  /** Keyed inputs; older servers returned `[]`, normalised to null. */
  assets: Record<string, { asset_id: string; asset_type?: string }> | null;
  description: RichText | null;
  review: RichText | null;
  status: EntryStatus | string;
  reviewer_id?: string | null;
  reviewed_at?: string | null;
  created_at?: string;
  updated_at?: string;
  [key: string]: unknown;
}

export interface Post extends AssetBase {
  content?: RichText | null;
}

/** A file asset: `metadata` names the storage object (`type` is the MIME type, `size` bytes). */
export interface OuroFile extends AssetBase {
  metadata?: ({ type?: string; size?: number; name?: string; extension?: string } & Record<string, unknown>) | null;
  preview?: unknown;
}

export interface Team {
  id: string;
  name: string;
  org_id?: string;
  slug?: string;
  visibility?: string;
  source_policy?: 'any' | 'web_only' | 'api_only' | string;
  [key: string]: unknown;
}

export interface Organization {
  id: string;
  name: string;
  display_name?: string | null;
  source_policy?: string;
  [key: string]: unknown;
}

/** One page of an offset-paginated list (docs/ouro-api.md §2.4 style 1). */
export interface Page<T> {
  items: T[];
  hasMore: boolean;
  total?: number;
  offset: number;
  limit: number;
}

/** Keys of the `filters` query param of `GET /search/assets` (docs/ouro-api.md §4.9). */
export interface AssetFilters {
  asset_type?: string | string[];
  org_id?: string;
  team_id?: string;
  user_id?: string;
  visibility?: string;
  source?: string;
  top_level_only?: boolean;
}

/** A service (§4.8): an API published on Ouro. */
export interface Service extends AssetBase {
  metadata?: { base_url?: string; authentication?: string; version?: string | null; [key: string]: unknown } | null;
}

/** One OpenAPI parameter of a route, as Ouro stores it (`in`: path, query, header). */
export interface RouteParameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: { type?: string; [key: string]: unknown };
}

/** A declared input or output asset of a route (`asset_type`: file, dataset, post). */
export interface RouteAssetSlot {
  asset_type: string;
  primary?: boolean;
  input_filter?: string | null;
  file_extensions?: string[] | null;
}

/** A route (§4.8): `route` holds the method, path and declarations; `metrics` latency, when known. */
export interface Route extends AssetBase {
  parent_id?: string | null;
  route: {
    id?: string;
    service_id?: string;
    path: string;
    method: string;
    summary?: string | null;
    description?: string | null;
    parameters?: RouteParameter[] | null;
    request_body?: { content?: Record<string, { schema?: JsonSchema }> } | null;
    input_assets?: Record<string, RouteAssetSlot> | null;
    output_assets?: Record<string, RouteAssetSlot> | null;
    execution_mode?: 'sync' | 'async' | string;
    [key: string]: unknown;
  };
  metrics?: { avg_completion_ms?: number; p95_completion_ms?: number; [key: string]: unknown } | null;
}

/** The small part of JSON Schema a route's request body uses that the bridge checks. */
export interface JsonSchema {
  type?: string;
  required?: string[];
  properties?: Record<string, JsonSchema & { description?: string }>;
  [key: string]: unknown;
}

export type ActionStatus = 'queued' | 'in-progress' | 'timed-out' | 'success' | 'error';

/** One produced or consumed asset of an action. */
export interface ActionAsset {
  name?: string;
  asset_id: string;
  asset_type: string;
  asset?: { id: string; asset_type?: string; name?: string | null } | null;
}

/** An action (§4.8): one run of a route. */
export interface RouteAction {
  id: string;
  route_id?: string;
  user_id?: string;
  status: ActionStatus;
  response?: unknown;
  output_assets?: ActionAsset[] | null;
  created_at?: string;
  finished_at?: string | null;
  [key: string]: unknown;
}

/** What `use` answered: the action, the sync output, and whether to poll. */
export interface RouteRun {
  action: RouteAction;
  /** `data.responseData` (or `data`) of a sync answer; undefined while polling. */
  output?: unknown;
  requiresPolling: boolean;
}

/** `GET …/cost`: what a run will be charged; null when the route states no cost. */
export interface RouteCost {
  amount: number;
  currency: string;
  unit?: string;
  [key: string]: unknown;
}

/** The body of `use` (§4.8): path params under both `parameters` and `params`, inputs as `{assetId}`. */
export interface RouteUseInput {
  body?: Record<string, unknown> | null;
  query?: Record<string, unknown> | null;
  params?: Record<string, unknown> | null;
  inputAssets?: Record<string, string>;
}

/** A comment (§4.6): `parent_id` is the commented asset, or the top-level comment of a reply. */
export interface Comment extends AssetBase {
  parent_id: string;
  /** Normalised: `content`, else the list endpoints' `description` preview. */
  content: RichText;
  metadata?: { reply_to_comment_id?: string; [key: string]: unknown } | null;
}
