/**
 * Running a route once its parameters are checked: `use`, then the answer. A sync run is
 * answered at once; an async one (202 or `requiresPolling`) becomes a durable poll job in the
 * channel's thread (src/bridge/route-poll.ts), which posts a "running" message and edits it
 * in place until the action ends. Priced runs wait for the invoker's Confirm first.
 */
import { randomUUID } from 'node:crypto';
import { OuroError } from '../ouro/errors.ts';
import type { Route, RouteUseInput } from '../ouro/index.ts';
import type { ChannelKey, PersonKey } from '../store/types.ts';
import { textReply } from '../chat/reply.ts';
import { runReply } from './route-result.ts';
import { UserError, type CommandDeps, type CommandOuro, type HandlerResult } from './spec.ts';

/** The durable job kind and its payload (the bridge's poll job reads the same shape). */
export const ROUTE_POLL_JOB = 'route.poll';

export interface RoutePollPayload {
  actionId: string;
  title: string;
  target: ChannelKey & { thread: string };
  webBaseUrl: string;
  /** When the run started (ms): the poll gives up after `timeoutMs`. */
  startedAt: number;
  intervalMs: number;
  timeoutMs: number;
  /** Who ran it with their own Ouro account: the action is theirs, so it is polled as them. */
  person?: PersonKey;
}

/** A priced run waiting for Confirm, kept in the store's state under `route-run:<id>`. */
export interface PendingRun {
  serviceId: string;
  routeId: string;
  title: string;
  input: RouteUseInput;
  userId: string;
  channel: ChannelKey;
  thread?: string;
  createdAt: number;
}

export const PENDING_PREFIX = 'route-run:';
/** A Confirm older than this is refused: the price shown may no longer hold. */
export const PENDING_TTL_MS = 15 * 60_000;

/**
 * The poll interval and give-up time Ouro's SDK derives from a route's metrics (§4.8):
 * interval = clamp(avg completion / 5, 1 s, 30 s), timeout = max(60 s, 2 × p95); without
 * metrics 10 s and 600 s.
 */
export function pollTiming(route: Pick<Route, 'metrics'>): { intervalMs: number; timeoutMs: number } {
  const avg = route.metrics?.avg_completion_ms;
  const p95 = route.metrics?.p95_completion_ms;
  const intervalMs = typeof avg === 'number' && avg > 0 ? Math.min(30_000, Math.max(1_000, avg / 5)) : 10_000;
  const timeoutMs = typeof p95 === 'number' && p95 > 0 ? Math.max(60_000, 2 * p95) : 600_000;
  return { intervalMs, timeoutMs };
}

export interface RunRequest {
  /** The client to run it with: the person's own when linked, else the bot's. */
  ouro: CommandOuro;
  person?: PersonKey;
  route: Route;
  serviceId: string;
  title: string;
  input: RouteUseInput;
  channel: ChannelKey;
  thread?: string;
}

export async function executeRun(deps: CommandDeps, req: RunRequest): Promise<HandlerResult> {
  let run;
  try {
    run = await req.ouro.services.use(req.serviceId, req.route.id, req.input);
  } catch (err) {
    // Ouro's words for a failed run (the upstream's reason or a validation error), no internals.
    if (err instanceof OuroError && err.status >= 400) throw new UserError(`❌ **${req.title}** failed: ${err.message}`);
    throw err;
  }
  if (!run.requiresPolling) return { reply: runReply(req.title, run.action, deps.webBaseUrl, run.output), shows: [req.route] };
  const payload: RoutePollPayload = {
    actionId: run.action.id,
    title: req.title,
    target: { ...req.channel, thread: req.thread ?? '' },
    webBaseUrl: deps.webBaseUrl,
    startedAt: Date.now(),
    ...pollTiming(req.route),
    ...(req.person ? { person: req.person } : {}),
  };
  const lane = `route:${run.action.id}`;
  await deps.store.enqueue({ lane, kind: ROUTE_POLL_JOB, payload, idempotencyKey: lane });
  return {
    reply: textReply(`Started **${req.title}** (action \`${run.action.id}\`); its progress is posted here.`),
    visibility: 'invoker',
    shows: [req.route],
  };
}

export async function savePending(deps: CommandDeps, pending: PendingRun): Promise<string> {
  const id = randomUUID();
  await deps.store.setState(`${PENDING_PREFIX}${id}`, JSON.stringify(pending));
  return id;
}
