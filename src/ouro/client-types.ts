/**
 * The Ouro client's interface (`OuroClient`), its options and the inputs of its calls. The
 * wire shapes it returns are in ./types.ts; src/ouro/index.ts re-exports both.
 */
import type { Dispatcher } from 'undici';
import type { Logger } from '../log.ts';
import type {
  AssetFilters,
  AssetSummary,
  Comment,
  Conversation,
  Dataset,
  DatasetColumn,
  Doc,
  EntryStatus,
  Message,
  Organization,
  OuroFile,
  OuroProfile,
  OuroUser,
  Page,
  Post,
  Quest,
  QuestEntry,
  QuestItem,
  QuestStatus,
  QuestType,
  Route,
  RouteAction,
  RouteCost,
  RouteRun,
  RouteUseInput,
  Service,
  Team,
} from './types.ts';

/** One HTTP attempt, reported after it ends (status 0 = no response: timeout or network error). */
export interface OuroRequestEvent {
  method: string;
  /** Path without query string; never contains the token. */
  path: string;
  status: number;
  ms: number;
  /** 1 for the first try. */
  attempt: number;
}

export interface OuroClientOptions {
  baseUrl: string;
  /** The personal access token (PAT); exchanged for a JWT at /users/get-token. */
  apiKey: string;
  /** Per attempt, including reading the body. Default 30_000. */
  timeoutMs?: number;
  /** Extra attempts for retryable failures of idempotent calls. Default 4. */
  retries?: number;
  /** Default `ouro-bridge/<version>`; also sent as `X-Ouro-Client`. */
  userAgent?: string;
  logger?: Logger;
  onRequest?: (e: OuroRequestEvent) => void;
  /** Backoff before retry n (0-based) is random in [0, min(cap, base·2^n)] ("full jitter"). Default 250. */
  backoffBaseMs?: number;
  /** Default 10_000. */
  backoffCapMs?: number;
  /** A Retry-After longer than this is not waited for: the RateLimitError is thrown (with retryAfterMs). Default 60_000. */
  maxRetryAfterMs?: number;
  /** Connection pool to use; default: one keep-alive Agent per client (closed by `close()`). */
  dispatcher?: Dispatcher;
  /** Clock for token expiry, injectable for tests. Default Date.now. */
  now?: () => number;
}

export interface ConversationCreateInput {
  name?: string;
  summary?: string;
  orgId: string;
  teamId?: string;
  /** Full member list; include the bot's own user id (the server does not add it). */
  members: string[];
}

export interface ConversationUpdateInput {
  name?: string;
  summary?: string;
  visibility?: string;
  /** Replaces `metadata.members` (send the full list). */
  members?: string[];
}

export interface MessageCreateInput {
  /** Client id (UUID); a UUIDv7 is generated when absent. It is what makes a retry safe. */
  id?: string;
  /** Markdown; mentions as `{@username}` in backticks. */
  text: string;
  /** TipTap doc; default `markdownToDoc(text)` (no extra conversion call). */
  json?: Doc;
  /** Default `message`. */
  type?: string;
}

export interface MessageUpdateInput {
  text: string;
  json?: Doc;
}

export interface MessageListResult {
  /** Sorted by `created_at` ascending, whatever order the server used. */
  messages: Message[];
  hasMore: boolean;
  /** Pass as `before` to get the previous (older) page. */
  nextBefore?: string;
}

export interface AssetSearchInput {
  query?: string;
  limit?: number;
  offset?: number;
  scope?: 'personal' | 'org' | 'global' | 'all';
  sort?: 'relevant' | 'recent' | 'popular' | 'updated';
  filters?: AssetFilters;
}

export type DatasetColumnType = 'TEXT' | 'INTEGER' | 'BIGINT' | 'REAL' | 'DOUBLE PRECISION' | 'BOOLEAN' | 'TIMESTAMP WITH TIME ZONE' | 'DATE' | 'JSONB';

export interface DatasetCreateInput {
  name: string;
  /** Markdown. */
  description?: string;
  visibility?: 'public' | 'private' | 'organization';
  orgId?: string;
  teamId?: string;
  /** Column names are lowercase snake_case on Ouro. Default: inferred from `rows`. */
  columns?: { name: string; type: DatasetColumnType }[];
  /** Sent inline (the create call is not retried; use appendRows for large uploads). */
  rows?: Record<string, unknown>[];
}

export interface DatasetUpdateInput {
  name?: string;
  description?: string;
  visibility?: string;
  [key: string]: unknown;
}

export type RowWriteMode = 'append' | 'overwrite' | 'upsert';

export interface QuestCreateInput {
  name: string;
  /** Markdown. */
  description?: string;
  visibility?: 'public' | 'private' | 'organization';
  /** Default `closable`. */
  type?: QuestType;
  /** Default `open`. */
  status?: QuestStatus;
  items?: { description: string }[];
  orgId?: string;
  teamId?: string;
}

export interface QuestUpdateInput {
  name?: string;
  /** Markdown. */
  description?: string;
  visibility?: string;
  status?: QuestStatus;
  type?: QuestType;
}

export interface QuestItemInput {
  /** Markdown. */
  description: string;
  sort_order?: number;
  expected_asset_type?: string;
  [key: string]: unknown;
}

export interface QuestItemUpdateInput {
  /** Markdown. */
  description?: string;
  status?: string;
  sort_order?: number;
  [key: string]: unknown;
}

export interface EntrySubmitInput {
  itemId: string;
  /** `{ "<input key>": "<asset uuid>" }`. */
  assets?: Record<string, string>;
  /** Markdown. */
  description?: string;
}

export interface EntryReviewInput {
  status: 'accepted' | 'rejected';
  /** Markdown. */
  review?: string;
}

export interface FileUploadInput {
  /** A file on disk (streamed, never read whole) or bytes in memory. */
  source: { path: string; size: number } | { bytes: Uint8Array };
  name: string;
  mime: string;
  visibility?: 'public' | 'private' | 'organization';
}

export interface FileAssetInput {
  /** The id `files.upload` answered with; the asset gets the same id. */
  uploadId: string;
  name: string;
  description?: string;
  visibility?: 'public' | 'private' | 'organization';
  orgId?: string;
  teamId?: string;
}

export interface PostUpdateInput {
  name?: string;
  /** Converted server-side like `createFromMarkdown`. */
  markdown?: string;
}

export interface PostCreateInput {
  name: string;
  markdown: string;
  visibility?: 'public' | 'private' | 'organization';
  orgId?: string;
  teamId?: string;
}

type S = AbortSignal | undefined;

export interface OuroClient {
  auth: {
    whoami(signal?: S): Promise<OuroUser>;
    /** The current valid access token (exchanging or refreshing the PAT when needed). */
    token(): Promise<string>;
  };
  users: {
    search(query: string, signal?: S): Promise<OuroProfile[]>;
    get(usernameOrId: string, signal?: S): Promise<OuroProfile>;
  };
  conversations: {
    create(input: ConversationCreateInput, signal?: S): Promise<Conversation>;
    get(id: string, signal?: S): Promise<Conversation>;
    list(opts?: { limit?: number; offset?: number; orgId?: string }, signal?: S): Promise<Page<Conversation>>;
    update(id: string, partial: ConversationUpdateInput, signal?: S): Promise<Conversation>;
  };
  messages: {
    create(conversationId: string, input: MessageCreateInput, signal?: S): Promise<Message>;
    update(conversationId: string, messageId: string, input: MessageUpdateInput, signal?: S): Promise<Message>;
    list(conversationId: string, opts?: { limit?: number; before?: string }, signal?: S): Promise<MessageListResult>;
  };
  utilities: {
    /** Server-side conversion (`POST /utilities/convert/from-markdown`). */
    markdownToDoc(markdown: string, signal?: S): Promise<{ json: Doc; markdown: string }>;
  };
  assets: {
    search(input?: AssetSearchInput, signal?: S): Promise<Page<AssetSummary>>;
  };
  datasets: {
    get(id: string, signal?: S): Promise<Dataset>;
    schema(id: string, signal?: S): Promise<DatasetColumn[]>;
    stats(id: string, signal?: S): Promise<{ count: number }>;
    /** Read-only SQL with `{{table}}`. Never retried after a timeout. */
    query(id: string, sql: string, signal?: S): Promise<Record<string, unknown>[]>;
    data(id: string, opts?: { limit?: number; offset?: number }, signal?: S): Promise<Page<Record<string, unknown>>>;
    create(input: DatasetCreateInput, signal?: S): Promise<Dataset>;
    /** Uploads in batches of ≤ 1,000,000 JSON bytes (halving a batch on 413). */
    appendRows(id: string, rows: Record<string, unknown>[], mode?: RowWriteMode, signal?: S): Promise<{ inserted: number }>;
    update(id: string, partial: DatasetUpdateInput, signal?: S): Promise<Dataset>;
  };
  quests: {
    create(input: QuestCreateInput, signal?: S): Promise<Quest>;
    get(id: string, signal?: S): Promise<Quest>;
    update(id: string, partial: QuestUpdateInput, signal?: S): Promise<Quest>;
    close(id: string, signal?: S): Promise<Quest>;
    items(id: string, signal?: S): Promise<QuestItem[]>;
    addItems(id: string, items: QuestItemInput[], signal?: S): Promise<QuestItem[]>;
    updateItem(id: string, itemId: string, partial: QuestItemUpdateInput, signal?: S): Promise<QuestItem>;
    /** Every page, in server order. */
    entries(id: string, opts?: { status?: EntryStatus }, signal?: S): Promise<QuestEntry[]>;
    entriesPage(id: string, opts?: { status?: EntryStatus; limit?: number; offset?: number }, signal?: S): Promise<Page<QuestEntry>>;
    submit(id: string, input: EntrySubmitInput, signal?: S): Promise<QuestEntry>;
    review(id: string, entryId: string, input: EntryReviewInput, signal?: S): Promise<QuestEntry>;
  };
  files: {
    /** `POST /files/upload`, not retried (a repeat stores a second object). */
    upload(input: FileUploadInput, signal?: S): Promise<{ id: string; bucket?: string; path?: string }>;
    /** `GET /files/{id}/metadata`, then `POST /files/create` with the upload's id. */
    createAsset(input: FileAssetInput, signal?: S): Promise<OuroFile>;
    get(id: string, signal?: S): Promise<OuroFile>;
    /** The bytes, through `GET /files/{id}/data`'s URL; FileTooLargeError past `maxBytes`. */
    read(id: string, maxBytes: number, signal?: S): Promise<Buffer>;
  };
  posts: {
    get(id: string, signal?: S): Promise<Post>;
    createFromMarkdown(input: PostCreateInput, signal?: S): Promise<Post>;
    /** `PUT /posts/{id}`; `markdown` replaces the body. */
    update(id: string, input: PostUpdateInput, signal?: S): Promise<Post>;
    /** `POST /assets/{id}/download` (HTML) converted to Markdown. */
    downloadMarkdown(id: string, signal?: S): Promise<string>;
  };
  teams: {
    list(opts?: { orgId?: string; joined?: boolean }, signal?: S): Promise<Team[]>;
    get(id: string, signal?: S): Promise<Team>;
  };
  organizations: {
    /** Organizations the caller belongs to (`/organizations/user`). */
    list(signal?: S): Promise<Organization[]>;
    get(id: string, signal?: S): Promise<Organization>;
  };
  comments: {
    /** Top-level comments of an asset, or the replies of a comment. */
    list(parentId: string, signal?: S): Promise<Comment[]>;
    get(id: string, signal?: S): Promise<Comment>;
    /** On an asset, or a reply when `parentId` is a comment (Markdown). */
    create(parentId: string, markdown: string, signal?: S): Promise<Comment>;
    update(id: string, markdown: string, signal?: S): Promise<Comment>;
  };
  services: {
    /** Services visible to the caller (§4.8). */
    list(signal?: S): Promise<Service[]>;
    routes(serviceId: string, signal?: S): Promise<Route[]>;
    route(id: string, signal?: S): Promise<Route>;
    /** `entity/route-slug` → route id (`POST /elements/common/name-to-id`). */
    routeId(entity: string, slug: string, signal?: S): Promise<string>;
    /** What a run will cost; null when the route states none. */
    cost(serviceId: string, routeId: string, inputId?: string, signal?: S): Promise<RouteCost | null>;
    /** Runs the route once (never retried: a run may charge and makes assets). */
    use(serviceId: string, routeId: string, input: RouteUseInput, signal?: S): Promise<RouteRun>;
    action(id: string, signal?: S): Promise<RouteAction>;
  };
  /** Closes the client's own connection pool (not an injected dispatcher). */
  close(): Promise<void>;
}
