/**
 * The job's first step for a chat message: what the ack path could not look up without
 * waiting on the platform (names, avatars) is looked up now, by the event's adapter
 * (`ChatAdapter.resolveEvent`). An event recorded complete passes through untouched.
 */
import type { Platform } from '../store/types.ts';
import type { ChatAdapter, ResolvableMessage } from './types.ts';

export async function resolveEvent<E extends ResolvableMessage>(adapters: ReadonlyMap<Platform, ChatAdapter>, event: E): Promise<E> {
  if (event.unresolved === undefined) return event;
  const resolve = adapters.get(event.ref.platform)?.resolveEvent;
  const { unresolved: _unresolved, ...complete } = event;
  return resolve ? resolve({ ...event }) : (complete as E);
}
