import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.ts';

/**
 * putMessage writes each mapping in its own transaction: calls made together each resolve
 * or fail on their own row. (Puts of one chat message come from its thread's lane, one at
 * a time; the store contract pins that a later put replaces an earlier one.)
 */

/** A real database error for one row: a trigger refusing chat message 'poison'. */
async function poison(t: TestStore): Promise<void> {
  if (t.target.engine === 'sqlite') {
    const side = new BetterSqlite3(t.target.path);
    side.exec(`create trigger poison before insert on message_map when new.chat_message_id = 'poison'
               begin select raise(abort, 'poisoned row'); end`);
    side.close();
    return;
  }
  const client = new pg.Client({ connectionString: t.target.url });
  await client.connect();
  try {
    const s = `"${t.schema}"`;
    await client.query(`create function ${s}.poison() returns trigger language plpgsql as $$
      begin if new.chat_message_id = 'poison' then raise exception 'poisoned row'; end if; return new; end $$`);
    await client.query(`create trigger poison before insert on ${s}.message_map for each row execute function ${s}.poison()`);
  } finally {
    await client.end();
  }
}

const engines = (['sqlite', 'postgres'] as const).filter((e) => e === 'sqlite' || TEST_DATABASE_URL);

const key = { platform: 'slack' as const, workspace: 'T1', channel: 'C1', thread: '100.1' };
const put = (chatMessageId: string, ouroMessageIds: string[]) => ({ ...key, chatMessageId, conversationId: 'conv-1', ouroMessageIds, origin: 'chat' as const });

describe.each(engines)('putMessage, calls made together (%s)', (engine) => {
  let t: TestStore | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('a row the database refuses fails only its own call; the others are written', async () => {
    t = await makeTestStore(engine, { file: true });
    await poison(t);

    const results = await Promise.allSettled([
      t.store.putMessage(put('m1', ['o1'])),
      t.store.putMessage(put('poison', ['o2'])),
      t.store.putMessage(put('m3', ['o3'])),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/poisoned row/);
    expect((await t.store.getMessageByChat({ ...key, chatMessageId: 'm1' }))?.ouroMessageIds).toEqual(['o1']);
    expect((await t.store.getMessageByChat({ ...key, chatMessageId: 'm3' }))?.ouroMessageIds).toEqual(['o3']);
    expect(await t.store.getMessageByChat({ ...key, chatMessageId: 'poison' })).toBeUndefined();
    expect(await t.store.getMessagesByOuro('o2')).toEqual([]);
  });

  it('bad input is refused before anything is written', async () => {
    t = await makeTestStore(engine);
    await expect(t.store.putMessage({ ...put('m1', ['a']), origin: 'elsewhere' as 'chat' })).rejects.toThrow(/origin/);
    expect(await t.store.getMessageByChat({ ...key, chatMessageId: 'm1' })).toBeUndefined();
  });
});
