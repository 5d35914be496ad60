/**
 * Everything the adapter sends to Slack: posts, edits, deletes (paced per channel), command
 * answers (response_url first, chat.postEphemeral / chat.postMessage when it is absent or
 * expired), files through the current upload flow, link unfurls and modals.
 */
import type { App } from '@slack/bolt';
import type { ChatRef, OutboundMessage, PostedMessage, ReplyTarget } from '../../bridge/types.ts';
import { MessageGoneError } from '../../bridge/message-gone.ts';
import type { CommandForm, FileAttachment, RichReply, Visibility } from '../../chat/reply.ts';
import type { Logger } from '../../log.ts';
import { clip, clipMessage, toBlocks, type SlackBlock } from './blocks.ts';
import { LIMITS } from './limits.ts';
import { relayMetadata } from './find-posted.ts';
import { toSlackTarget } from './ids.ts';
import { retryRateLimited, type Pacer } from './pacing.ts';
import { toSlack } from './to-slack.ts';
import { formModal } from './form-modal.ts';
import { slackErrorCode } from './web-errors.ts';

type WebClient = App['client'];

/** How a Slack interaction is answered later. `responseUrl` is valid 30 min / 5 uses. */
export type SlackReplyTarget = {
  platform: 'slack';
  team: string;
  channel: string;
  user: string;
  responseUrl?: string;
  thread?: string;
  /** `/ouro`: lets a reply that carries a form open it as a modal (valid 3 s after the command). */
  triggerId?: string;
  /** link_shared: the message whose links are unfurled, or the composer's unfurl id. */
  messageTs?: string;
  unfurlId?: string;
  source?: string;
};

export function asSlackTarget(target: ReplyTarget): SlackReplyTarget {
  const t = target as Partial<SlackReplyTarget>;
  if (t.platform !== 'slack' || typeof t.channel !== 'string' || typeof t.user !== 'string') {
    throw new Error(`not a Slack reply target: ${JSON.stringify(target)}`);
  }
  return t as SlackReplyTarget;
}

export interface Outbound {
  client: WebClient;
  /**
   * The client for chat.postMessage of relayed messages: it never retries by itself. A
   * retried post after a 5xx or a reset may be a second copy; the core retries instead,
   * after asking `findPosted`. Defaults to `client`.
   */
  postClient?: WebClient;
  pacer: Pacer;
  logger: Logger;
  fetch?: typeof fetch;
}

const EMPTY_TEXT = '_(empty message)_';

function messageArgs(message: OutboundMessage): { text: string; blocks?: SlackBlock[]; files: FileAttachment[] } {
  // Slack refuses a message without text (no_text).
  if (!message.rich) return { text: clipMessage(toSlack(message.text)) || EMPTY_TEXT, files: [] };
  const r = toBlocks(message.rich);
  return { text: clipMessage(toSlack(message.text || message.rich.text)), blocks: r.blocks, files: r.files };
}

export async function post(o: Outbound, ref: ChatRef, message: OutboundMessage): Promise<PostedMessage> {
  const target = toSlackTarget(ref);
  const { text, blocks, files } = messageArgs(message);
  const client = message.marker ? (o.postClient ?? o.client) : o.client;
  const res = await o.pacer.run(
    target.channel,
    () =>
      client.chat.postMessage({
        ...target,
        text,
        ...(blocks ? { blocks } : {}),
        ...(message.author ? { username: clip(message.author.name, LIMITS.username) } : {}),
        ...(message.author?.avatarUrl ? { icon_url: message.author.avatarUrl } : {}),
        ...(message.marker ? { metadata: relayMetadata(message.marker) } : {}),
        unfurl_links: false,
        unfurl_media: false,
      }),
    { spaced: true },
  );
  const ts = res.ts;
  if (!ts) throw new Error(`chat.postMessage returned no ts in ${target.channel}`);
  for (const f of files) await uploadFile(o, ref, f);
  return { messageId: ts, ...(target.thread_ts ? { thread: target.thread_ts } : {}) };
}

export async function edit(o: Outbound, ref: ChatRef, messageId: string, message: OutboundMessage): Promise<void> {
  const { channel } = toSlackTarget(ref);
  const { text, blocks } = messageArgs(message);
  // chat.update keeps the original username/icon; it cannot change them.
  try {
    await o.pacer.run(channel, () => o.client.chat.update({ channel, ts: messageId, text, blocks: blocks ?? [] }));
  } catch (err) {
    if (slackErrorCode(err) === 'message_not_found') {
      throw new MessageGoneError(`Slack message ${messageId} in ${channel} is gone (message_not_found)`);
    }
    throw err;
  }
}

export async function remove(o: Outbound, ref: ChatRef, messageId: string): Promise<void> {
  const { channel } = toSlackTarget(ref);
  try {
    await o.pacer.run(channel, () => o.client.chat.delete({ channel, ts: messageId }));
  } catch (err) {
    // Already gone (deleted by a person or an earlier attempt): the goal is reached.
    if (slackErrorCode(err) === 'message_not_found') return;
    throw err;
  }
}

/** POSTs to a response_url; false when Slack refuses it (expired, used 5 times). */
async function respond(o: Outbound, url: string, body: Record<string, unknown>): Promise<boolean> {
  const res = await (o.fetch ?? fetch)(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  });
  const answer = await res.text();
  if (res.ok && !/^\s*\{\s*"ok"\s*:\s*false/.test(answer)) return true;
  o.logger.warn({ status: res.status, answer: answer.slice(0, 200) }, 'slack response_url refused the reply; posting instead');
  return false;
}

/** Opens the reply's form as a modal; false when it cannot (too big for one, or the trigger expired): the reply is shown then. */
async function openForm(o: Outbound, t: SlackReplyTarget, form: CommandForm, triggerId: string): Promise<boolean> {
  const view = formModal(form, {
    team: t.team,
    channel: t.channel,
    ...(t.thread ? { thread: t.thread } : {}),
    ...(t.responseUrl ? { responseUrl: t.responseUrl } : {}),
  });
  if (!view) return false;
  try {
    await openView(o, triggerId, view);
    return true;
  } catch (err) {
    o.logger.warn(
      { err: slackErrorCode(err) ?? (err instanceof Error ? err.message : err) },
      'slack views.open failed for a command form; answering with its usage instead',
    );
    return false;
  }
}

export async function reply(o: Outbound, target: ReplyTarget, content: RichReply, visibility: Visibility): Promise<void> {
  const t = asSlackTarget(target);
  if (content.form && t.triggerId && (await openForm(o, t, content.form, t.triggerId))) return;
  const { text, blocks, files } = toBlocks(content);
  await o.pacer.run(t.channel, async () => {
    const payload = { text, blocks, ...(t.thread ? { thread_ts: t.thread } : {}) };
    if (t.responseUrl) {
      const body = { ...payload, response_type: visibility === 'public' ? 'in_channel' : 'ephemeral', replace_original: false };
      if (await respond(o, t.responseUrl, body)) return;
    }
    if (visibility === 'public') await o.client.chat.postMessage({ channel: t.channel, ...payload });
    else await o.client.chat.postEphemeral({ channel: t.channel, user: t.user, ...payload });
  });
  for (const f of files) {
    if (visibility === 'public') {
      await uploadFile(o, { platform: 'slack', workspace: t.team, channel: t.channel, ...(t.thread ? { thread: t.thread } : {}) }, f);
    } else {
      // A file shared in a channel is seen by everyone there: an invoker-only file goes to a DM.
      const dm = await retryRateLimited(() => o.client.conversations.open({ users: t.user }));
      const channel = dm.channel?.id;
      if (!channel) throw new Error(`conversations.open gave no DM channel for ${t.user}`);
      await uploadFile(o, { platform: 'slack', workspace: t.team, channel }, f);
    }
  }
}

/** files.getUploadURLExternal → POST the bytes → files.completeUploadExternal (shares it). */
export async function uploadFile(o: Outbound, ref: ChatRef, file: FileAttachment): Promise<void> {
  const target = toSlackTarget(ref);
  const bytes = typeof file.content === 'string' ? new TextEncoder().encode(file.content) : file.content;
  const ticket = await o.pacer.run(target.channel, () =>
    o.client.files.getUploadURLExternal({ filename: file.name, length: bytes.byteLength, ...(file.alt ? { alt_text: file.alt.slice(0, 1000) } : {}) }),
  );
  if (!ticket.upload_url || !ticket.file_id) throw new Error('files.getUploadURLExternal returned no upload_url/file_id');
  const res = await (o.fetch ?? fetch)(ticket.upload_url, {
    method: 'POST',
    headers: { 'content-type': file.mime || 'application/octet-stream' },
    body: bytes,
  });
  if (!res.ok) throw new Error(`file upload to Slack failed with HTTP ${res.status}`);
  await res.arrayBuffer();
  await o.pacer.run(target.channel, () =>
    o.client.files.completeUploadExternal({
      files: [{ id: ticket.file_id!, title: file.title ?? file.name }],
      channel_id: target.channel,
      ...(target.thread_ts ? { thread_ts: target.thread_ts } : {}),
    }),
  );
}

/** chat.unfurl: one preview per URL; previews are rendered without CSV (no file can follow). */
export async function unfurl(o: Outbound, target: ReplyTarget, previews: Record<string, RichReply>): Promise<void> {
  const t = asSlackTarget(target);
  const unfurls: Record<string, { blocks: SlackBlock[] }> = {};
  for (const [url, preview] of Object.entries(previews)) unfurls[url] = { blocks: toBlocks(preview, { csv: false }).blocks };
  if (Object.keys(unfurls).length === 0) return;
  const where =
    t.unfurlId && t.source
      ? { unfurl_id: t.unfurlId, source: t.source as 'composer' | 'conversations_history' }
      : { channel: t.channel, ts: t.messageTs ?? '' };
  await retryRateLimited(() => o.client.apiCall('chat.unfurl', { ...where, unfurls }));
}

export async function openView(o: Outbound, triggerId: string, view: Record<string, unknown>): Promise<void> {
  await o.client.apiCall('views.open', { trigger_id: triggerId, view });
}
