/**
 * `ouro-bridge demo`: the whole product on one machine with no accounts. A seeded Ouro
 * sandbox (in memory, free port), the bridge with embedded SQLite in a temp dir, and the
 * console adapter on this terminal with #lab linked to the sandbox's lab org and thread
 * mirroring on. `!ouro <user> <N> <text>` makes a seeded Ouro user answer in thread N from
 * the Ouro side, so both directions can be seen.
 */
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createConsoleAdapter, CONSOLE_CHANNEL, CONSOLE_WORKSPACE, type ConsoleExtra } from '../../adapters/console/index.ts';
import { createApp } from '../../app.ts';
import { loadConfig } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { SEED_IDS, startSandbox, type Sandbox } from '../../sandbox/index.ts';
import type { Store } from '../../store/types.ts';
import { parseFlags, UsageError, untilSignal, type CliCommand } from '../main.ts';

const USAGE = `Usage: ouro-bridge demo [--port N] [--log-level LEVEL] [--keep]

Starts a seeded Ouro sandbox and the bridge with a console chat on this terminal.
  --port N           the bridge's HTTP port (default: a free one)
  --log-level LEVEL  bridge log level; logs go to a file in the demo's temp dir (default info)
  --keep             keep the temp dir (SQLite store, logs) after exit`;

/** `!ouro alice 3 text`: a seeded Ouro user writes in the conversation mirrored by thread 3. */
function ouroAs(sandbox: Sandbox, store: Store): ConsoleExtra {
  return {
    usage: '!ouro <user> <N> <text>',
    async run(args, ctx) {
      const names = Object.keys(sandbox.users).join(', ');
      const m = /^(\S+)\s+(?:#?(\d+)\s+)?([\s\S]+)$/.exec(args.trim());
      if (!m) return ctx.print(`! usage: !ouro <user> <N> <text>, where <user> is one of ${names} and N a thread's message number`);
      const [, username, n, text] = m as unknown as [string, string, string | undefined, string];
      if (!sandbox.users[username]) return ctx.print(`! no Ouro user "${username}" in the sandbox; try one of ${names}`);
      const thread = n === undefined ? ctx.thread : ctx.rootOf(Number(n));
      if (n !== undefined && thread === undefined) return ctx.print(`! no message #${n} in this session`);
      const link = await store.getThreadLink({ platform: 'console', workspace: CONSOLE_WORKSPACE, channel: CONSOLE_CHANNEL, thread: thread ?? '' });
      if (!link) {
        return ctx.print(
          thread === undefined
            ? '! say which thread: !ouro <user> <N> <text> (the top level of #lab is not mirrored in threads mode)'
            : `! thread #${thread} has no Ouro conversation yet: reply in it first (>${thread} some text), then try again`,
        );
      }
      await sandbox.postAs(username, link.conversationId, text);
      ctx.print(`   (${username} wrote on Ouro; the bridge relays it into thread #${thread} in a moment)`);
    },
  };
}

function intro(o: { sandboxUrl: string; bridgeUrl: string; org: string; logFile: string; users: string[]; aliceKey?: string }): string {
  return `
ouro-bridge demo: a local Ouro sandbox and the bridge, chatting in this terminal.
  Ouro sandbox  ${o.sandboxUrl}
  bridge        ${o.bridgeUrl}   (/healthz, /readyz, /metrics)
  #lab is linked to the Ouro org "${o.org}", thread mirroring on. Ouro users: ${o.users.join(', ')}.

Try, one line at a time:
  hello lab                  post in #lab; it gets a number, say #1
  >1 first reply             reply in thread #1: the thread becomes an Ouro conversation
  !ouro alice 1 hi from Ouro alice answers on Ouro; her message comes back into thread #1
  !edit 2 better reply       edits reach Ouro too (and !delete 2)
${
  o.aliceKey
    ? `  /ouro login ${o.aliceKey}
                             act as alice on Ouro (her sandbox API key); /ouro whoami, /ouro logout
`
    : ''
}  /ouro help                 the bridge's commands: /ouro datasets, /ouro query penguins, /ouro quest list…
  /help                      the console's keys
Ctrl-D or Ctrl-C quits. Bridge logs: ${o.logFile}
`;
}

export const command: CliCommand = {
  summary: 'Try the bridge with no accounts: Ouro sandbox + bridge + a console chat',
  usage: USAGE,
  async run(args) {
    const { flags, positional } = parseFlags(args, { port: 'string', 'log-level': 'string', keep: 'boolean' });
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const dir = mkdtempSync(join(tmpdir(), 'ouro-bridge-demo-'));
    const logFile = join(dir, 'bridge.log');
    const secret = randomBytes(18).toString('base64url');
    const sandbox = await startSandbox({ seed: 'demo' });
    let cleanup = async () => {
      await sandbox.close();
      if (!flags.keep) rmSync(dir, { recursive: true, force: true });
    };
    try {
      // The demo's own environment, not the process's: it must not pick up a real OURO_API_KEY.
      const config = loadConfig({
        OURO_API_KEY: sandbox.apiKey,
        OURO_BASE_URL: sandbox.url,
        DATABASE_URL: `sqlite:${join(dir, 'bridge.db')}`,
        HOST: '127.0.0.1',
        PORT: (flags.port as string | undefined) ?? '0',
        OURO_WEBHOOK_SECRET: secret,
        // A fresh key per run, so `/ouro login` works in the demo (links live in its temp store).
        BRIDGE_SECRET_KEY: randomBytes(32).toString('base64'),
        LOG_LEVEL: (flags['log-level'] as string | undefined) ?? 'info',
      });
      const logger = createLogger({ level: config.logLevel, pretty: false, destination: createWriteStream(logFile), secrets: [secret] });
      let inputEnded!: () => void;
      const ended = new Promise<void>((r) => (inputEnded = r));
      let store: Store | undefined;
      const console = createConsoleAdapter({
        input: process.stdin,
        output: process.stdout,
        user: { id: 'console-user', name: safeUserName() },
        session: `demo-${Date.now().toString(36)}`,
        extras: { ouro: { usage: '!ouro <user> <N> <text>', run: (a, ctx) => ouroAs(sandbox, store!).run(a, ctx) } },
        onInputEnd: inputEnded,
      });
      const app = await createApp(config, { logger, adapters: [console] });
      store = app.store;
      cleanup = ((sandboxCleanup) => async () => {
        await app.stop();
        await sandboxCleanup();
      })(cleanup);
      const org = sandbox.state.orgs.find((o) => o.id === SEED_IDS.orgLab);
      await app.store.upsertChannelLink({
        platform: 'console',
        workspace: CONSOLE_WORKSPACE,
        channel: CONSOLE_CHANNEL,
        orgId: SEED_IDS.orgLab,
        orgName: org?.name ?? null,
        teamId: null,
        teamName: null,
        mirrorMode: 'threads',
        updatedBy: 'demo',
      });
      const { url } = await app.start();
      sandbox.setWebhookUrl(`${url}/ouro/webhooks/${secret}`);
      console.print(
        intro({
          sandboxUrl: sandbox.url,
          bridgeUrl: url,
          org: org?.name ?? SEED_IDS.orgLab,
          logFile,
          users: Object.keys(sandbox.users),
          aliceKey: sandbox.userApiKeys.alice,
        }),
      );
      await Promise.race([untilSignal(), ended]);
      console.print('\nstopping…');
      return 0;
    } finally {
      await cleanup();
    }
  },
};

function safeUserName(): string {
  try {
    return userInfo().username || 'you';
  } catch {
    return 'you';
  }
}
