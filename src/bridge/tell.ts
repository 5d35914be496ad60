/** Telling one person something privately (an ephemeral message), where the platform can. */
import { textReply } from '../chat/reply.ts';
import type { Logger } from '../log.ts';
import type { ChatAdapter, ChatRef } from './types.ts';

export async function tellPrivately(adapters: Iterable<ChatAdapter>, logger: Logger, ref: ChatRef, chatUserId: string, text: string): Promise<void> {
  const adapter = [...adapters].find((a) => a.platform === ref.platform);
  if (!adapter?.tellPrivately) {
    logger.warn({ platform: ref.platform }, 'this platform cannot tell a person privately; notice not sent');
    return;
  }
  try {
    await adapter.tellPrivately(ref, chatUserId, textReply(text));
  } catch (err) {
    logger.warn({ err, platform: ref.platform }, 'private notice could not be delivered');
  }
}
