/**
 * Scenario 5: fast-check over fuzz-targets.ts, `runs` cases per target. A case fails when
 * the target throws anything but its documented error type, or breaks an invariant; the
 * run also fails when a promise rejection goes unhandled or an exception uncaught while the
 * target runs. One row per target, with the seed and the shrunk counterexample to replay:
 * `npm run soak -- --only 5 --seed <seed>` (target i uses fast-check seed `seed + i`).
 */
import fc from 'fast-check';
import { TARGETS, type Target } from './fuzz-targets.ts';
import { faultCount } from './process-faults.ts';
import { checkRow, type Row } from './table.ts';

/** A hang in one case cannot be cut short (the code is synchronous); this bounds the rest. */
const TIME_LIMIT_MS = 90_000;

const show = (v: unknown) => {
  let s: string;
  try {
    s = JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x === undefined ? '<undefined>' : x));
  } catch {
    s = String(v);
  }
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
};

export async function fuzzTarget(target: Target, runs: number, seed: number): Promise<Row> {
  const started = Date.now();
  let documented = 0;
  const faultsBefore = faultCount();
  const property = fc.property(target.arb, (input) => {
    try {
      target.run(input);
    } catch (err) {
      if (target.allowed?.(err)) {
        documented++;
        return true;
      }
      throw err;
    }
    return true;
  });
  const details = fc.check(property, { numRuns: runs, seed, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: false });
  // Let anything a target scheduled (a stray promise) settle, so its rejection is counted here.
  await new Promise((r) => setTimeout(r, 10));
  const faults = faultCount() - faultsBefore;
  const failed = details.failed ? 1 : 0;
  const ran = details.numRuns;
  const err = details.errorInstance as Error | null;
  const finding = details.failed
    ? `FOUND after ${ran} cases: ${err?.name ?? 'Error'}: ${String(err?.message ?? err).slice(0, 200)} on ${show(details.counterexample?.[0])} (replay: fast-check seed ${seed}, path "${details.counterexamplePath}")`
    : '';
  return checkRow({
    scenario: `5 fuzz ${target.name}`,
    tried: `${ran} cases`,
    crashes: failed + faults,
    seconds: (Date.now() - started) / 1000,
    verdict: failed + faults === 0 && ran >= runs ? 'pass' : 'FAIL',
    note:
      `${target.what}; seed ${seed}; ` +
      (target.allowed ? `${documented} inputs got the documented error; ` : '') +
      (faults ? `${faults} unhandled rejections/uncaught exceptions; ` : '') +
      (!details.failed && ran < runs ? `stopped after ${ran} of ${runs} cases (time limit ${TIME_LIMIT_MS / 1000} s); ` : '') +
      (finding || 'no crash'),
  });
}

export async function fuzzScenario(runs: number, seed: number): Promise<Row[]> {
  const rows: Row[] = [];
  for (const [i, target] of TARGETS.entries()) rows.push(await fuzzTarget(target, runs, seed + i));
  return rows;
}
