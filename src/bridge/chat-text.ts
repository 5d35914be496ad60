/**
 * The text of an Ouro message as relayed to chat: blank text is not relayed, and a text
 * longer than RELAY_TEXT_MAX is cut (at a paragraph or line break when one is near) and ends
 * with a link to the conversation on Ouro, where the whole message is. Capping here, before
 * any conversion, also bounds the work the adapters' converters do for one message.
 */
import { boundaryAtOrBefore } from '../text/cut.ts';

/** 8,000 characters: four Discord messages or three Slack sections; longer reads better on Ouro. */
export const RELAY_TEXT_MAX = 8000;

export const DEFAULT_WEB_BASE_URL = 'https://ouro.foundation';

export const conversationUrl = (webBaseUrl: string | undefined, conversationId: string): string =>
  `${(webBaseUrl ?? DEFAULT_WEB_BASE_URL).replace(/\/+$/, '')}/conversations/${conversationId}`;

/** The text to relay, or undefined when there is nothing to show. */
export function relayText(text: string, url: string): string | undefined {
  if (!text.trim()) return undefined;
  if (text.length <= RELAY_TEXT_MAX) return text;
  const note = `\n\n… continued on Ouro: ${url}`;
  const room = RELAY_TEXT_MAX - note.length - 4; // 4: a closing "\n```"
  let at = text.lastIndexOf('\n', room);
  if (at < room / 2) at = text.lastIndexOf(' ', room);
  if (at < room / 2) at = boundaryAtOrBefore(text, room);
  let kept = text.slice(0, at).trimEnd();
  if (((kept.match(/^ {0,3}(`{3,}|~{3,})/gm) ?? []).length & 1) === 1) kept += '\n```';
  return kept + note;
}
