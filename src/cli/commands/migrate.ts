/**
 * `ouro-bridge migrate`: applies the store's pending migrations and says which ran.
 * `start` migrates on open too; this command lets an operator do it ahead of a deploy.
 * `--copy-from` also copies a SQLite store into the PostgreSQL one (src/store/copy.ts).
 */
import { existsSync } from 'node:fs';
import { loadConfig, parseDatabaseUrl, type StoreTarget } from '../../config.ts';
import { createLogger } from '../../log.ts';
import { migrateStore } from '../../store/index.ts';
import { copySqliteToPostgres } from '../../store/copy.ts';
import { parseFlags, UsageError, type CliCommand } from '../main.ts';

const USAGE = `Usage: ouro-bridge migrate [--database-url URL] [--schema NAME] [--copy-from SQLITE_PATH]

  --database-url URL  the store to migrate (default: DATABASE_URL, else ./data/ouro-bridge.db):
                      postgres://… for PostgreSQL; a file path, sqlite:PATH or file:PATH for SQLite
  --schema NAME       PostgreSQL only: the schema to migrate (created if missing)
  --copy-from PATH    PostgreSQL only: then copy the SQLite store at PATH into it (links, thread
                      links, message map, cursors, watches, snapshots, state and the job queue).
                      Stop the bridge first. Rows the target already has are kept, so the copy
                      can be run again.

Idempotent: running it again applies nothing.`;

/** What to print for a store: the SQLite path, or the PostgreSQL URL without credentials. */
export function describeTarget(target: StoreTarget): string {
  if (target.engine === 'sqlite') return `SQLite ${target.path}`;
  try {
    const u = new URL(target.url);
    u.username = '';
    u.password = '';
    return `PostgreSQL ${u.toString()}`;
  } catch {
    return 'PostgreSQL (unparseable URL)';
  }
}

export const command: CliCommand = {
  summary: 'Apply pending store migrations (SQLite or PostgreSQL) and list what ran',
  usage: USAGE,
  async run(args) {
    const { flags, positional } = parseFlags(args, { 'database-url': 'string', schema: 'string', 'copy-from': 'string' });
    if (positional.length) throw new UsageError(`unexpected argument "${positional[0]}"`);
    const config = loadConfig();
    const url = flags['database-url'] as string | undefined;
    const target = url === undefined ? config.store : parseDatabaseUrl(url);
    const schema = flags.schema as string | undefined;
    if (schema !== undefined && target.engine !== 'postgres') throw new UsageError('--schema is for PostgreSQL only');
    const copyFrom = flags['copy-from'] as string | undefined;
    const source = copyFrom === undefined ? undefined : parseDatabaseUrl(copyFrom);
    if (source && target.engine !== 'postgres')
      throw new UsageError('--copy-from copies into PostgreSQL: set --database-url (or DATABASE_URL) to postgres://…');
    if (source && source.engine !== 'sqlite') throw new UsageError("--copy-from takes the SQLite store's path (or sqlite:PATH)");
    // Checked before migrating, so a mistyped path changes nothing.
    if (source?.engine === 'sqlite' && !existsSync(source.path)) throw new UsageError(`--copy-from: no SQLite store at ${source.path}`);
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, pretty: false });
    const where = `${describeTarget(target)}${schema ? ` (schema ${schema})` : ''}`;
    let report;
    try {
      report = await migrateStore(target, { logger, ...(schema ? { schema } : {}) });
    } catch (err) {
      // An unreachable database or a failed migration is an operator's problem: one line.
      process.stderr.write(`ouro-bridge migrate: ${where}: ${(err as Error).message}\n`);
      return 1;
    }
    const lines = report.applied.length
      ? [`${where}: applied ${report.applied.length} migration(s):`, ...report.applied.map((m) => `  ${m}`)]
      : [`${where}: up to date (${report.all.length} migration(s) applied earlier)`];
    process.stdout.write(`${lines.join('\n')}\n`);
    if (source?.engine !== 'sqlite' || target.engine !== 'postgres') return 0;
    try {
      const copied = await copySqliteToPostgres(source, target, { logger, ...(schema ? { schema } : {}) });
      const rows = Object.entries(copied.tables).map(
        ([t, n]) => `  ${t}: ${n.copied} copied${n.read !== n.copied ? ` (${n.read - n.copied} already there)` : ''}`,
      );
      process.stdout.write(`copied ${describeTarget(source)} into ${where}:\n${rows.join('\n')}\n`);
      return 0;
    } catch (err) {
      process.stderr.write(`ouro-bridge migrate: copying ${describeTarget(source)}: ${(err as Error).message}\n`);
      return 1;
    }
  },
};
