import type { Logger } from '../log.ts';
import type { MarkdownToDoc } from './markdown.ts';
import type { Router } from './router.ts';
import type { SqlEngine } from './sql.ts';
import type { Clock, SandboxState, UserRec } from './state.ts';
import type { Webhooks } from './webhooks.ts';

/** What every route module gets: the state and the services around it. */
export interface App {
  state: SandboxState;
  clock: Clock;
  engine: SqlEngine;
  webhooks: Webhooks;
  convert: MarkdownToDoc;
  logger: Logger;
  tokenTtlSeconds: number;
  bot(): UserRec;
  /** Marks the state dirty (debounced persistence when a file is configured). */
  changed(): void;
}

export type RouteModule = (router: Router, app: App) => void;
