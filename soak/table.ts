/** One row per scenario (or fuzz target), and the one table the run ends with. */

export interface Row {
  scenario: string;
  /** What it tried, in a few words. */
  tried: string;
  expected: number | null;
  found: number | null;
  doubles: number | null;
  orderBreaks: number | null;
  dead: number | null;
  /** Processes that died unasked, throws other than the documented ones, unhandled rejections. */
  crashes: number | null;
  seconds: number;
  /** 'skip' prints SKIP and does not fail the run. */
  verdict: 'pass' | 'FAIL' | 'skip';
  note: string;
}

/** A row that counts no messages (fuzzing, a skip, a failure to finish): only crashes, if anything. */
export function checkRow(r: Pick<Row, 'scenario' | 'tried' | 'seconds' | 'verdict' | 'note'> & { crashes?: number | null }): Row {
  return { expected: null, found: null, doubles: null, orderBreaks: null, dead: null, crashes: null, ...r };
}

/** Pass only when nothing was lost, doubled, reordered, left dead or crashed (and extra checks hold). */
export function verdictOf(r: Omit<Row, 'verdict'>, extraOk = true): Row['verdict'] {
  const zero = (v: number | null) => v === null || v === 0;
  const complete = r.expected === null || r.found === r.expected;
  return complete && zero(r.doubles) && zero(r.orderBreaks) && zero(r.dead) && zero(r.crashes) && extraOk ? 'pass' : 'FAIL';
}

const cell = (v: number | null) => (v === null ? '–' : String(v));

export function printRow(r: Row): void {
  const counts = r.expected === null ? '' : ` ${r.found}/${r.expected}`;
  process.stdout.write(
    `  → ${r.verdict.toUpperCase()} ${r.scenario}:${counts} doubles ${cell(r.doubles)}, order ${cell(r.orderBreaks)}, dead ${cell(r.dead)}, crashes ${cell(r.crashes)}, ${r.seconds.toFixed(1)} s — ${r.note}\n`,
  );
}

export function renderTable(rows: readonly Row[]): string {
  const head = ['scenario', 'tried', 'expected', 'found', 'doubles', 'order', 'dead', 'crashes', 'time', 'result'];
  const body = rows.map((r) => [
    r.scenario,
    r.tried,
    cell(r.expected),
    cell(r.found),
    cell(r.doubles),
    cell(r.orderBreaks),
    cell(r.dead),
    cell(r.crashes),
    `${r.seconds.toFixed(1)} s`,
    r.verdict === 'skip' ? 'SKIP' : r.verdict === 'pass' ? 'pass' : 'FAIL',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  const out = [line(head), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...body.map(line)];
  const notes = rows.map((r) => `- ${r.scenario}: ${r.note}`);
  return `${out.join('\n')}\n\n${notes.join('\n')}\n`;
}
