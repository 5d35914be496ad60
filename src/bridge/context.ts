/** What the job handlers share: the ports, plus the bot's Ouro identity learnt at start. */
import type { Accounts } from '../accounts/types.ts';
import type { Logger } from '../log.ts';
import type { Platform, Store } from '../store/types.ts';
import type { BridgeMetrics, OuroPort } from './ports.ts';
import type { ChatAdapter } from './types.ts';

export interface BridgeContext {
  store: Store;
  ouro: OuroPort;
  adapters: ReadonlyMap<Platform, ChatAdapter>;
  logger: Logger;
  metrics: BridgeMetrics;
  now: () => number;
  /** FILE_MAX_BYTES and the directory downloads wait in. */
  files: { maxBytes: number; tmpDir: string };
  /** Linked accounts: whose own client writes a person's messages (as-person.ts). */
  accounts?: Accounts;
  /** Ouro's web address for links back to Ouro (default https://ouro.foundation). */
  webBaseUrl?: string;
  /** The bridge's Ouro user id; throws before `start()` has run `whoami`. */
  botUserId(): string;
}
