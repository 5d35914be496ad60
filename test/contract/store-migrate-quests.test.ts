import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Migration } from 'kysely';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { StoreTarget } from '../../src/config.ts';
import { openStore } from '../../src/store/index.ts';
import * as m0001 from '../../src/store/migrations/0001_initial.ts';
import * as m0002 from '../../src/store/migrations/0002_leases.ts';
import { splitChannelKey } from '../../src/store/migrations/0003_quests.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/store.ts';

/**
 * Migration 0003 on a database written by 0002's layout: snapshot keys packed into
 * `quest_id` become columns, and watch trouble kept as JSON in kv_state moves onto the watch.
 */

const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-m0003-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Engine = 'sqlite' | 'postgres';

async function seedOldLayout(db: Kysely<any>, engine: Engine, schema?: string): Promise<void> {
  const migrations: Record<string, Migration> = {
    '0001_initial': { up: (d) => m0001.up(d, engine) },
    '0002_leases': { up: (d) => m0002.up(d) },
  };
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableSchema: schema });
  const { error } = await migrator.migrateToLatest();
  if (error) throw error;
  const watch = { statuses: '["accepted"]', card_message_id: '1.1', created_by: 'U1', created_at: 5 };
  await db
    .insertInto('watches')
    .values([
      { platform: 'slack', workspace: 'T1', channel: 'C1', quest_id: 'q1', ...watch },
      { platform: 'discord', workspace: 'G1', channel: '42', quest_id: 'q1', ...watch },
      { platform: 'slack', workspace: 'T1', channel: 'C2', quest_id: 'q2', ...watch },
    ])
    .execute();
  await db
    .insertInto('entry_snapshots')
    .values([
      { quest_id: 'q1@slack/T1/C1', entry_id: 'e1', status: 'accepted', updated_at: '2026-01-01T00:00:00Z' },
      { quest_id: 'q1@slack/T1/C1', entry_id: 'e2', status: 'submitted', updated_at: null },
      { quest_id: 'q1@discord/G1/42', entry_id: 'e1', status: 'submitted', updated_at: null },
      // A bare quest id: read by nothing, not carried over.
      { quest_id: 'q1', entry_id: 'e1', status: 'submitted', updated_at: null },
      ...Array.from({ length: 2_100 }, (_, i) => ({
        quest_id: 'q2@slack/T1/C2',
        entry_id: `e${String(i).padStart(4, '0')}`,
        status: 'submitted',
        updated_at: null,
      })),
    ])
    .execute();
  const trouble = (t: object, at: number) => ({ value: JSON.stringify(t), updated_at: at });
  await db
    .insertInto('kv_state')
    .values([
      { key: 'quest-watch-trouble:q1@slack/T1/C1', ...trouble({ failures: 30, since: 1_000, lastError: 'Error: not_in_channel', paused: true }, 9_000) },
      { key: 'quest-watch-trouble:q1@discord/G1/42', ...trouble({ failures: 2, since: 3_000, lastError: 'Error: 503', paused: false }, 4_000) },
      { key: 'quest-watch-trouble:q9@slack/T1/C1', ...trouble({ failures: 1, since: 1, lastError: 'x', paused: false }, 1) },
      { key: 'identity:slack', value: 'U0BOT', updated_at: 1 },
    ])
    .execute();
}

async function checkMigrated(target: StoreTarget, schema?: string): Promise<void> {
  const store = await openStore(target, { schema });
  try {
    const s1 = { platform: 'slack', workspace: 'T1', channel: 'C1', questId: 'q1' } as const;
    const d1 = { platform: 'discord', workspace: 'G1', channel: '42', questId: 'q1' } as const;
    const s2 = { platform: 'slack', workspace: 'T1', channel: 'C2', questId: 'q2' } as const;
    expect(await store.getSnapshots(s1)).toEqual([
      { ...s1, entryId: 'e1', status: 'accepted', updatedAt: '2026-01-01T00:00:00Z' },
      { ...s1, entryId: 'e2', status: 'submitted', updatedAt: null },
    ]);
    expect(await store.getSnapshots(d1)).toEqual([{ ...d1, entryId: 'e1', status: 'submitted', updatedAt: null }]);
    expect(await store.getSnapshots(s2)).toHaveLength(2_100);
    const watches = await store.listWatches();
    expect(watches.find((w) => w.platform === 'slack' && w.questId === 'q1')).toMatchObject({
      cardMessageId: '1.1',
      failures: 30,
      failingSince: 1_000,
      lastError: 'Error: not_in_channel',
      pausedAt: 9_000,
    });
    expect(watches.find((w) => w.platform === 'discord')).toMatchObject({ failures: 2, failingSince: 3_000, lastError: 'Error: 503', pausedAt: null });
    expect(watches.find((w) => w.questId === 'q2')).toMatchObject({ failures: 0, failingSince: null, lastError: null, pausedAt: null });
    expect(await store.getState('quest-watch-trouble:q1@slack/T1/C1')).toBeUndefined();
    expect(await store.getState('quest-watch-trouble:q9@slack/T1/C1')).toBeUndefined();
    expect(await store.getState('identity:slack')).toBe('U0BOT');
  } finally {
    await store.close();
  }
}

describe('migration 0003_quests', () => {
  it.each([
    ['q1@slack/T1/C1', { quest_id: 'q1', platform: 'slack', workspace: 'T1', channel: 'C1' }],
    ['q1@discord/G1/42', { quest_id: 'q1', platform: 'discord', workspace: 'G1', channel: '42' }],
    ['q1@console/local/a/b', { quest_id: 'q1', platform: 'console', workspace: 'local', channel: 'a/b' }],
    ['q1', undefined],
    ['@slack/T1/C1', undefined],
    ['q1@irc/T1/C1', undefined],
    ['q1@slack/T1', undefined],
  ])('splits the packed key %s', (key, parts) => {
    expect(splitChannelKey(key)).toEqual(parts);
  });

  it('moves snapshots and watch trouble into columns on SQLite', async () => {
    const path = join(dir, 'old.db');
    const db = new Kysely<any>({ dialect: new SqliteDialect({ database: new BetterSqlite3(path) }) });
    await seedOldLayout(db, 'sqlite');
    await db.destroy();
    await checkMigrated({ engine: 'sqlite', path });
  });

  it.skipIf(!TEST_DATABASE_URL)('moves snapshots and watch trouble into columns on PostgreSQL', async () => {
    const url = TEST_DATABASE_URL!;
    const schema = `test_m0003_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema "${schema}"`);
    await admin.end();
    try {
      const pool = new pg.Pool({ connectionString: url, options: `-c search_path=${schema}` });
      const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
      await seedOldLayout(db, 'postgres', schema);
      await db.destroy();
      await checkMigrated({ engine: 'postgres', url }, schema);
    } finally {
      await dropSchema(url, schema);
    }
  });
});
