/**
 * What the Discord fake (fake-discord.ts) received from the adapter, normalised to the
 * adapter contract's operations: posts, edits, deletes and command replies, read from the
 * recorded REST calls.
 */
import type { ReceivedOp } from '../contract/adapter.contract.ts';
import type { FakeMessage } from './fake-discord.ts';
import type { FakeState } from './fake-discord-rest.ts';

/** What the adapter did, normalised: the adapter contract's own record of an operation. */
export type FakeOp = ReceivedOp;

const EPHEMERAL = 64;

/** Content plus the words of embeds: what a person reading the message sees. */
export function visibleText(body: any): string {
  const embeds = (body?.embeds ?? []) as { title?: string; description?: string; fields?: { name: string; value: string }[] }[];
  const parts = [body?.content ?? '', ...embeds.flatMap((e) => [e.title ?? '', e.description ?? '', ...(e.fields ?? []).flatMap((f) => [f.name, f.value])])];
  return parts.filter(Boolean).join('\n');
}

export function receivedOps(state: FakeState): FakeOp[] {
  const { ids, botUser } = state;
  const ops: FakeOp[] = [];
  for (const c of state.calls) {
    if (c.status >= 300) continue;
    let r: RegExpExecArray | null;
    if ((r = /^\/webhooks\/(\d+)\/([^/]+)(?:\/messages\/([^/]+))?$/.exec(c.path))) {
      const [, id, token, mid] = r;
      if (id === ids.app) {
        if (c.method === 'PATCH' && mid === '@original') {
          const flags = state.interactionFlags.get(token!) ?? 0;
          ops.push({ op: 'reply', text: visibleText(c.body), visibility: flags & EPHEMERAL ? 'invoker' : 'public' });
        } else if (c.method === 'POST' && !mid) {
          ops.push({ op: 'reply', text: visibleText(c.body), visibility: (c.body?.flags ?? 0) & EPHEMERAL ? 'invoker' : 'public' });
        }
        continue;
      }
      if (c.method === 'POST' && !mid) {
        const msg = c.response as FakeMessage | undefined;
        ops.push({ op: 'post', thread: c.query.thread_id, messageId: msg?.id, text: visibleText(c.body), authorName: c.body?.username });
      } else if (c.method === 'PATCH') ops.push({ op: 'edit', messageId: mid, thread: c.query.thread_id, text: visibleText(c.body) });
      else if (c.method === 'DELETE') ops.push({ op: 'delete', messageId: mid, thread: c.query.thread_id });
    } else if ((r = /^\/channels\/(\d+)\/messages(?:\/(\d+))?$/.exec(c.path))) {
      const [, channelId, mid] = r;
      const thread = state.channels.get(channelId!)?.type === 11 ? channelId : undefined;
      if (c.method === 'POST' && !mid) {
        const msg = c.response as FakeMessage | undefined;
        ops.push({ op: 'post', thread, messageId: msg?.id, text: visibleText(c.body), authorName: botUser.username });
      } else if (c.method === 'PATCH') ops.push({ op: 'edit', thread, messageId: mid, text: visibleText(c.body) });
      else if (c.method === 'DELETE') ops.push({ op: 'delete', thread, messageId: mid });
    }
  }
  return ops;
}
