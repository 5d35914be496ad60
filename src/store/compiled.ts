import { CompiledQuery, type Compilable } from 'kysely';
import type { Engine } from './engine.ts';
import type { Db } from './schema.ts';

/**
 * Hot queries built once per engine instead of per call. Kysely builds, freezes and
 * compiles a fresh query tree on every call (~30–50 µs each, about a fifth of the bridge's
 * CPU per mirrored message); these queries differ only in their parameters.
 *
 * `build` receives one placeholder per argument and must pass each straight through as a
 * value (no string operations on it; one may be bound more than once); the compiled SQL is kept with, for each bound
 * parameter, which argument it came from. Parameters the builder wrote itself (literals
 * such as a LIMIT) keep their value. The SQL depends only on the dialect, hence per engine.
 */
export function precompiled<A extends unknown[], R>(build: (db: Db, ...args: A) => Compilable<R>) {
  const cache = new Map<Engine, { sql: string; slots: ({ arg: number } | { value: unknown })[] }>();
  return (db: Db, engine: Engine, ...args: A): CompiledQuery<R> => {
    let c = cache.get(engine);
    if (!c) {
      const marks = args.map((_, i) => `\u0000arg${i}\u0000`);
      const compiled = build(db, ...(marks as unknown as A)).compile();
      const slots = compiled.parameters.map((p) => {
        const i = typeof p === 'string' ? marks.indexOf(p) : -1;
        return i >= 0 ? { arg: i } : { value: p };
      });
      const bound = new Set(slots.flatMap((s) => ('arg' in s ? [s.arg] : [])));
      if (bound.size !== args.length) {
        throw new Error(`precompiled query: ${args.length - bound.size} argument(s) not bound as values: ${compiled.sql}`);
      }
      c = { sql: compiled.sql, slots };
      cache.set(engine, c);
    }
    return CompiledQuery.raw(
      c.sql,
      c.slots.map((s) => ('arg' in s ? args[s.arg] : s.value)),
    ) as CompiledQuery<R>;
  };
}
