/**
 * Bench-only: time every better-sqlite3 statement in this process, by SQL text, to see
 * which queries the synchronous SQLite time goes to (a CPU profile cannot: the calls come
 * from async continuations). On with BENCH_SQL_STATS=1 in mirror-bridge.ts.
 */
import BetterSqlite3 from 'better-sqlite3';

const stats = new Map<string, { n: number; ms: number; max: number }>();

export function timeSqlStatements(): void {
  const probe = new BetterSqlite3(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = proto[method] as (...a: unknown[]) => unknown;
    proto[method] = function (this: { source: string }, ...a: unknown[]) {
      const t0 = performance.now();
      try {
        return original.apply(this, a);
      } finally {
        const took = performance.now() - t0;
        const s = stats.get(this.source) ?? { n: 0, ms: 0, max: 0 };
        s.n++;
        s.ms += took;
        s.max = Math.max(s.max, took);
        stats.set(this.source, s);
      }
    };
  }
}

/** Starts the counts afresh (the paced phase is reported on its own). */
export function sqlReset(): void {
  stats.clear();
}

export function sqlReport(top = 15): string {
  return [...stats]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, top)
    .map(
      ([sql, s]) =>
        `${s.ms.toFixed(0).padStart(7)} ms ${String(s.n).padStart(7)}× max ${s.max.toFixed(1).padStart(6)}  ${sql.replace(/\s+/g, ' ').slice(0, 160)}`,
    )
    .join('\n');
}
