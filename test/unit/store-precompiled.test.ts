import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler } from 'kysely';
import { describe, expect, it } from 'vitest';
import { precompiled } from '../../src/store/compiled.ts';
import type { Database, Db } from '../../src/store/schema.ts';

/** Compile-only databases: precompiled() never executes anything itself. */
const dbs: Record<'sqlite' | 'postgres', Db> = {
  sqlite: new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new SqliteIntrospector(db),
      createQueryCompiler: () => new SqliteQueryCompiler(),
    },
  }),
  postgres: new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  }),
};

const byThread = precompiled((db, channel: string, thread: string) =>
  db.selectFrom('thread_links').selectAll().where('thread', '=', thread).where('channel', '=', channel).limit(3),
);
const twice = precompiled((db, id: string, json: string) =>
  db
    .insertInto('relay_cursors')
    .values({ conversation_id: id, message_created_at: json, message_id: json, updated_at: 7 })
    .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ message_id: json })),
);

describe('precompiled', () => {
  it.each([
    { engine: 'sqlite' as const, sql: /"thread" = \? and "channel" = \? limit \?$/ },
    { engine: 'postgres' as const, sql: /"thread" = \$1 and "channel" = \$2 limit \$3$/ },
  ])('$engine: binds each call’s arguments where the builder put them, literals kept', ({ engine, sql }) => {
    const a = byThread(dbs[engine], engine, 'C1', 'T1');
    const b = byThread(dbs[engine], engine, 'C2', 'T2');
    expect(a.sql).toMatch(sql);
    expect(b.sql).toBe(a.sql);
    expect(a.parameters).toEqual(['T1', 'C1', 3]);
    expect(b.parameters).toEqual(['T2', 'C2', 3]);
  });

  it('binds an argument used twice in both places, and matches what Kysely compiles per call', () => {
    const q = twice(dbs.sqlite, 'sqlite', 'conv', '{"a":1}');
    const direct = dbs.sqlite
      .insertInto('relay_cursors')
      .values({ conversation_id: 'conv', message_created_at: '{"a":1}', message_id: '{"a":1}', updated_at: 7 })
      .onConflict((oc) => oc.column('conversation_id').doUpdateSet({ message_id: '{"a":1}' }))
      .compile();
    expect(q.sql).toBe(direct.sql);
    expect(q.parameters).toEqual(direct.parameters);
  });

  it('refuses a builder that does not bind an argument as a value', () => {
    const bad = precompiled((db, thread: string) => db.selectFrom('thread_links').selectAll().where('thread', '=', thread.toUpperCase()));
    expect(() => bad(dbs.sqlite, 'sqlite', 'x')).toThrow(/1 argument\(s\) not bound as values/);
  });
});
