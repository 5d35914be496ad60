/**
 * The store: reachable (opened without migrating, then pinged) and migrated (no pending
 * migration). Nothing is written: a SQLite file that does not exist is reported, not made.
 */
import { existsSync } from 'node:fs';
import type { Config } from '../config.ts';
import { describeTarget } from '../cli/commands/migrate.ts';
import { openStore, pendingMigrations } from '../store/index.ts';
import { CHECK_TIMEOUT_MS, CheckTimeout, fail, oneLine, pass, skip, withTimeout, type CheckResult } from './check.ts';

const MIGRATE_FIX = 'run ouro-bridge migrate (start also migrates on open)';

export async function checkStore(config: Config, timeoutMs = CHECK_TIMEOUT_MS): Promise<CheckResult[]> {
  const target = config.store;
  const where = describeTarget(target);
  const reach = 'reachable';
  const migrated = 'migrated';
  if (target.engine === 'sqlite' && target.path !== ':memory:' && !existsSync(target.path)) {
    return [
      fail('store', reach, `${where} does not exist yet`, `${MIGRATE_FIX}; or set DATABASE_URL if the store lives elsewhere`),
      skip('store', migrated, 'needs the store'),
    ];
  }
  const unreachableFix =
    target.engine === 'postgres'
      ? 'check DATABASE_URL (host, port, database, user) and that PostgreSQL accepts connections from this host'
      : 'check DATABASE_URL and that this user may read and write the file and its directory';
  try {
    await withTimeout(timeoutMs, async () => {
      const store = await openStore(target, { migrate: false });
      try {
        await store.ping();
      } finally {
        await store.close();
      }
    });
  } catch (err) {
    const why = err instanceof CheckTimeout ? `no answer within ${err.ms / 1000} s` : oneLine(err);
    return [fail('store', reach, `${where}: ${why}`, unreachableFix), skip('store', migrated, 'needs the store')];
  }
  const results = [pass('store', reach, where)];
  try {
    const pending = await withTimeout(timeoutMs, () => pendingMigrations(target));
    results.push(
      pending.length === 0
        ? pass('store', migrated, 'no pending migration')
        : fail('store', migrated, `${pending.length} pending: ${pending.join(', ')}`, MIGRATE_FIX),
    );
  } catch (err) {
    results.push(fail('store', migrated, `cannot read the applied migrations: ${oneLine(err)}`, MIGRATE_FIX));
  }
  return results;
}
