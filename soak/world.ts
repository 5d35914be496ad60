/**
 * What every end-to-end scenario stands on: the Ouro sandbox (in this process, so its fault
 * control and request log are at hand; the bridges reach it over loopback HTTP), the Slack
 * fake as the bridges' Web API, a store (SQLite file in a temp directory, or a random
 * PostgreSQL schema) with the soak channel linked in `threads` mode, and the environment a
 * bridge process gets. `close` removes all of it.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreTarget } from '../src/config.ts';
import { startSandbox, type Sandbox } from '../src/sandbox/index.ts';
import { openStore } from '../src/store/index.ts';
import type { JobState } from '../src/store/types.ts';
import { startFakeSlack, TEAM, type FakeSlack } from '../test/helpers/fake-slack.ts';
import { dropSchema } from '../test/helpers/store.ts';

export const CHANNEL = 'C0SOAK';
/** Worlds not yet closed, so an interrupted run can still drop its schema and temp files. */
const open = new Set<World>();

/** Closes every world still open (an interrupted run); errors are ignored. */
export async function closeAllWorlds(): Promise<void> {
  await Promise.all([...open].map((w) => w.close().catch(() => undefined)));
}
export const SIGNING_SECRET = 'soak-signing-secret-0123456789';

export interface World {
  sandbox: Sandbox;
  slack: FakeSlack;
  target: StoreTarget;
  /** PostgreSQL only: the random schema the store lives in. */
  schema?: string;
  /** Environment of a bridge process (bridge-child.ts). */
  env: Record<string, string>;
  /** Jobs by state, read from the bridge's store once its processes are gone. */
  countJobs(): Promise<Record<JobState, number>>;
  close(): Promise<void>;
}

export async function startWorld(engine: { postgresUrl?: string } = {}): Promise<World> {
  const sandbox = await startSandbox({ seed: 'none' });
  const slack = await startFakeSlack();
  const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-soak-'));
  const schema = engine.postgresUrl ? `soak_${randomBytes(6).toString('hex')}` : undefined;
  const target: StoreTarget = engine.postgresUrl ? { engine: 'postgres', url: engine.postgresUrl } : { engine: 'sqlite', path: join(dir, 'bridge.db') };
  const openIt = () => openStore(target, schema ? { schema } : {});
  // What `/ouro mirror threads` in #soak would record (the operator's one-time step).
  const store = await openIt();
  await store.upsertChannelLink({
    platform: 'slack',
    workspace: TEAM,
    channel: CHANNEL,
    orgId: null,
    orgName: null,
    teamId: null,
    teamName: null,
    mirrorMode: 'threads',
    updatedBy: 'soak',
  });
  await store.close();
  const env: Record<string, string> = {
    OURO_API_KEY: sandbox.apiKey,
    OURO_BASE_URL: sandbox.url,
    SLACK_BOT_TOKEN: 'xoxb-soak',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: slack.apiUrl,
    DATABASE_URL: target.engine === 'postgres' ? target.url : `sqlite:${target.path}`,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
  let closed = false;
  const world: World = {
    sandbox,
    slack,
    target,
    ...(schema ? { schema } : {}),
    env,
    async countJobs() {
      const s = await openIt();
      try {
        return await s.countJobs();
      } finally {
        await s.close();
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      open.delete(world);
      await slack.close();
      await sandbox.close();
      if (engine.postgresUrl && schema) await dropSchema(engine.postgresUrl, schema);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  open.add(world);
  return world;
}
