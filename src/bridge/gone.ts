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
