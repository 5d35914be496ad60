import type { AddressInfo } from 'node:net';
import { silentLogger, type Logger } from '../log.ts';
import type { App } from './app.ts';
import { newApiKey } from './auth.ts';
import { controlRoutes } from './control.ts';
import { Faults, type FaultControl } from './faults.ts';
import { markdownToDoc } from './markdown.ts';
import { loadState, Persister } from './persist.ts';
import { ApiError, Router } from './router.ts';
import { conversationsRoutes, createMessage } from './routes/conversations.ts';
import { datasetsRoutes } from './routes/datasets.ts';
import { entriesRoutes } from './routes/entries.ts';
import { DEFAULT_UPLOAD_LIMIT, filesRoutes } from './routes/files.ts';
import { orgsRoutes } from './routes/orgs.ts';
import { postsRoutes } from './routes/posts.ts';
import { questsRoutes } from './routes/quests.ts';
import { searchRoutes } from './routes/search.ts';
import { servicesRoutes } from './routes/services.ts';
import { commentsRoutes } from './routes/comments.ts';
import { findUser, usersRoutes } from './routes/users.ts';
import { utilitiesRoutes } from './routes/utilities.ts';
import { seedState } from './seed.ts';
import { createSandboxServer } from './server.ts';
import { SqlEngine } from './sql.ts';
import { Clock, GLOBAL_ID, uuidv7, type SandboxState } from './state.ts';
import { Webhooks } from './webhooks.ts';

/**
 * A local, faithful stand-in for the Ouro HTTP API (the subset in docs/ouro-api.md the
 * bridge uses): the Ouro side of every end-to-end test and of the no-account demo.
 */

export type { FaultControl } from './faults.ts';
export type { SandboxState } from './state.ts';
export { SEED_IDS, SEED_KEYS } from './seed.ts';

export interface SandboxOptions {
  /** default 0 (random) */
  port?: number;
  /** default 127.0.0.1 */
  host?: string;
  /** default 'none': just the bot user + one API key */
  seed?: 'demo' | 'none';
  /** Persist state JSON here (debounced writes); omit = memory only. An existing file wins over `seed`. */
  file?: string;
  /** access-token lifetime, default 3600 */
  tokenTtlSeconds?: number;
  /** where new-message deliveries are POSTed */
  webhookUrl?: string;
  /** postgres:// for dataset tables; else embedded PGlite, started on first dataset use */
  databaseUrl?: string;
  /** dataset query timeout; Ouro's is 10 s */
  queryTimeoutMs?: number;
  /** delays between webhook retries, default [200, 1000, 5000] */
  webhookRetryDelaysMs?: number[];
  logger?: Logger;
  /** Largest `POST /files/upload` JSON body (base64 inside), default 50 MB; larger gets a 413. */
  uploadLimitBytes?: number;
}

export interface SandboxUser {
  id: string;
  username: string;
}

export interface Sandbox {
  /** http://127.0.0.1:PORT */
  url: string;
  /** the PAT to exchange */
  apiKey: string;
  /** the user the API key belongs to */
  bot: SandboxUser;
  /** seeded humans, e.g. users.alice */
  users: Record<string, SandboxUser>;
  /** API keys of humans (the demo seed gives alice, bob and carol one each) */
  userApiKeys: Record<string, string>;
  setWebhookUrl(url: string | undefined): void;
  /**
   * A human writes in a conversation through Ouro's web UI: stores the message and delivers a
   * new-message webhook. A user who is not yet a member joins the conversation first.
   */
  postAs(username: string, conversationId: string, markdown: string): Promise<{ id: string }>;
  /** Deletes an API key as its owner would on Ouro: its sessions get 401 from now on. */
  revokeKey(key: string): boolean;
  /** Adds a human user (with an API key of their own); for tests that start from `seed: 'none'`. */
  addUser(username: string): SandboxUser & { apiKey: string };
  faults: FaultControl;
  /** read-only view for assertions */
  state: Readonly<SandboxState>;
  /** every API request received (not /_sandbox/*) */
  requests: { method: string; path: string; at: number }[];
  close(): Promise<void>;
}

export async function startSandbox(opts: SandboxOptions = {}): Promise<Sandbox> {
  const logger = opts.logger ?? silentLogger;
  const convert = markdownToDoc;
  const state = (opts.file ? loadState(opts.file) : undefined) ?? seedState(opts.seed ?? 'none', convert);
  const persister = new Persister(opts.file, state, logger);
  let webhookUrl = opts.webhookUrl;
  const engine = new SqlEngine({ databaseUrl: opts.databaseUrl, queryTimeoutMs: opts.queryTimeoutMs, logger });
  const bot = () => {
    const u = state.users.find((x) => x.id === state.botId);
    if (!u) throw new Error('sandbox state has no bot user');
    return u;
  };
  const webhooks = new Webhooks(state, {
    url: () => webhookUrl,
    retryDelaysMs: opts.webhookRetryDelaysMs,
    logger,
    changed: () => persister.changed(),
  });
  const app: App = {
    state,
    clock: new Clock(),
    engine,
    webhooks,
    convert,
    logger,
    tokenTtlSeconds: opts.tokenTtlSeconds ?? 3600,
    blobs: new Map(),
    uploadLimitBytes: opts.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT,
    bot,
    changed: () => persister.changed(),
  };

  const faults = new Faults();
  const requests: Sandbox['requests'] = [];
  const users: Sandbox['users'] = {};
  const userApiKeys: Sandbox['userApiKeys'] = {};
  for (const u of state.users.filter((x) => x.id !== state.botId)) {
    users[u.username] = { id: u.id, username: u.username };
    const k = state.apiKeys.find((x) => x.user_id === u.id);
    if (k) userApiKeys[u.username] = k.key;
  }

  const postAs = async (username: string, conversationId: string, markdown: string) => {
    const user = findUser(state.users, username);
    if (!user) throw new ApiError(404, 'user_not_found', `No sandbox user "${username}"`);
    const conv = state.conversations.find((c) => c.id === conversationId);
    if (!conv) throw new ApiError(404, 'asset_not_found', `Conversation ${conversationId} not found`);
    if (!conv.metadata.members.includes(user.id)) conv.metadata.members.push(user.id);
    const msg = createMessage(app, conv, user, { text: markdown, json: convert(markdown) });
    return { id: msg.id };
  };

  const addUser = (username: string) => {
    if (!/^[A-Za-z0-9_-]+$/.test(username)) throw new Error(`invalid username "${username}"`);
    if (findUser(state.users, username)) throw new Error(`user "${username}" already exists`);
    const at = app.clock.iso();
    const user = { id: uuidv7(), username, name: null, email: `${username}@example.org`, actor_type: 'base' as const, bio: null, created_at: at };
    const apiKey = newApiKey();
    state.users.push(user);
    state.apiKeys.push({ key: apiKey, user_id: user.id, name: `${username}-key` });
    state.orgs.find((o) => o.id === GLOBAL_ID)?.members.push({ user_id: user.id, role: 'write' });
    app.changed();
    users[username] = { id: user.id, username };
    userApiKeys[username] = apiKey;
    return { id: user.id, username, apiKey };
  };

  const revokeKey = (key: string) => {
    const i = state.apiKeys.findIndex((k) => k.key === key);
    if (i < 0) return false;
    state.apiKeys.splice(i, 1);
    app.changed();
    return true;
  };

  const router = new Router();
  for (const mod of [
    usersRoutes,
    conversationsRoutes,
    datasetsRoutes,
    questsRoutes,
    entriesRoutes,
    postsRoutes,
    filesRoutes,
    searchRoutes,
    orgsRoutes,
    utilitiesRoutes,
    servicesRoutes,
    commentsRoutes,
  ]) {
    mod(router, app);
  }
  controlRoutes(router, app, { faults, requests, postAs, revokeKey, setWebhookUrl: (url) => (webhookUrl = url) });

  const server = createSandboxServer(router, app, faults, requests);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = opts.host && opts.host !== '0.0.0.0' && opts.host !== '::' ? opts.host : '127.0.0.1';
  persister.changed();

  const botUser = bot();
  const botKey = state.apiKeys.find((k) => k.user_id === botUser.id);
  if (!botKey) throw new Error('sandbox state has no API key for the bot');

  let closed = false;
  return {
    url: `http://${host}:${port}`,
    apiKey: botKey.key,
    bot: { id: botUser.id, username: botUser.username },
    users,
    userApiKeys,
    setWebhookUrl(url) {
      webhookUrl = url;
    },
    postAs,
    revokeKey,
    addUser,
    faults,
    state,
    requests,
    async close() {
      if (closed) return;
      closed = true;
      webhooks.close();
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
      persister.flush();
      await engine.close();
    },
  };
}
