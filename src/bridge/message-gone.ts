/**
 * The one error of the adapter contract the core acts on: `ChatAdapter.edit` throws it when
 * the platform says the message is not there any more (a person deleted it). The core then
 * does without that message instead of retrying an edit that cannot succeed: a deleted copy
 * in another thread is left alone, a deleted quest card is posted again.
 */
export class MessageGoneError extends Error {
  override name = 'MessageGoneError';
}

export const isMessageGone = (err: unknown): err is MessageGoneError => err instanceof MessageGoneError;

/**
 * Edits each message of a post (its parts, or further copies) with `edit`, in order,
 * skipping those that are gone: a person may delete one of them and leave the rest.
 * Throws MessageGoneError only when every one is gone, any other error at once.
 */
export async function editEach(ids: readonly string[], edit: (id: string) => Promise<void>): Promise<void> {
  const gone: MessageGoneError[] = [];
  for (const id of ids) {
    try {
      await edit(id);
    } catch (err) {
      if (!isMessageGone(err)) throw err;
      gone.push(err);
    }
  }
  if (gone.length === 0 || gone.length < ids.length) return;
  throw gone.length === 1 ? gone[0] : new MessageGoneError(`every message of the post is gone: ${gone.map((e) => e.message).join('; ')}`);
}
