/** `createOuroClient`: one transport, one small module per resource, combined. */
import type { OuroClient, OuroClientOptions } from './client-types.ts';
import { assetsResource } from './resources/assets.ts';
import { commentsResource } from './resources/comments.ts';
import { conversationsResource, messagesResource } from './resources/conversations.ts';
import { datasetsResource } from './resources/datasets.ts';
import { filesResource } from './resources/files.ts';
import { postsResource, utilitiesResource } from './resources/posts.ts';
import { questsResource } from './resources/quests.ts';
import { servicesResource } from './resources/services.ts';
import { organizationsResource, teamsResource } from './resources/teams.ts';
import { authResource, usersResource } from './resources/users.ts';
import { Transport } from './transport.ts';

export function createOuroClient(opts: OuroClientOptions): OuroClient {
  if (!opts.baseUrl || !/^https?:\/\//.test(opts.baseUrl)) throw new TypeError('createOuroClient: baseUrl must be an http(s) URL');
  if (!opts.apiKey) throw new TypeError('createOuroClient: apiKey (the Ouro personal access token) is required');
  const t = new Transport(opts);
  const utilities = utilitiesResource(t);
  return {
    auth: authResource(t),
    users: usersResource(t),
    conversations: conversationsResource(t),
    messages: messagesResource(t),
    utilities,
    assets: assetsResource(t),
    datasets: datasetsResource(t),
    quests: questsResource(t),
    files: filesResource(t),
    posts: postsResource(t, utilities),
    teams: teamsResource(t),
    organizations: organizationsResource(t),
    services: servicesResource(t),
    comments: commentsResource(t),
    close: () => t.close(),
  };
}
