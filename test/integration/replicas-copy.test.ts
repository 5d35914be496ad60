/**
 * `ouro-bridge migrate --copy-from <sqlite>`: moving a single-process bridge's SQLite store
 * into PostgreSQL, run as an operator runs it (the real CLI, a real file, a real database),
 * then read back through the Store API of the PostgreSQL store.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.ts';
import { dropSchema, TEST_DATABASE_URL } from '../helpers/store.ts';
import { newSchema } from './replicas-harness.ts';

const run = promisify(execFile);

async function migrate(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['bin/ouro-bridge.js', 'migrate', ...args], { env: { PATH: process.env.PATH, HOME: process.env.HOME } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const chan = { platform: 'slack', workspace: 'T1', channel: 'C1' } as const;

describe.skipIf(!TEST_DATABASE_URL)('moving a SQLite store into PostgreSQL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-copy-'));
  const file = join(dir, 'bridge.db');
  const schema = newSchema();
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await dropSchema(TEST_DATABASE_URL!, schema);
  });

  it('copies every mapping and the unfinished queue; a second run adds nothing', async () => {
    const lite = await openStore({ engine: 'sqlite', path: file });
    await lite.upsertChannelLink({ ...chan, orgId: 'org1', orgName: 'Lab', teamId: null, teamName: null, mirrorMode: 'threads', updatedBy: 'U1' });
    await lite.linkThread({ ...chan, thread: '1.1', conversationId: 'conv-1' });
    await lite.putMessage({ ...chan, thread: '1.1', chatMessageId: '1.2', conversationId: 'conv-1', ouroMessageIds: ['m1', 'm2'], origin: 'chat' });
    await lite.setRelayCursor('conv-1', { createdAt: '2026-11-29T10:00:00Z', messageId: 'm2' });
    await lite.addWatch({ ...chan, questId: 'q1', statuses: ['accepted'], createdBy: 'U1' });
    await lite.setWatchCard({ ...chan, questId: 'q1' }, '9.9');
    await lite.putSnapshots([{ ...chan, questId: 'q1', entryId: 'e1', status: 'submitted', updatedAt: null }]);
    await lite.addFollow({ ...chan, assetId: 'd1', assetType: 'dataset', createdBy: 'U1' });
    await lite.setFollowCard({ ...chan, assetId: 'd1' }, '8.8');
    await lite.putCommentCopies([{ ...chan, assetId: 'd1', commentId: 'c1', chatMessageId: '8.9', origin: 'ouro', digest: 'x', writtenBy: null, toldAt: 5 }]);
    await lite.setState('identity:slack', 'U0BOT');
    expect(await lite.claimKey('slack-event:Ev1', 60_000)).toBe(true);
    expect(await lite.recordDelivery('d1')).toBe(true);
    const done = (await lite.enqueue({ lane: 'a', kind: 'k', payload: { n: 0 }, idempotencyKey: 'done-0' })).job;
    await lite.claimJobs('old', 10, 60_000);
    await lite.completeJob(done.id, 'old');
    for (const n of [1, 2, 3]) await lite.enqueue({ lane: 'a', kind: 'k', payload: { n }, idempotencyKey: `a-${n}` });
    await lite.enqueue({ lane: 'b', kind: 'k', payload: { n: 9 }, idempotencyKey: 'b-9' });
    const claimed = await lite.claimJobs('dying-process', 10, 60_000); // heads of a and b: "running"
    expect(claimed.map((j) => j.idempotencyKey)).toEqual(['a-1', 'b-9']);
    await lite.close();

    const first = await migrate('--database-url', TEST_DATABASE_URL!, '--schema', schema, '--copy-from', file);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('applied 5 migration(s)');
    expect(first.stdout).toContain(`copied SQLite ${file} into PostgreSQL`);
    expect(first.stdout).toContain('  jobs: 5 copied\n');
    expect(first.stdout).toContain('  message_map: 1 copied\n');

    const pg = await openStore({ engine: 'postgres', url: TEST_DATABASE_URL! }, { schema });
    try {
      expect(await pg.getChannelLink(chan)).toMatchObject({ orgId: 'org1', mirrorMode: 'threads' });
      expect(await pg.getThreadLink({ ...chan, thread: '1.1' })).toMatchObject({ conversationId: 'conv-1' });
      expect(await pg.getMessageByChat({ ...chan, thread: '1.1', chatMessageId: '1.2' })).toMatchObject({ ouroMessageIds: ['m1', 'm2'] });
      expect((await pg.getMessagesByOuro('m2')).map((m) => m.chatMessageId)).toEqual(['1.2']);
      expect(await pg.getRelayCursor('conv-1')).toEqual({ createdAt: '2026-11-29T10:00:00Z', messageId: 'm2' });
      expect(await pg.listWatches()).toMatchObject([{ questId: 'q1', statuses: ['accepted'], cardMessageId: '9.9' }]);
      expect(await pg.getSnapshots({ ...chan, questId: 'q1' })).toEqual([{ ...chan, questId: 'q1', entryId: 'e1', status: 'submitted', updatedAt: null }]);
      expect(await pg.listFollows()).toMatchObject([{ assetId: 'd1', assetType: 'dataset', cardMessageId: '8.8' }]);
      expect(await pg.copyByChatMessage({ ...chan, assetId: 'd1' }, '8.9')).toMatchObject({ commentId: 'c1', origin: 'ouro', toldAt: 5 });
      expect(await pg.getState('identity:slack')).toBe('U0BOT');
      expect(await pg.claimKey('slack-event:Ev1', 60_000)).toBe(false); // still a repeat
      expect(await pg.recordDelivery('d1')).toBe(false);
      // A redelivered event whose job finished before the move is still recognised.
      expect((await pg.enqueue({ lane: 'a', kind: 'k', payload: {}, idempotencyKey: 'done-0' })).created).toBe(false);
      // The queue, in order; the dead process's claims are free at once, not after its lease.
      const jobs = await pg.listJobs({ limit: 100 });
      expect(jobs.filter((j) => j.state !== 'done').map((j) => [j.idempotencyKey, j.state, j.lockedBy])).toEqual([
        ['a-1', 'pending', null],
        ['a-2', 'pending', null],
        ['a-3', 'pending', null],
        ['b-9', 'pending', null],
      ]);
      const next = await pg.claimJobs('new-replica', 10, 30_000);
      expect(next.map((j) => [j.idempotencyKey, j.payload])).toEqual([
        ['a-1', { n: 1 }],
        ['b-9', { n: 9 }],
      ]);
    } finally {
      await pg.close();
    }

    const again = await migrate('--database-url', TEST_DATABASE_URL!, '--schema', schema, '--copy-from', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('  jobs: 0 copied (5 already there)\n');
    expect(again.stdout).toContain('  channel_links: 0 copied (1 already there)\n');
  });

  it('refuses a missing file, and a target that is not PostgreSQL, with a clear answer', async () => {
    const fresh = `${schema}_untouched`;
    const missing = await migrate('--database-url', TEST_DATABASE_URL!, '--schema', fresh, '--copy-from', join(dir, 'nope.db'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--copy-from: no SQLite store at ${join(dir, 'nope.db')}`);
    // Refused before migrating: a mistyped path leaves the target as it was.
    expect(missing.stdout).toBe('');
    const wrong = await migrate('--database-url', join(dir, 'other.db'), '--copy-from', file);
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain('--copy-from copies into PostgreSQL');
  });
});
