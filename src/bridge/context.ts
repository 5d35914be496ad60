/** What the job handlers share: the ports, plus the bot's Ouro identity learnt at start. */
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
  /** Ouro's web address for links back to Ouro (default https://ouro.foundation). */
  webBaseUrl?: string;
  /** The bridge's Ouro user id; throws before `start()` has run `whoami`. */
  botUserId(): string;
}
