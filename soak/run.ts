/**
 * `npm run soak`: the reliability suite. Loopback only, bounded in time; every bridge it
 * starts is a child process that it kills on any exit. Row 0 first shows that the judges
 * can fail (self-test.ts). Scenarios:
 *   1. kill -9 of the bridge at random points of a burst, restarted each time (SQLite);
 *   2. two replicas on PostgreSQL sharing the burst, one killed -9 and not restarted;
 *   3. Ouro down for a while (connections dropped, then 500s), then a 429 storm;
 *   4. Slack redelivering every event (three POSTs each), some copies concurrently;
 *   5. fast-check fuzzing of the parsers and converters;
 *   6. load: slow forged-signature requests and huge query answers (RSS, /healthz).
 * Each prints a row as it ends; the run ends with one table and exits 1 on any loss,
 * double, order break, dead job or crash (2 on bad usage).
 *
 * Flags: --quick (small counts, a smoke run), --seed N (replay kill points and fuzz cases),
 * --only 1,3,5 (run some scenarios).
 */
import { cpus, loadavg } from 'node:os';
import { killAll } from './children.ts';
import { countProcessFaults, faultCount, processFaults } from './process-faults.ts';
import { makeRng } from './rng.ts';
import { fuzzScenario } from './scenario-fuzz.ts';
import { loadScenario } from './scenario-load.ts';
import { killScenario } from './scenario-kill.ts';
import { outageScenario } from './scenario-outage.ts';
import { replicasScenario } from './scenario-replicas.ts';
import { slackRetriesScenario } from './scenario-slack-retries.ts';
import { selfTest } from './self-test.ts';
import { sizes, type Sizes } from './sizes.ts';
import { closeAllWorlds } from './world.ts';
import { checkRow, printRow, renderTable, type Row } from './table.ts';

interface Flags {
  quick: boolean;
  seed: number;
  only?: Set<number>;
}

function parseFlags(argv: string[]): Flags {
  const flags: Flags = { quick: false, seed: Math.floor(Math.random() * 2 ** 31) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = () => {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--quick') flags.quick = true;
    else if (a.startsWith('--seed')) {
      flags.seed = Number(value());
      if (!Number.isInteger(flags.seed)) throw new Error('--seed must be an integer');
    } else if (a.startsWith('--only')) {
      flags.only = new Set(value().split(',').map(Number));
      if ([...flags.only].some((n) => !(n >= 1 && n <= 6))) throw new Error('--only takes scenario numbers 1–6, e.g. --only 1,3');
    } else if (a === '--help' || a === '-h') {
      process.stdout.write('Usage: npm run soak -- [--quick] [--seed N] [--only 1,2,3,4,5,6]\n');
      process.exit(0);
    } else throw new Error(`unknown argument "${a}" (try --help)`);
  }
  return flags;
}

function guard(): void {
  countProcessFaults();
  process.on('exit', () => killAll());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      const n = killAll();
      process.stderr.write(`\nsoak: ${sig}; killed ${n} bridge process(es), cleaning up\n`);
      const bound = new Promise((r) => setTimeout(r, 3000).unref());
      void Promise.race([closeAllWorlds(), bound]).finally(() => process.exit(130));
    });
  }
}

function budgetLine(s: Sizes, only: Set<number> | undefined): string {
  const on = (n: number) => !only || only.has(n);
  const parts: string[] = [];
  if (on(1)) parts.push(`1: ≤ ${s.kill.budgetMs / 1000} s`);
  if (on(2)) parts.push(`2: ≤ ${s.replicas.budgetMs / 1000} s`);
  if (on(3)) parts.push(`3: ≤ ${s.outage.budgetMs / 1000} s (outage ${s.outage.downMs / 1000} s + storm ${s.outage.stormMs / 1000} s)`);
  if (on(4)) parts.push(`4: ≤ ${s.retries.budgetMs / 1000} s`);
  if (on(5)) parts.push(`5: ${s.fuzzRuns} cases × target`);
  if (on(6)) parts.push(`6: ≤ ${s.load.budgetMs / 1000} s`);
  const total = [
    on(1) && s.kill.budgetMs,
    on(2) && s.replicas.budgetMs,
    on(3) && s.outage.budgetMs,
    on(4) && s.retries.budgetMs,
    on(6) && s.load.budgetMs,
  ].reduce<number>((a, b) => a + (b || 0), 0);
  return `budget: ${parts.join('; ')}; hard bound ≈ ${Math.ceil(total / 60_000)} min + fuzz`;
}

async function main(): Promise<number> {
  let flags: Flags;
  try {
    flags = parseFlags(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`soak: ${(err as Error).message}\n`);
    return 2;
  }
  guard();
  const s = sizes(flags.quick);
  const on = (n: number) => n === 0 || !flags.only || flags.only.has(n);
  const pgUrl = process.env.TEST_DATABASE_URL ?? (process.env.DATABASE_URL?.startsWith('postgres') ? process.env.DATABASE_URL : undefined);
  process.stdout.write(
    `ouro-bridge soak${flags.quick ? ' --quick' : ''} --seed ${flags.seed}\n` +
      `machine: ${cpus().length} cores, load ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}\n${budgetLine(s, flags.only)}\n\n`,
  );
  const t0 = Date.now();
  const rows: Row[] = [];
  const run = async (n: number, title: string, fn: () => Promise<Row | Row[]>) => {
    if (!on(n)) return;
    process.stdout.write(`[${n}] ${title}\n`);
    const at = Date.now();
    try {
      const got = await fn();
      for (const r of Array.isArray(got) ? got : [got]) {
        rows.push(r);
        printRow(r);
      }
    } catch (err) {
      const r = checkRow({
        scenario: `${n} ${title}`,
        tried: 'did not finish',
        crashes: 1,
        seconds: (Date.now() - at) / 1000,
        verdict: 'FAIL',
        note: `the scenario failed: ${(err as Error).stack?.split('\n').slice(0, 3).join(' | ') ?? String(err)}`,
      });
      rows.push(r);
      printRow(r);
    }
    killAll();
  };
  await run(0, 'the judges can fail', () => selfTest());
  await run(1, 'kill -9 during a burst', () => killScenario(s.kill, makeRng(flags.seed)));
  await run(2, 'two replicas, one killed', () => replicasScenario(s.replicas, makeRng(flags.seed + 1), pgUrl));
  await run(3, 'Ouro down, then a 429 storm', () => outageScenario(s.outage));
  await run(4, 'Slack retries of every event', () => slackRetriesScenario(s.retries));
  await run(5, 'fuzzing', () => fuzzScenario(s.fuzzRuns, flags.seed));
  await run(6, 'slow requests and huge answers', () => loadScenario(s.load));

  const faults = faultCount();
  rows.push(
    checkRow({
      scenario: 'soak process',
      tried: 'whole run',
      crashes: faults,
      seconds: (Date.now() - t0) / 1000,
      verdict: faults === 0 ? 'pass' : 'FAIL',
      note: `${processFaults.unhandledRejections} unhandled rejections, ${processFaults.uncaughtExceptions} uncaught exceptions${processFaults.last ? `; last: ${processFaults.last}` : ''}`,
    }),
  );
  const failed = rows.filter((r) => r.verdict === 'FAIL').length;
  process.stdout.write(
    `\n${renderTable(rows)}\nseed ${flags.seed}${flags.quick ? ' (--quick)' : ''}; ${((Date.now() - t0) / 1000).toFixed(0)} s; load now ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${failed === 0 ? 'all passed' : `${failed} FAILED`}\n`,
  );
  return failed === 0 ? 0 : 1;
}

const code = await main();
killAll();
process.exit(code);
