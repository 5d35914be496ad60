/**
 * The places (Slack teams, Discord servers) the operator lets the bridge serve. A request
 * from anywhere else is refused by the adapter before it reaches the core; each refused
 * place is logged once an hour, so a busy stranger cannot flood the log.
 */
import type { Logger } from '../log.ts';

/** One log line per refused place per hour. */
export const REFUSAL_LOG_INTERVAL_MS = 60 * 60 * 1000;

export interface PlaceGate {
  /** True when `place` is served; a refusal is logged (at most hourly per place). */
  allows(place: string, detail?: Record<string, unknown>): boolean;
}

export function createPlaceGate(opts: {
  /** The served places, read at each request (Slack learns its own team at start). */
  allowed: () => ReadonlySet<string>;
  /** Names the place and the variable in the log line, e.g. "Slack team" / "SLACK_ALLOWED_TEAMS". */
  what: string;
  variable: string;
  logger: Logger;
  now?: () => number;
}): PlaceGate {
  const now = opts.now ?? Date.now;
  const lastLogged = new Map<string, number>();
  return {
    allows(place, detail = {}) {
      if (opts.allowed().has(place)) return true;
      const t = now();
      const last = lastLogged.get(place);
      if (last === undefined || t - last >= REFUSAL_LOG_INTERVAL_MS) {
        lastLogged.set(place, t);
        opts.logger.warn({ place, ...detail }, `request from a ${opts.what} not in ${opts.variable} ignored (logged once an hour per ${opts.what})`);
      }
      return false;
    },
  };
}
