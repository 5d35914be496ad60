/**
 * One bridge replica as its own process, for the replica tests that kill one: the real
 * runtime from the environment (like `ouro-bridge start`), plus the test-only knobs
 * STORE_SCHEMA (its PostgreSQL schema) and LEASE_TTL_MS / LEASE_RENEW_MS. Prints
 * `READY <url> <instanceId>` once started; logs are pino JSON on stdout. SIGTERM stops it.
 */
import { createApp } from '../../src/app.ts';
import { loadConfig } from '../../src/config.ts';

const config = loadConfig(process.env, { requireOuro: true });
const app = await createApp(config, {
  storeSchema: process.env.STORE_SCHEMA,
  leases: { ttlMs: Number(process.env.LEASE_TTL_MS), renewMs: Number(process.env.LEASE_RENEW_MS) },
  tuning: { pollMs: 20, reconcileEveryMs: 0, retry: { baseMs: 20, maxMs: 300, maxAttempts: 20 } },
  drainTimeoutMs: 2_000,
});
const { url } = await app.start();
process.stdout.write(`READY ${url} ${app.instanceId}\n`);
process.once('SIGTERM', () => {
  void app.stop().then(() => process.exit(0));
});
