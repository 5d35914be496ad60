import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccounts } from '../../src/accounts/index.ts';
import { rotateSecret } from '../../src/accounts/rotate.ts';
import { createSecretBox } from '../../src/accounts/secret-box.ts';
import { silentLogger } from '../../src/log.ts';
import { createOuroClient, type OuroClient } from '../../src/ouro/index.ts';
import { SEED_IDS, SEED_KEYS } from '../../src/sandbox/seed.ts';
import { withSandbox } from '../helpers/sandbox.ts';
import { makeTestStore, TEST_DATABASE_URL, type TestStore } from '../helpers/store.ts';

/**
 * Linked keys at rest, on both engines, through the real accounts service against the
 * sandbox: sealed (no key bytes in the raw SQLite file or the PostgreSQL table), checked at
 * login, re-sealed by rotate-secret.
 */
const sandbox = withSandbox({ seed: 'demo' });
const bob = { platform: 'slack' as const, workspace: 'T1', chatUserId: 'U_BOB' };
let bot: OuroClient;
beforeAll(() => {
  bot = createOuroClient({ baseUrl: sandbox().url, apiKey: sandbox().apiKey, retries: 0 });
});
afterAll(async () => bot?.close());

const accountsOn = (ts: TestStore, secretKey?: Buffer) =>
  createAccounts({ store: ts.store, bot, secretKey, ouro: { baseUrl: sandbox().url, retries: 0 }, logger: silentLogger });

/** The key as bytes in every form a careless write could leave: text, hex of the text, base64. */
function keyForms(key: string): Buffer[] {
  return [Buffer.from(key), Buffer.from(Buffer.from(key).toString('hex')), Buffer.from(Buffer.from(key).toString('base64'))];
}

describe.each(TEST_DATABASE_URL ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const))('account links on %s', (engine) => {
  let ts: TestStore;
  beforeAll(async () => {
    ts = await makeTestStore(engine, { file: true });
  });
  afterAll(async () => ts?.cleanup());

  it('a good key links (who on Ouro is recorded), the raw store holds no key bytes, a bad key stores nothing', async () => {
    const secret = randomBytes(32);
    const accounts = accountsOn(ts, secret);
    const bad = await accounts.login(bob, 'ouro_not_a_real_key_000000000000000000000000', { name: 'Bob' });
    expect(bad).toEqual({ ok: false, reason: 'Ouro said: Invalid API key' });
    expect(await ts.store.getAccountLink(bob)).toBeUndefined();

    const good = await accounts.login(bob, SEED_KEYS.bob, { name: 'Bob' });
    expect(good.ok).toBe(true);
    const link = await ts.store.getAccountLink(bob);
    expect(link).toMatchObject({ ouroUserId: SEED_IDS.bob, ouroUsername: 'bob', ouroName: 'Bob Okafor', brokenAt: null, chatName: 'Bob' });
    expect(link!.sealedKey).not.toContain(SEED_KEYS.bob);
    const acting = await accounts.actingClient(bob);
    expect(acting.as).toBe('person');
    expect((await acting.ouro.auth.whoami()).id).toBe(SEED_IDS.bob);
    await accounts.close();

    let raw: Buffer;
    if (ts.target.engine === 'sqlite') {
      const path = ts.target.path;
      await ts.store.close(); // flushes the WAL into the file
      raw = Buffer.concat([readFileSync(path), ...(existsSync(`${path}-wal`) ? [readFileSync(`${path}-wal`)] : [])]);
      ts.store = await ts.reopen!();
    } else {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      const rows = await client.query(`SELECT * FROM "${ts.schema}".account_links`);
      await client.end();
      raw = Buffer.from(JSON.stringify(rows.rows));
      expect(rows.rows).toHaveLength(1);
    }
    expect(raw.includes(Buffer.from('U_BOB'))).toBe(true); // the row is there
    for (const form of keyForms(SEED_KEYS.bob)) expect(raw.includes(form)).toBe(false);
  });

  it('rotate-secret re-seals: the old secret no longer opens, the person stays linked under the new one', async () => {
    const secret = randomBytes(32);
    const accounts = accountsOn(ts, secret);
    expect((await accounts.login(bob, SEED_KEYS.bob, { name: 'Bob' })).ok).toBe(true);
    await accounts.close();
    const next = randomBytes(32);
    expect(await rotateSecret(ts.store, secret, next)).toEqual({ resealed: 1, unreadable: 0 });
    const sealed = (await ts.store.getAccountLink(bob))!.sealedKey;
    expect(() => createSecretBox(secret).open(sealed, 'slack:T1:U_BOB')).toThrow(/does not open/);

    const old = accountsOn(ts, secret);
    expect((await old.actingClient(bob)).as).toBe('bot');
    await old.close();
    const rotated = accountsOn(ts, next);
    const acting = await rotated.actingClient(bob);
    expect(acting.as).toBe('person');
    expect((await acting.ouro.auth.whoami()).id).toBe(SEED_IDS.bob);
    await rotated.close();
  });

  it('keeps at most `cacheMax` people’s clients: the least recently used is closed and made again when needed', async () => {
    const secret = randomBytes(32);
    const accounts = createAccounts({
      store: ts.store,
      bot,
      secretKey: secret,
      ouro: { baseUrl: sandbox().url, retries: 0 },
      logger: silentLogger,
      cacheMax: 2,
    });
    const people = ['U_A', 'U_B', 'U_C'].map((chatUserId) => ({ platform: 'slack' as const, workspace: 'T1', chatUserId }));
    for (const p of people) expect((await accounts.login(p, SEED_KEYS.carol, {})).ok).toBe(true);
    const a1 = (await accounts.actingClient(people[0]!)).ouro;
    expect((await accounts.actingClient(people[0]!)).ouro).toBe(a1); // cached
    await accounts.actingClient(people[1]!);
    await accounts.actingClient(people[0]!); // A is now the most recent; B the least
    await accounts.actingClient(people[2]!); // evicts B
    expect((await accounts.actingClient(people[0]!)).ouro).toBe(a1);
    const b2 = await accounts.actingClient(people[1]!); // made again, evicting C
    expect((await b2.ouro.auth.whoami()).id).toBe(SEED_IDS.carol);
    await accounts.actingClient(people[2]!); // made again, evicting A
    expect((await accounts.actingClient(people[0]!)).ouro).not.toBe(a1);
    await accounts.close();
  });

  it('with no secret key, nobody links and everyone acts as the bot', async () => {
    const accounts = accountsOn(ts, undefined);
    expect(accounts.enabled).toBe(false);
    expect((await accounts.actingClient(bob)).as).toBe('bot');
    expect(await accounts.login(bob, SEED_KEYS.bob, {})).toMatchObject({ ok: false, reason: expect.stringContaining('BRIDGE_SECRET_KEY') });
    await accounts.close();
  });
});
