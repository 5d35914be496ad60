import type { Logger } from '../log.ts';
import type { MarkdownToDoc } from './markdown.ts';
import type { Router } from './router.ts';
import type { SqlEngine } from './sql.ts';
import type { Clock, SandboxState, UserRec } from './state.ts';
import type { Webhooks } from './webhooks.ts';

/**
 * An uploaded storage object (`POST /files/upload`): the bytes, kept in memory only (a
 * `--file` state keeps file assets, not their bytes), and a token for its data URL.
 */
export interface StoredObject {
  id: string;
  name: string;
  type: string;
  bucket: 'public-files' | 'files';
  path: string;
  bytes: Buffer;
  token: string;
}

/** What every route module gets: the state and the services around it. */
export interface App {
  state: SandboxState;
  clock: Clock;
  engine: SqlEngine;
  webhooks: Webhooks;
  convert: MarkdownToDoc;
  logger: Logger;
  tokenTtlSeconds: number;
  blobs: Map<string, StoredObject>;
  /** Largest `POST /files/upload` JSON body accepted; larger ones get a 413. */
  uploadLimitBytes: number;
  bot(): UserRec;
  /** Marks the state dirty (debounced persistence when a file is configured). */
  changed(): void;
}

export type RouteModule = (router: Router, app: App) => void;
