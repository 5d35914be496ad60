import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../log.ts';
import type { SandboxState } from './state.ts';

/**
 * `--file` persistence: the whole state as one JSON file, written at most every
 * `DEBOUNCE_MS` after a change (a burst of writes costs one file write), atomically via a
 * temporary file and rename, and flushed on close.
 */

const DEBOUNCE_MS = 250;

export function loadState(file: string): SandboxState | undefined {
  if (!existsSync(file)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`sandbox state file ${file} is not valid JSON (${(err as Error).message}); move it away to start fresh`);
  }
  const s = parsed as Partial<SandboxState>;
  if (!s || typeof s.secret !== 'string' || typeof s.botId !== 'string' || !Array.isArray(s.users) || !Array.isArray(s.conversations)) {
    throw new Error(`sandbox state file ${file} does not look like sandbox state; move it away to start fresh`);
  }
  // State files written before services existed.
  s.services ??= [];
  s.routes ??= [];
  s.actions ??= [];
  s.comments ??= [];
  return s as SandboxState;
}

export class Persister {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly file: string | undefined,
    private readonly state: SandboxState,
    private readonly logger: Logger,
  ) {}

  changed(): void {
    if (!this.file || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.write();
    }, DEBOUNCE_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.write();
  }

  private write(): void {
    if (!this.file) return;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.tmp`;
      writeFileSync(tmp, JSON.stringify(this.state));
      renameSync(tmp, this.file);
    } catch (err) {
      this.logger.error({ err, file: this.file }, 'sandbox: could not write the state file');
    }
  }
}
