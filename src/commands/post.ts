import { textReply } from '../chat/reply.ts';
import { assetUrl } from './resolve.ts';
import { UserError, type CommandSpec } from './spec.ts';

/**
 * `post [title]`: saves a mirrored thread as an Ouro post. The thread's messages are read
 * from the Ouro conversation it mirrors, where they already are: in order, with authors,
 * their chat formatting converted and their files embedded as assets (so nothing is uploaded
 * twice). The post goes to the channel's org/team; the thread remembers it (store state), and
 * running the command again rewrites the same post.
 */

/** State key of the post a thread was saved as. */
export const POST_STATE_PREFIX = 'thread-post:';
/** Ouro's message page cap (ouro-api.md §2.4) and how many pages a post reads at most. */
const PAGE = 200;
const MAX_PAGES = 10;
const TITLE_MAX = 120;
/** The prefix the bridge writes before a relayed chat message: `**Ada** (Slack): `. */
const RELAYED = /^\*\*(.+?)\*\* \(([^)]+)\): ?/;

const postKey = (c: { platform: string; workspace: string; channel: string }, thread: string) =>
  POST_STATE_PREFIX + [c.platform, c.workspace, c.channel, thread].map(encodeURIComponent).join(':');

type Message = { id: string; text?: string | null; created_at: string; user?: Record<string, unknown> | null; type?: string | null };

function authorName(m: Message): string {
  const u = m.user ?? {};
  const name = typeof u.name === 'string' && u.name ? u.name : typeof u.username === 'string' ? u.username : 'Ouro user';
  return `${name} (Ouro)`;
}

function when(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One message as a section of the post: author and time, then the text (embeds kept). */
export function messageSection(m: Message, botId: string | undefined): string {
  const text = m.text ?? '';
  const relayed = m.user && (m.user.id === botId || m.user.user_id === botId) ? RELAYED.exec(text) : null;
  const who = relayed ? `**${relayed[1]}** (${relayed[2]})` : `**${authorName(m).replace(/[*_`]/g, '\\$&')}**`;
  const body = relayed ? text.slice(relayed[0].length) : text;
  return `${who} · _${when(m.created_at)}_\n\n${body.trim()}`;
}

/** The root's first line, without the author prefix or Markdown emphasis, as a title. */
export function titleOf(root: Message | undefined): string {
  const text = (root?.text ?? '').replace(RELAYED, '');
  const line =
    text
      .split('\n')
      .find((l) => l.trim() && !l.startsWith('```'))
      ?.trim() ?? '';
  const plain = line.replace(/[*_`#>]/g, '').trim();
  if (!plain) return 'Saved thread';
  return plain.length > TITLE_MAX ? `${plain.slice(0, TITLE_MAX - 1)}…` : plain;
}

export const postSpec: CommandSpec = {
  name: 'post',
  usage: 'post [title]',
  summary: 'Save this thread as an Ouro post',
  help: 'Run it in a mirrored thread (on Slack: the message menu → **Save thread to Ouro**). The thread becomes an Ouro post in this channel’s org/team: the messages in order with their authors and times, and its files embedded. The title is the one you give, or the thread’s first line. Running it again updates the same post.',
  example: '/ouro post Band gap results, week 12',
  args: [{ name: 'title', required: false, rest: 'words' }],
  admin: false,
  async handler({ input, args, link, deps }) {
    if (!input.thread) throw new UserError('Run `/ouro post` inside a thread (on Slack: the message menu → “Save thread to Ouro”).');
    if (!link?.orgId) throw new UserError('Link this channel to an Ouro org first — the post is saved there: `/ouro link <org> [team]`.');
    const mirrored = await deps.store.getThreadLink({ ...input.channel, thread: input.thread });
    if (!mirrored) {
      throw new UserError(
        'This thread is not mirrored to Ouro yet, so there is nothing to save. Mirror the channel’s threads (`/ouro mirror threads`) and reply in the thread, or attach it (`/ouro mirror attach`).',
      );
    }
    const { messages: ouroMessages, posts, auth } = deps.ouro;
    if (!ouroMessages || !posts || !auth) throw new UserError('Saving a thread as a post is not available with this Ouro client.');
    const messages: Message[] = [];
    let before: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await ouroMessages.list(mirrored.conversationId, { limit: PAGE, ...(before ? { before } : {}) });
      messages.unshift(...(res.messages as Message[]));
      if (!res.hasMore || !res.nextBefore) break;
      before = res.nextBefore;
    }
    const shown = messages.filter((m) => m.type == null || m.type === 'message');
    const bot = (await auth.whoami()).id;
    const title = args.title?.trim() || titleOf(shown[0]);
    const markdown = shown.map((m) => messageSection(m, bot)).join('\n\n---\n\n');
    const key = postKey(input.channel, input.thread);
    let existing = await deps.store.getState(key);
    let post;
    if (existing) {
      // A post deleted on Ouro since is saved anew.
      post = await posts.update(existing, { name: title, markdown }).catch((err: unknown) => {
        if ((err as { status?: number }).status !== 404) throw err;
        existing = undefined;
        return undefined;
      });
    }
    if (!post) {
      post = await posts.createFromMarkdown({
        name: title,
        markdown,
        visibility: 'organization',
        orgId: link.orgId,
        ...(link.teamId ? { teamId: link.teamId } : {}),
      });
      await deps.store.setState(key, post.id);
    }
    const verb = existing ? 'Updated' : 'Saved';
    return {
      reply: textReply(`${verb} this thread as an Ouro post (${shown.length} messages): [${title.replace(/[[\]]/g, '')}](${assetUrl(deps.webBaseUrl, post)})`),
      shows: [post],
    };
  },
};
