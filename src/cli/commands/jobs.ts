/**
 * `ouro-bridge jobs`: the operator's view of the durable queue. Dead jobs (out of retries)
 * wait here until someone retries or drops them; nothing leaves the queue silently.
 */
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { openStore } from '../../store/index.ts';
import type { Job, JobState, Store } from '../../store/types.ts';
import { parseFlags, UsageError, type CliCommand } from '../main.ts';

const STATES: readonly JobState[] = ['pending', 'running', 'done', 'dead'];

const USAGE = `Usage: ouro-bridge jobs <list|retry|drop> [options]

  jobs list [--state pending|running|done|dead] [--lane LANE] [--limit N] [--json]
                      list jobs, oldest first (default: every state, 50 rows)
  jobs retry <id>     run a dead (or waiting) job again now, with its attempts reset
  jobs drop <id>      remove a job for good

Reads DATABASE_URL like \`start\` does.`;

const when = (ms: number) =>
  new Date(ms)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export function formatJobs(jobs: Job[]): string {
  const header = ['id', 'state', 'kind', 'attempts', 'next attempt', 'lane', 'last error'];
  const rows = jobs.map((j) => [
    String(j.id),
    j.state,
    j.kind,
    String(j.attempts),
    j.state === 'done' ? '-' : when(j.nextAttemptAt),
    cut(j.lane, 48),
    cut((j.lastError ?? '').replace(/\s+/g, ' '), 60),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function parseId(value: string | undefined): number {
  if (value === undefined || !/^\d+$/.test(value)) throw new UsageError(`expected a job id (a number), got ${value === undefined ? 'nothing' : `"${value}"`}`);
  return Number(value);
}

async function list(store: Store, args: string[]): Promise<number> {
  const { flags, positional } = parseFlags(args, { state: 'string', lane: 'string', limit: 'string', json: 'boolean' });
  if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const state = flags.state as string | undefined;
  if (state !== undefined && !STATES.includes(state as JobState)) throw new UsageError(`--state must be one of ${STATES.join(', ')}`);
  const limitText = (flags.limit as string | undefined) ?? '50';
  if (!/^\d+$/.test(limitText) || Number(limitText) < 1) throw new UsageError('--limit must be a positive number');
  const jobs = await store.listJobs({
    ...(state ? { state: state as JobState } : {}),
    ...(flags.lane ? { lane: flags.lane as string } : {}),
    limit: Number(limitText),
  });
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(jobs, null, 2)}\n`);
    return 0;
  }
  const counts = await store.countJobs();
  const summary = STATES.map((s) => `${counts[s]} ${s}`).join(', ');
  process.stdout.write(jobs.length ? `${formatJobs(jobs)}\n\n${summary}\n` : `no jobs${state ? ` in state ${state}` : ''} (${summary})\n`);
  return 0;
}

export const command: CliCommand = {
  summary: 'List, retry or drop jobs of the durable queue (dead jobs wait here)',
  usage: USAGE,
  async run(args) {
    const [sub, ...rest] = args;
    if (sub === undefined) throw new UsageError('which one: list, retry or drop?');
    if (!['list', 'retry', 'drop'].includes(sub)) throw new UsageError(`unknown jobs command "${sub}"`);
    const id = sub === 'list' ? 0 : parseId(rest[0]);
    if (sub !== 'list' && rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
    const config = loadConfig();
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, pretty: false });
    const store = await openStore(config.store, { logger });
    try {
      if (sub === 'list') return await list(store, rest);
      const before = await store.getJob(id);
      if (!before) {
        process.stderr.write(`ouro-bridge jobs: no job ${id}\n`);
        return 1;
      }
      if (sub === 'retry') {
        if (!(await store.retryJob(id))) {
          process.stderr.write(`ouro-bridge jobs: job ${id} is ${before.state}; only dead or pending jobs can be retried\n`);
          return 1;
        }
        process.stdout.write(`job ${id} (${before.kind}) is pending again and runs when the bridge next polls\n`);
        return 0;
      }
      await store.dropJob(id);
      process.stdout.write(`job ${id} (${before.kind}, ${before.state}) dropped\n`);
      return 0;
    } finally {
      await store.close();
    }
  },
};
