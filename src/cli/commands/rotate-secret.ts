/**
 * `ouro-bridge rotate-secret`: re-seals every linked person's Ouro key from BRIDGE_SECRET_KEY
 * to BRIDGE_SECRET_KEY_NEW (both from the environment, never the command line, which other
 * users of the machine can read). Then set BRIDGE_SECRET_KEY to the new value and restart.
 */
import { loadConfig } from '../../config.ts';
import { rotateSecret } from '../../accounts/rotate.ts';
import { createLogger } from '../../log.ts';
import { openStore } from '../../store/index.ts';
import { describeTarget } from './migrate.ts';
import { UsageError, type CliCommand } from '../main.ts';

const USAGE = `Usage: BRIDGE_SECRET_KEY=<current> BRIDGE_SECRET_KEY_NEW=<new> ouro-bridge rotate-secret

Re-encrypts every linked Ouro API key under the new secret, in one transaction. Stop the
bridge first (a running bridge keeps using the old secret), then set BRIDGE_SECRET_KEY to the
new value and start it again. Make a new secret with: openssl rand -base64 32`;

export const command: CliCommand = {
  summary: 'Re-encrypt linked Ouro keys under a new BRIDGE_SECRET_KEY',
  usage: USAGE,
  async run(args) {
    if (args.length) throw new UsageError(`unexpected argument "${args[0]}"`);
    const config = loadConfig();
    if (!config.secretKey) throw new UsageError('BRIDGE_SECRET_KEY (the current secret) is not set');
    if (!config.secretKeyNew) throw new UsageError('BRIDGE_SECRET_KEY_NEW (the secret to move to) is not set');
    if (config.secretKey.equals(config.secretKeyNew)) throw new UsageError('BRIDGE_SECRET_KEY_NEW is the same as BRIDGE_SECRET_KEY');
    const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel, pretty: false });
    const store = await openStore(config.store, { logger });
    try {
      const r = await rotateSecret(store, config.secretKey, config.secretKeyNew);
      process.stdout.write(
        `${describeTarget(config.store)}: ${r.resealed} linked key(s) now sealed under BRIDGE_SECRET_KEY_NEW.` +
          (r.unreadable ? ` ${r.unreadable} did not open under BRIDGE_SECRET_KEY and were left as they are (those people must /ouro login again).` : '') +
          '\nNow set BRIDGE_SECRET_KEY to the new value and start the bridge.\n',
      );
      return 0;
    } finally {
      await store.close();
    }
  },
};
