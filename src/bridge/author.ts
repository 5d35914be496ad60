/**
 * How relayed text names its author and platform. Every message the bridge writes is
 * authored by its own account (on Ouro, the bot user; on chat, the bot with a display-name
 * override), so the real author must travel inside the text or the display name.
 */
import type { Platform } from '../store/types.ts';
import { truncate } from '../text/cut.ts';
import { escapeMarkdown } from '../text/markdown.ts';

export { escapeMarkdown };
import type { ChatUser } from './types.ts';
import type { OuroMessageLike } from './ports.ts';

const LABELS: Record<Platform, string> = { slack: 'Slack', discord: 'Discord', console: 'Console' };

export const platformLabel = (platform: Platform): string => LABELS[platform];

/**
 * The longest author name shown: Slack's `username` and Discord's webhook username both stop
 * at 80 characters, and the name is followed by ` (Discord)` (10) or ` (Ouro)`; cutting the
 * name, not the whole, keeps the platform visible however long or padded the name is.
 */
export const AUTHOR_NAME_MAX = 64;

/** A display name on one line, runs of spaces collapsed, cut to AUTHOR_NAME_MAX. */
export const displayName = (name: string): string => truncate(name.replace(/\s+/g, ' ').trim(), AUTHOR_NAME_MAX);

/** A file on a message: an Ouro asset (`assetId`) or a link, with its size and why it is one. */
export interface FileMention {
  name: string;
  url?: string;
  assetId?: string;
  size?: number;
  note?: string;
}

function sizeText(n: number): string {
  return n < 1_000_000 ? `${Math.max(1, Math.round(n / 1000))} kB` : `${(n / 1_000_000).toFixed(1)} MB`;
}

function linkLine(f: FileMention): string {
  const name = f.url ? `[${escapeMarkdown(f.name)}](${f.url})` : escapeMarkdown(f.name);
  const facts = [f.size !== undefined ? sizeText(f.size) : '', f.note ? `${f.note}, not copied to Ouro` : ''].filter(Boolean);
  return `📎 ${name}${facts.length ? ` (${facts.join('; ')})` : ''}`;
}

/**
 * Ouro's Markdown embeds an asset as a fenced `assetComponent` block of JSON; a file asset
 * in `preview` shows its content (an image as the image, a CSV as its first rows).
 */
export function assetEmbed(id: string, assetType = 'file'): string {
  return `\`\`\`assetComponent\n${JSON.stringify({ id, assetType, viewMode: 'preview' })}\n\`\`\``;
}

function fileLines(files: readonly FileMention[] | undefined): string {
  if (!files?.length) return '';
  const links = files.filter((f) => !f.assetId).map(linkLine);
  const embeds = files.filter((f) => f.assetId).map((f) => assetEmbed(f.assetId!));
  return `${links.length ? `\n${links.join('\n')}` : ''}${embeds.length ? `\n\n${embeds.join('\n\n')}` : ''}`;
}

/** `**Ada Lovelace** (Slack): hello` — the text of a chat message as written to Ouro. */
export function ouroTextFor(
  author: Pick<ChatUser, 'name'> | undefined,
  platform: Platform,
  text: string,
  opts: { edited?: boolean; files?: readonly FileMention[] } = {},
): string {
  const who = author?.name?.trim() ? `**${escapeMarkdown(author.name.trim())}**` : `**${LABELS[platform]} user**`;
  const where = opts.edited ? `(${LABELS[platform]}, edited)` : `(${LABELS[platform]})`;
  return `${who} ${where}: ${text}${fileLines(opts.files)}`;
}

/** Ouro has no delete: the message keeps its place and says it is gone. */
export function deletedText(platform: Platform): string {
  return `_(message deleted on ${LABELS[platform]})_`;
}

/** The display name and avatar a copy posted into another chat thread carries. */
export function chatCopyAuthor(author: ChatUser | undefined, platform: Platform): { name: string; avatarUrl?: string } {
  const name = displayName(author?.name ?? '') || `${LABELS[platform]} user`;
  return author?.avatarUrl ? { name: `${name} (${LABELS[platform]})`, avatarUrl: author.avatarUrl } : { name: `${name} (${LABELS[platform]})` };
}

/** Text of a chat copy: the body plus attachments, since the author is in the display name. */
export function chatCopyText(text: string, files?: readonly { name: string; url?: string }[]): string {
  return `${text}${fileLines(files)}`;
}

/** The id of whoever wrote an Ouro message (the top-level field first, then the profile). */
export function ouroAuthorId(message: OuroMessageLike): string | undefined {
  return message.user_id || field(message.user, 'id') || field(message.user, 'user_id');
}

function field(obj: Record<string, unknown> | null | undefined, key: string): string | undefined {
  const v = obj?.[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

/**
 * An Ouro author as shown on chat: `Alice Chen (Ouro)`. `avatar_path` is only used when it
 * is already an absolute URL (a storage path needs a host the core does not know).
 */
export function ouroAuthor(message: OuroMessageLike): { name: string; avatarUrl?: string } {
  const name = displayName(field(message.user, 'name') ?? field(message.user, 'username') ?? '') || 'Ouro user';
  const avatar = field(message.user, 'avatar_path');
  return avatar && /^https?:\/\//.test(avatar) ? { name: `${name} (Ouro)`, avatarUrl: avatar } : { name: `${name} (Ouro)` };
}
