import type { MessageMapping } from '../store/types.ts';
import { sameThread } from './chat-ref.ts';

/**
 * The bridge-written chat copies of one Ouro message, one list per thread: a copy split to
 * fit its platform is several messages (recordPost), edited and deleted together. `skip`
 * leaves out a mapping (the chat original itself, when a chat message is the source).
 */
export function copiesByThread(mappings: readonly MessageMapping[], skip?: (m: MessageMapping) => boolean): [MessageMapping, ...MessageMapping[]][] {
  const byThread: [MessageMapping, ...MessageMapping[]][] = [];
  for (const m of mappings) {
    if (m.origin !== 'ouro' || skip?.(m)) continue;
    const group = byThread.find(([g]) => sameThread(g, m));
    if (group) group.push(m);
    else byThread.push([m]);
  }
  return byThread;
}
