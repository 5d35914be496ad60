import type { Logger } from './log.ts';

/**
 * Warn lines about requests anyone can send (bad signatures, wrong webhook secrets, bodies
 * too large) at most once per source per window, so a flood of bad requests cannot flood
 * the log. The next line logged for a source after its window carries `suppressed`: how
 * many lines were left out meanwhile.
 */
export interface WarnThrottle {
  warn(source: string, fields: Record<string, unknown>, msg: string): void;
}

/** Sources remembered at once; past this, expired ones are forgotten and the rest share one. */
const MAX_SOURCES = 1_000;

export function createWarnThrottle(logger: Logger, windowMs = 60_000, now: () => number = Date.now): WarnThrottle {
  const seen = new Map<string, { until: number; suppressed: number }>();
  return {
    warn(source, fields, msg) {
      const t = now();
      if (!seen.has(source) && seen.size >= MAX_SOURCES) {
        for (const [k, v] of seen) if (v.until <= t) seen.delete(k);
        if (seen.size >= MAX_SOURCES) source = 'many sources';
      }
      const entry = seen.get(source);
      if (entry && t < entry.until) {
        entry.suppressed++;
        return;
      }
      logger.warn({ ...fields, source, ...(entry?.suppressed ? { suppressed: entry.suppressed } : {}) }, msg);
      seen.set(source, { until: t + windowMs, suppressed: 0 });
    },
  };
}
