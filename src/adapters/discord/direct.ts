/**
 * A notice only one person sees, outside any interaction: Discord has no ephemeral message
 * there, so it goes as a direct message from the bot. A member who blocks DMs from server
 * members does not get it (Discord answers 50007); the caller logs that.
 */
import type { REST } from 'discord.js';
import type { RichReply } from '../../chat/reply.ts';
import { renderText } from './render.ts';

export async function sendDirect(rest: REST, userId: string, reply: RichReply): Promise<void> {
  const dm = (await rest.post('/users/@me/channels', { body: { recipient_id: userId } })) as { id: string };
  for (const content of renderText(reply.text)) {
    await rest.post(`/channels/${dm.id}/messages`, { body: { content, allowed_mentions: { parse: [] } } });
  }
}
