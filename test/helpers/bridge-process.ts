/**
 * The real `ouro-bridge start` as a child process in Socket Mode against the Slack fake and
 * the Ouro sandbox, on a SQLite file: what the kill -9 tests kill and start again.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Sandbox } from '../../src/sandbox/index.ts';
import type { FakeSlack } from './fake-slack.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export interface BridgeProcess {
  child: ChildProcessWithoutNullStreams;
  /** What it wrote to stderr so far (its warnings and errors). */
  err(): string;
}

/** `logLevel`: KILL_LOG=debug shows the children's logs in a failure's message. */
export function startBridgeProcess(o: { sandbox: Sandbox; fake: FakeSlack; dbPath: string; appToken: string; logLevel?: string }): BridgeProcess {
  const child = spawn(process.execPath, [join(ROOT, 'bin/ouro-bridge.js'), 'start'], {
    cwd: ROOT,
    env: {
      OURO_API_KEY: o.sandbox.apiKey,
      OURO_BASE_URL: o.sandbox.url,
      SLACK_BOT_TOKEN: o.fake.files.botToken,
      SLACK_APP_TOKEN: o.appToken,
      SLACK_API_URL: o.fake.apiUrl,
      DATABASE_URL: `sqlite:${o.dbPath}`,
      HOST: '127.0.0.1',
      PORT: '0',
      LOG_LEVEL: o.logLevel ?? 'warn',
    },
  });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
  child.stdout.on('data', () => {});
  return { child, err: () => err };
}
