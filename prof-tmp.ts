import { Kysely, PostgresDialect, CompiledQuery, sql } from 'kysely';
import pg from 'pg';
import { SqlStore } from './src/store/sql-store.ts';
import { ensureSchema } from './src/store/engine.ts';
import { silentLogger } from './src/log.ts';
const url = 'postgres://postgres@127.0.0.1:5432/test';
const schema = 'prof_' + Math.random().toString(36).slice(2, 8);
const times = new Map<string, number[]>();
let on = false;
const db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, types: { getTypeParser: ((oid: number, f: any) => oid === 20 ? Number : pg.types.getTypeParser(oid, f)) as any } }), onCreateConnection: async (c) => { await c.executeQuery(CompiledQuery.raw(`set search_path to "${schema}"`)); } }),
  log(e) { if (on && e.level === 'query') { const k = e.query.sql.slice(0, 60).replace(/\s+/g, ' '); times.set(k, [...(times.get(k) ?? []), e.queryDurationMillis]); } } });
await ensureSchema(db, schema);
const s = new SqlStore(db, 'postgres', silentLogger, schema);
await s.migrate();
await Promise.all(Array.from({ length: 10000 }, (_, n) => s.enqueue({ lane: `L${n % 50}`, kind: 'k', payload: {}, idempotencyKey: `k${n}` })));
on = true;
for (let i = 0; i < 30; i++) { const js = await s.claimJobs('w', 50, 60000); await Promise.all(js.map(j => s.completeJob(j.id))); }
for (const [k, v] of times) console.log(k.padEnd(62), (v.reduce((a, b) => a + b, 0) / v.length).toFixed(2), 'ms x', v.length);
await s.close();
const cl = new pg.Client(url); await cl.connect(); await cl.query(`drop schema ${schema} cascade`); await cl.end();
