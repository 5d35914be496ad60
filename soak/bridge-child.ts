/**
 * One bridge process for the soak suite: the production runtime (`createApp`, as `ouro-bridge
 * start` builds it: default retry policy, lease, concurrency, poll) with the environment
 * handed over as JSON in argv[2], plus `storeSchema` so two replicas can share a random
 * PostgreSQL schema (the CLI has no flag for that).
 *
 * Prints `{"ready":"http://…"}` on stdout once it listens; logs go to stderr. SIGTERM stops
 * it in order (src/app.ts). It exits when its stdin closes, so a soak runner that dies,
 * even by SIGKILL, leaves no bridge behind.
 */
import { createApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';

interface ChildArgs {
  env: Record<string, string>;
  storeSchema?: string;
}

const args = JSON.parse(process.argv[2] ?? '{}') as ChildArgs;
process.stdin.on('end', () => process.exit(3));
process.stdin.on('data', () => undefined);

const config = loadConfig(args.env, { requireOuro: true });
const app = await createApp(config, args.storeSchema ? { storeSchema: args.storeSchema } : {});
const { url } = await app.start();
process.stdout.write(`${JSON.stringify({ ready: url })}\n`);
process.once('SIGTERM', () => {
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});
