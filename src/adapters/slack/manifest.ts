/**
 * The Slack app manifest (pure): what `ouro-bridge manifest slack` prints, to paste into
 * "Create app → From a manifest". Scopes are the least the adapter uses; each is listed with
 * the call or event that needs it.
 */
import { LIMITS } from './limits.ts';

/** Links to these hosts are previewed (link_shared / chat.unfurl). */
export const OURO_UNFURL_DOMAINS: readonly string[] = ['ouro.foundation'];

export const BOT_SCOPES: readonly string[] = [
  'app_mentions:read', // app_mention → help, or `@Ouro route …` in a thread
  'channels:history', // message.channels: mirror public channels; conversations.replies/history: find a relayed post again
  'channels:read', // conversations.info: channel names for conversations
  'chat:write', // chat.postMessage / update / delete / postEphemeral
  'chat:write.customize', // username + icon_url: the Ouro author's name and avatar
  'commands', // /ouro
  'files:read', // url_private_download: files shared in mirrored threads, uploaded to Ouro
  'files:write', // CSV results and Ouro files (files.getUploadURLExternal / completeUploadExternal)
  'groups:history', // message.groups: mirror private channels the app is invited to; the same reads there
  'groups:read', // conversations.info on private channels
  'im:write', // conversations.open: invoker-only files go to a DM
  'links:read', // link_shared
  'links:write', // chat.unfurl
  'users:read', // users.info: names, avatars, admin check
];

/** The message shortcut "Save thread to Ouro" (`/ouro post` for the message's thread). */
export const SAVE_THREAD_CALLBACK = 'ouro_save_thread';

export const BOT_EVENTS: readonly string[] = ['app_mention', 'link_shared', 'message.channels', 'message.groups'];

export interface ManifestOptions {
  socketMode: boolean;
  /** Public base URL of the bridge (HTTP mode), e.g. https://bridge.example.org. */
  url?: string;
  name?: string;
}

export class ManifestError extends Error {}

/** JSON Schema's maxLength counts code points, not UTF-16 units. */
const codePoints = (s: string) => [...s].length;

export function slackManifest(opts: ManifestOptions): Record<string, unknown> {
  const name = (opts.name ?? 'Ouro').trim();
  if (!name) throw new ManifestError('--name must not be empty');
  if (codePoints(name) > LIMITS.appName) {
    throw new ManifestError(
      `--name may be at most ${LIMITS.appName} characters (Slack's limit on an app name); ${JSON.stringify(name)} has ${codePoints(name)}`,
    );
  }
  let requestUrl: string | undefined;
  if (opts.socketMode && opts.url) throw new ManifestError('--url is not used in Socket Mode (Slack needs no URL then); give one or the other');
  if (!opts.socketMode) {
    if (!opts.url) throw new ManifestError("HTTP mode needs the bridge's public URL (--url https://…), or use --socket-mode");
    if (!/^https:\/\/[^\s/]+/.test(opts.url)) throw new ManifestError(`--url must be an https:// URL Slack can reach, got ${JSON.stringify(opts.url)}`);
    requestUrl = `${opts.url.replace(/\/+$/, '')}/slack/events`;
    if (requestUrl.length > LIMITS.commandUrl)
      throw new ManifestError(`--url is too long: Slack takes a command URL of at most ${LIMITS.commandUrl} characters`);
  }
  // The slash command names its URL `url`; event subscriptions and interactivity say `request_url`.
  const commandAt = requestUrl ? { url: requestUrl } : {};
  const at = requestUrl ? { request_url: requestUrl } : {};
  return {
    _metadata: { major_version: 1, minor_version: 1 },
    display_information: {
      name,
      description: 'Mirror threads to Ouro conversations, query datasets and run quests from Slack.',
      background_color: '#1d1d1f',
    },
    features: {
      bot_user: { display_name: name, always_online: true },
      slash_commands: [
        {
          command: '/ouro',
          description: 'Ouro: query datasets, quests, mirroring (try /ouro help)',
          usage_hint: 'help | query <dataset> [SQL] | quest … | mirror … | search <terms>',
          should_escape: false,
          ...commandAt,
        },
      ],
      shortcuts: [{ name: 'Save thread to Ouro', type: 'message', callback_id: SAVE_THREAD_CALLBACK, description: 'Save this thread as an Ouro post' }],
      unfurl_domains: [...OURO_UNFURL_DOMAINS],
    },
    oauth_config: { scopes: { bot: [...BOT_SCOPES] } },
    settings: {
      event_subscriptions: { ...at, bot_events: [...BOT_EVENTS] },
      interactivity: { is_enabled: true, ...at },
      org_deploy_enabled: false,
      socket_mode_enabled: opts.socketMode,
      token_rotation_enabled: false,
    },
  };
}
