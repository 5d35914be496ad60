/** How big and how long each scenario is: the full run, and `--quick` (a smoke run). */
import type { KillOptions } from './scenario-kill.ts';
import type { OutageOptions } from './scenario-outage.ts';
import type { ReplicaOptions } from './scenario-replicas.ts';
import type { RetriesOptions } from './scenario-slack-retries.ts';
import type { LoadOptions } from './scenario-load.ts';

export interface Sizes {
  kill: KillOptions;
  replicas: ReplicaOptions;
  outage: OutageOptions;
  retries: RetriesOptions;
  load: LoadOptions;
  fuzzRuns: number;
}

export function sizes(quick: boolean): Sizes {
  if (quick) {
    return {
      kill: { threads: 10, perThread: 30, kills: 2, budgetMs: 120_000 },
      replicas: { threads: 10, perThread: 30, budgetMs: 120_000 },
      outage: { threads: 6, downMs: 8_000, stormMs: 4_000, budgetMs: 120_000 },
      retries: { threads: 10, perThread: 6, budgetMs: 60_000 },
      load: { slowRequests: 50, queries: 3, answerBytes: 20_000_000, budgetMs: 60_000 },
      fuzzRuns: 500,
    };
  }
  return {
    kill: { threads: 50, perThread: 100, kills: 3, budgetMs: 240_000 },
    replicas: { threads: 50, perThread: 100, budgetMs: 300_000 },
    // The 60 s outage; the default retry policy (src/bridge/index.ts) must outlast it.
    outage: { threads: 20, downMs: 60_000, stormMs: 20_000, budgetMs: 240_000 },
    retries: { threads: 50, perThread: 20, budgetMs: 120_000 },
    // The numbers: 250 slow unsigned requests and three 150 MB query results at once.
    load: { slowRequests: 250, queries: 3, answerBytes: 150_000_000, budgetMs: 90_000 },
    fuzzRuns: 10_000,
  };
}
