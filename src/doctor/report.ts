/**
 * How the doctor's results are shown (pure): a checklist grouped by part, or JSON; the
 * exit code; and the last line of defence that keeps secrets out of both.
 */
import type { CheckResult, Part } from './check.ts';

const TITLES: Record<Part, string> = {
  config: 'Configuration',
  ouro: 'Ouro',
  slack: 'Slack',
  discord: 'Discord',
  store: 'Store',
  webhook: 'Ouro webhook',
};

const MARK = { pass: '✓', fail: '✗', skipped: '–' } as const;

function mark(r: CheckResult): string {
  return r.ok === 'skipped' ? MARK.skipped : r.ok ? MARK.pass : MARK.fail;
}

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

export function tally(results: readonly CheckResult[]): Tally {
  const t = { passed: 0, failed: 0, skipped: 0 };
  for (const r of results) {
    if (r.ok === 'skipped') t.skipped++;
    else if (r.ok) t.passed++;
    else t.failed++;
  }
  return t;
}

/** 0 when nothing failed (skipped parts are not configured, so they do not count), else 1. */
export function exitCode(results: readonly CheckResult[]): 0 | 1 {
  return tally(results).failed === 0 ? 0 : 1;
}

/** The checklist: parts in the order they first appear, a fix under each failure, a tally last. */
export function formatText(results: readonly CheckResult[]): string {
  const lines: string[] = [];
  const parts = [...new Set(results.map((r) => r.part))];
  for (const part of parts) {
    lines.push(TITLES[part]);
    for (const r of results.filter((x) => x.part === part)) {
      lines.push(`  ${mark(r)} ${r.name}: ${r.detail}`);
      if (r.ok === false && r.fix) lines.push(`      fix: ${r.fix}`);
    }
  }
  const t = tally(results);
  const verdict = t.failed === 0 ? 'all configured parts work' : `${t.failed} to fix`;
  lines.push('', `${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped: ${verdict}`);
  return `${lines.join('\n')}\n`;
}

/** `--json`: `{ ok, passed, failed, skipped, checks: [...] }`, one document. */
export function formatJson(results: readonly CheckResult[]): string {
  const t = tally(results);
  return `${JSON.stringify({ ok: t.failed === 0, ...t, checks: results }, null, 2)}\n`;
}

/** Values shorter than this are not treated as secrets: replacing them would mangle words. */
const MIN_SECRET_LENGTH = 6;

/**
 * Replaces every occurrence of a secret in details and fixes. The checks never put one
 * there on purpose; this catches a library error message that quotes a token.
 */
export function redact(results: readonly CheckResult[], secrets: readonly (string | undefined)[]): CheckResult[] {
  const list = [...new Set(secrets.filter((s): s is string => !!s && s.length >= MIN_SECRET_LENGTH))].sort((a, b) => b.length - a.length);
  const clean = (text: string) => list.reduce((t, s) => t.split(s).join('[secret]'), text);
  return results.map((r) => ({ ...r, detail: clean(r.detail), ...(r.fix !== undefined ? { fix: clean(r.fix) } : {}) }));
}
