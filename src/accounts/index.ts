/**
 * Linked accounts: people's Ouro API keys sealed in the store, and one Ouro client per
 * linked person, cached with a bound (least recently used out) and refreshing its token like
 * the bot's (the client's own TokenManager). Nothing here logs a key, a token or a sealed value.
 */
import { Agent } from 'undici';
import type { Logger } from '../log.ts';
import { createOuroClient, type OuroClient, type OuroClientOptions } from '../ouro/index.ts';
import { OuroError } from '../ouro/errors.ts';
import type { PersonKey, Store } from '../store/types.ts';
import { createSecretBox, type SecretBox } from './secret-box.ts';
import type { Accounts, Acting, LoginResult } from './types.ts';

export type { Accounts } from './types.ts';

/** People whose clients stay open at once; an active bridge has far fewer people typing at a time. */
export const CLIENT_CACHE_MAX = 200;

export interface AccountsDeps {
  store: Store;
  /** The bot's client: what unlinked people get. */
  bot: OuroClient;
  /** Unset: linking is off. */
  secretKey?: Buffer;
  ouro: Pick<OuroClientOptions, 'baseUrl' | 'timeoutMs' | 'retries' | 'userAgent'>;
  logger: Logger;
  cacheMax?: number;
  now?: () => number;
}

/** What the sealed key is bound to (AES-GCM additional data): the row it belongs to. */
export const personLabel = (p: PersonKey) => `${p.platform}:${p.workspace}:${p.chatUserId}`;

export function createAccounts(deps: AccountsDeps): Accounts {
  const box: SecretBox | undefined = deps.secretKey ? createSecretBox(deps.secretKey) : undefined;
  const now = deps.now ?? Date.now;
  const max = deps.cacheMax ?? CLIENT_CACHE_MAX;
  // One connection pool for every person's client.
  const pool = new Agent({ keepAliveTimeout: 30_000, connections: 32 });
  const clients = new Map<string, { client: OuroClient; sealed: string }>();
  const log = deps.logger.child({ component: 'accounts' });

  const clientOptions = (apiKey: string): OuroClientOptions => ({ ...deps.ouro, apiKey, dispatcher: pool, logger: log });

  function drop(label: string): void {
    const hit = clients.get(label);
    clients.delete(label);
    void hit?.client.close();
  }

  function cached(label: string, sealed: string, open: () => string): OuroClient {
    const hit = clients.get(label);
    if (hit && hit.sealed === sealed) {
      clients.delete(label);
      clients.set(label, hit); // most recent last
      return hit.client;
    }
    if (hit) drop(label);
    const client = createOuroClient(clientOptions(open()));
    clients.set(label, { client, sealed });
    while (clients.size > max) drop(clients.keys().next().value!);
    return client;
  }

  return {
    enabled: box !== undefined,

    async actingClient(person): Promise<Acting> {
      const bot: Acting = { ouro: deps.bot, as: 'bot' };
      if (!box) return bot;
      const link = await deps.store.getAccountLink(person);
      if (!link) return bot;
      if (link.brokenAt !== null) return { ...bot, link };
      const label = personLabel(person);
      try {
        return { ouro: cached(label, link.sealedKey, () => box.open(link.sealedKey, label)), as: 'person', link };
      } catch (err) {
        // Sealed under another secret (BRIDGE_SECRET_KEY changed without rotate-secret).
        log.error({ person: label, reason: (err as Error).message }, 'a linked key does not open; acting as the bot');
        return { ...bot, link };
      }
    },

    async login(person, apiKey, chat): Promise<LoginResult> {
      if (!box) return { ok: false, reason: 'linking is switched off on this bridge (BRIDGE_SECRET_KEY is not set)' };
      const key = apiKey.trim();
      if (key === '' || /\s/.test(key)) return { ok: false, reason: 'an Ouro API key is one word with no spaces' };
      const probe = createOuroClient({ ...clientOptions(key), retries: 0 });
      try {
        const me = await probe.auth.whoami();
        const profile = await probe.users.get(me.id).catch(() => undefined);
        const username = me.username ?? profile?.username ?? me.id;
        const name = (profile as { name?: string | null } | undefined)?.name ?? null;
        const label = personLabel(person);
        const link = {
          ...person,
          sealedKey: box.seal(key, label),
          ouroUserId: me.id,
          ouroUsername: username,
          ouroName: name,
          chatName: chat.name ?? null,
          chatAvatarUrl: chat.avatarUrl ?? null,
          linkedAt: now(),
        };
        await deps.store.putAccountLink(link);
        drop(label);
        log.info({ person: label, ouroUser: me.id }, 'account linked');
        return { ok: true, link: { ...link, brokenAt: null } };
      } catch (err) {
        if (err instanceof OuroError && err.status > 0 && err.status < 500) return { ok: false, reason: `Ouro said: ${err.message}` };
        if (err instanceof OuroError) return { ok: false, reason: `Ouro could not check the key right now (${err.message}); try again in a minute` };
        throw err;
      } finally {
        await probe.close();
      }
    },

    async logout(person) {
      drop(personLabel(person));
      return deps.store.deleteAccountLink(person);
    },

    whoami: (person) => deps.store.getAccountLink(person),

    async markBroken(person) {
      const label = personLabel(person);
      drop(label);
      const first = await deps.store.markAccountLinkBroken(person, now());
      if (first) log.warn({ person: label }, 'a linked Ouro key stopped working (401 after a fresh exchange)');
      return first;
    },

    async close() {
      for (const label of [...clients.keys()]) drop(label);
      await pool.close();
    },
  };
}
