/**
 * The adapter contract suite: one set of cases every ChatAdapter passes (console, Slack,
 * Discord). Each platform supplies a harness: the adapter, wired to a loopback fake of its
 * platform, plus the moves a person makes on that platform and a normalised view of what
 * the fake received from the adapter.
 *
 * Lifecycle: `makeHarness()` returns the adapter NOT started; the suite starts it with its
 * own recording inbox, and after each case calls `adapter.stop()` then `harness.close()`.
 *
 * Usage, in test/contract/adapter-<platform>.test.ts:
 *   describeAdapterContract('slack', () => makeSlackHarness());
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { BridgeInbox, ChannelRef, ChatAdapter, ChatRef, CommandInvoked, InboundEvent, ResolvableMessage } from '../../src/bridge/types.ts';
import { textReply } from '../../src/chat/reply.ts';
import { MessageGoneError } from '../../src/bridge/message-gone.ts';
import { sleep } from '../helpers/eventually.ts';

export interface ReceivedOp {
  op: 'post' | 'edit' | 'delete' | 'reply';
  thread?: string;
  messageId?: string;
  /** Platform markup as the fake received it (or the text content of a rich message). */
  text?: string;
  authorName?: string;
  visibility?: 'public' | 'invoker';
}

export interface AdapterHarness {
  adapter: ChatAdapter;
  /** The channel the harness's user writes in; the adapter must report events with these ids. */
  channel: ChannelRef;
  /** Display name of the person the harness writes as. */
  userName: string;
  /** A person writes on the platform (top level, or in the thread whose root is `opts.thread`). */
  sendUserMessage(text: string, opts?: { thread?: string }): Promise<{ messageId: string }>;
  editUserMessage(messageId: string, text: string, opts?: { thread?: string }): Promise<void>;
  deleteUserMessage(messageId: string, opts?: { thread?: string }): Promise<void>;
  /** A person runs `/ouro <text>` in the channel. */
  invokeCommand(text: string): Promise<void>;
  /** What the platform (fake) received from the adapter, normalised, oldest first. */
  received(): ReceivedOp[];
  /**
   * Platforms with published limits: every payload the fake received checked against the
   * adapter's limits table (test/helpers/payload-limits.ts), as a list of problems.
   */
  limits?: {
    problems(): string[];
    /** Everything the fake received, as JSON text, to look for a note in. */
    sent(): string;
    /** The bot loses its webhook permission (Discord), so relays take the bot path. */
    withoutWebhooks?(): void;
  };
  close(): Promise<void>;
}

/** The event as the job sees it: completed by the adapter's `resolveEvent` when it has one. */
export const resolved = <E extends ResolvableMessage>(adapter: ChatAdapter, e: E): Promise<E> =>
  adapter.resolveEvent && e.unresolved ? adapter.resolveEvent(e) : Promise.resolve(e);

/** An inbox that records every event and acks it, with a wait helper. */
export class RecordingInbox implements BridgeInbox {
  readonly events: InboundEvent[] = [];

  async receive(event: InboundEvent): Promise<{ accepted: boolean }> {
    this.events.push(event);
    return { accepted: true };
  }

  async waitFor<K extends InboundEvent['kind']>(
    kind: K,
    match: (e: Extract<InboundEvent, { kind: K }>) => boolean = () => true,
    timeoutMs = 5_000,
  ): Promise<Extract<InboundEvent, { kind: K }>> {
    let found: Extract<InboundEvent, { kind: K }> | undefined;
    await waitUntil(
      () => {
        found = this.events.find((e): e is Extract<InboundEvent, { kind: K }> => e.kind === kind && match(e as Extract<InboundEvent, { kind: K }>));
        return found !== undefined;
      },
      timeoutMs,
      () => `no ${kind} event matched; inbox holds: ${JSON.stringify(this.events.map((e) => summarise(e)))}`,
    );
    return found!;
  }
}

function summarise(e: InboundEvent): unknown {
  return { kind: e.kind, ref: e.ref, text: 'text' in e ? e.text : undefined };
}

/** Polls `check` every 10 ms until it is true or `timeoutMs` passes (then fails with `describe()`). */
export async function waitUntil(check: () => boolean, timeoutMs = 5_000, describe: () => string = () => 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms: ${describe()}`);
    await sleep(10);
  }
}

/** The word content of a text, independent of markup: what a round trip must keep. */
export function words(text: string): string[] {
  return (text.match(/[A-Za-z0-9]+/g) ?? []).sort();
}

export function describeAdapterContract(name: string, makeHarness: () => Promise<AdapterHarness>): void {
  describe(`adapter contract: ${name}`, () => {
    let h: AdapterHarness;
    let inbox: RecordingInbox;

    beforeEach(async () => {
      h = await makeHarness();
      inbox = new RecordingInbox();
      await h.adapter.start(inbox);
    });

    afterEach(async () => {
      // Every case: whatever the adapter sent fits the platform's published limits.
      expect(h.limits?.problems() ?? []).toEqual([]);
      await h.adapter.stop();
      await h.close();
    });

    const at = (thread?: string): ChatRef => ({ ...h.channel, ...(thread ? { thread } : {}) });
    const waitReceived = (match: (r: ReceivedOp) => boolean, what: string) =>
      waitUntil(
        () => h.received().some(match),
        5_000,
        () => `${what}; fake received ${JSON.stringify(h.received())}`,
      );

    it('reports a top-level user message as message.posted with ref, author and text', async () => {
      const { messageId } = await h.sendUserMessage('hello from the lab');
      // What the ack path could not look up (names), the adapter completes in the job.
      const e = await resolved(h.adapter, await inbox.waitFor('message.posted', (m) => m.messageId === messageId));
      expect(e.unresolved).toBeUndefined();
      expect(e.ref).toEqual({ ...h.channel });
      expect(e.ref.thread).toBeUndefined();
      expect(e.author.name).toBe(h.userName);
      expect(e.author.isBot ?? false).toBe(false);
      expect(e.text).toBe('hello from the lab');
      expect(e.key).toBeTruthy();
      expect(typeof e.at).toBe('number');
    });

    it('reports a thread reply with ref.thread set to the root message id', async () => {
      const root = await h.sendUserMessage('root of a thread');
      const reply = await h.sendUserMessage('a reply in the thread', { thread: root.messageId });
      const e = await inbox.waitFor('message.posted', (m) => m.messageId === reply.messageId);
      expect(e.ref).toEqual(at(root.messageId));
      expect(e.text).toBe('a reply in the thread');
      const rootEvent = await inbox.waitFor('message.posted', (m) => m.messageId === root.messageId);
      expect(rootEvent.key).not.toBe(e.key);
    });

    it('reports edits and deletes of a user message', async () => {
      const { messageId } = await h.sendUserMessage('first version');
      await inbox.waitFor('message.posted', (m) => m.messageId === messageId);
      await h.editUserMessage(messageId, 'second version');
      const edited = await inbox.waitFor('message.edited', (m) => m.messageId === messageId);
      expect(edited.text).toBe('second version');
      expect(edited.ref).toEqual(at());
      await h.deleteUserMessage(messageId);
      const deleted = await inbox.waitFor('message.deleted', (m) => m.messageId === messageId);
      expect(deleted.ref).toEqual(at());
      const keys = inbox.events.map((e) => e.key);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('reports edits of a thread reply with the thread in the ref', async () => {
      const root = await h.sendUserMessage('thread root for edit');
      const reply = await h.sendUserMessage('reply v1', { thread: root.messageId });
      await inbox.waitFor('message.posted', (m) => m.messageId === reply.messageId);
      await h.editUserMessage(reply.messageId, 'reply v2', { thread: root.messageId });
      const edited = await inbox.waitFor('message.edited', (m) => m.messageId === reply.messageId);
      expect(edited.ref).toEqual(at(root.messageId));
      expect(edited.text).toBe('reply v2');
    });

    it('reports a command as command.invoked with its text and the invoker', async () => {
      await h.invokeCommand('query sales select 1');
      const e = await inbox.waitFor('command.invoked');
      expect(e.text).toBe('query sales select 1');
      expect(e.invoker.name).toBe(h.userName);
      expect(e.ref.channel).toBe(h.channel.channel);
      expect(e.ref.workspace).toBe(h.channel.workspace);
      expect(e.replyTo.platform).toBe(h.adapter.platform);
    });

    it('posts in a thread with the author name', async () => {
      const root = await h.sendUserMessage('a thread the bridge answers in');
      const posted = await h.adapter.post(at(root.messageId), { text: 'an answer from Ouro', author: { name: 'Alice (Ouro)' } });
      expect(posted.messageId).toBeTruthy();
      await waitReceived((r) => r.op === 'post' && r.text?.includes('an answer from Ouro') === true, 'a post');
      const got = h.received().find((r) => r.op === 'post' && r.text?.includes('an answer from Ouro'))!;
      expect(got.thread).toBe(posted.thread ?? root.messageId);
      expect(got.authorName).toContain('Alice');
      expect(got.messageId).toBe(posted.messageId);
    });

    it('posts at the top level when the ref has no thread', async () => {
      const posted = await h.adapter.post(at(), { text: 'top-level notice', author: { name: 'Ouro bridge' } });
      await waitReceived((r) => r.op === 'post' && r.messageId === posted.messageId, 'a top-level post');
      const got = h.received().find((r) => r.op === 'post' && r.messageId === posted.messageId)!;
      expect(got.thread).toBeUndefined();
      expect(got.text).toContain('top-level notice');
    });

    it('edits and deletes a message it posted', async () => {
      const root = await h.sendUserMessage('thread for edit and delete');
      const ref = at(root.messageId);
      const posted = await h.adapter.post(ref, { text: 'version one', author: { name: 'Bob (Ouro)' } });
      await h.adapter.edit(ref, posted.messageId, { text: 'version two', author: { name: 'Bob (Ouro)' } });
      await waitReceived((r) => r.op === 'edit' && r.messageId === posted.messageId, 'an edit');
      expect(h.received().find((r) => r.op === 'edit' && r.messageId === posted.messageId)!.text).toContain('version two');
      await h.adapter.delete(ref, posted.messageId);
      await waitReceived((r) => r.op === 'delete' && r.messageId === posted.messageId, 'a delete');
    });

    it('an edit of a message that is gone throws MessageGoneError; deleting it again succeeds', async () => {
      const root = await h.sendUserMessage('thread for a vanished message');
      const ref = at(root.messageId);
      const posted = await h.adapter.post(ref, { text: 'soon gone', author: { name: 'Bob (Ouro)' } });
      await h.adapter.delete(ref, posted.messageId);
      await waitReceived((r) => r.op === 'delete' && r.messageId === posted.messageId, 'a delete');
      await expect(h.adapter.edit(ref, posted.messageId, { text: 'too late', author: { name: 'Bob (Ouro)' } })).rejects.toBeInstanceOf(MessageGoneError);
      await h.adapter.delete(ref, posted.messageId);
    });

    const author = { name: 'Bob (Ouro)' };
    /** Two posts by the bridge in a new thread, standing for the messages of one post. */
    const twoPosts = async (thread: string) => {
      const root = await h.sendUserMessage(thread);
      const ref = at(root.messageId);
      const a = await h.adapter.post(ref, { text: 'part one', author });
      const b = await h.adapter.post(ref, { text: 'part two', author });
      return { ref, a, b };
    };

    it('an edit given parts skips the ones that are gone, and throws MessageGoneError once all are', async () => {
      const { ref, a, b } = await twoPosts('thread for a post with a part gone');
      await h.adapter.delete(ref, a.messageId);
      await waitReceived((r) => r.op === 'delete' && r.messageId === a.messageId, 'the first message deleted');
      await h.adapter.edit(ref, a.messageId, { text: 'the survivor shows this', author }, [b.messageId]);
      await waitReceived((r) => r.op === 'edit' && r.messageId === b.messageId, 'the second message edited');
      expect(h.received().find((r) => r.op === 'edit' && r.messageId === b.messageId)!.text).toContain('the survivor shows this');
      await h.adapter.delete(ref, b.messageId);
      await waitReceived((r) => r.op === 'delete' && r.messageId === b.messageId, 'the second message deleted');
      await expect(h.adapter.edit(ref, a.messageId, { text: 'too late', author }, [b.messageId])).rejects.toBeInstanceOf(MessageGoneError);
    });

    it('an edit and a delete given the other messages of a post (parts) reach every one of them', async () => {
      const { ref, a, b } = await twoPosts('thread for a post in parts');
      await h.adapter.edit(ref, a.messageId, { text: 'one short text', author }, [b.messageId]);
      await waitReceived((r) => r.op === 'edit' && r.messageId === a.messageId, 'the first message edited');
      expect(h.received().find((r) => r.op === 'edit' && r.messageId === a.messageId)!.text).toContain('one short text');
      // The other message either shows the new text too, or (an adapter that splits posts) is no longer needed.
      const other = () => h.received().filter((r) => r.messageId === b.messageId && (r.op === 'edit' || r.op === 'delete'));
      await waitReceived((r) => r.messageId === b.messageId && (r.op === 'edit' || r.op === 'delete'), 'the second message edited or deleted');
      for (const r of other()) if (r.op === 'edit') expect(r.text).toContain('one short text');
      await h.adapter.delete(ref, a.messageId, [b.messageId]);
      await waitReceived((r) => r.op === 'delete' && r.messageId === a.messageId, 'the first message deleted');
      await waitReceived((r) => r.op === 'delete' && r.messageId === b.messageId, 'the second message deleted');
    });

    it('finds its own marked posts again (findPosted), newer than `since`, in the right place', async (ctx) => {
      const find = h.adapter.findPosted?.bind(h.adapter);
      if (!find) return ctx.skip();
      const t0 = Date.now() - 2_000;
      const root = await h.sendUserMessage('a thread whose answer got lost');
      const ref = at(root.messageId);
      const author = { name: 'Alice (Ouro)' };
      const wanted = { text: 'the post to find again', author, marker: 'ouro-msg-1' };
      const posted = await h.adapter.post(ref, wanted);
      const other = await h.adapter.post(ref, { text: 'another relayed post', author, marker: 'ouro-msg-2' });
      const top = await h.adapter.post(at(), { text: 'the post to find again', author, marker: 'ouro-msg-1' });
      const ids = async (r: ChatRef, since = t0) => (await find(r, { marker: 'ouro-msg-1', message: wanted }, since)).map((p) => p.messageId);
      await waitReceived((r) => r.op === 'post' && r.messageId === top.messageId, 'three posts');
      const inThread = await ids(ref);
      expect(inThread).toContain(posted.messageId);
      expect(inThread).not.toContain(other.messageId);
      expect(inThread).not.toContain(top.messageId);
      expect(await ids(at())).toEqual([top.messageId]);
      // Nothing is older than `since`: a search from after the posts finds none of them.
      expect(await ids(ref, Date.now() + 60_000)).toEqual([]);
      // A thread holding no post of ours gives nothing.
      const quiet = await h.sendUserMessage('a thread nobody answered');
      expect(await ids(at(quiet.messageId))).toEqual([]);
    });

    it('reads back what a person wrote after a message (messagesSince) as the live events, oldest first, without its own posts', async (ctx) => {
      const since = h.adapter.messagesSince?.bind(h.adapter);
      if (!since) return ctx.skip();
      const strip = (e: InboundEvent) =>
        e.kind === 'message.posted' && { kind: e.kind, key: e.key, ref: e.ref, messageId: e.messageId, text: e.text, author: e.author.name, files: e.files };
      const first = await h.sendUserMessage('history: the one before');
      const b = await h.sendUserMessage('history: *second* one');
      await h.adapter.post(at(), { text: 'a relayed post of ours', author: { name: 'Alice (Ouro)' } });
      const c = await h.sendUserMessage('history: third');
      const live = [
        await inbox.waitFor('message.posted', (m) => m.messageId === b.messageId),
        await inbox.waitFor('message.posted', (m) => m.messageId === c.messageId),
      ];
      expect((await since(at(), first.messageId, 10)).map(strip)).toEqual(live.map(strip));
      expect((await since(at(), first.messageId, 1)).map((e) => e.key)).toEqual([live[0]!.key]);
      const r1 = await h.sendUserMessage('history: a reply', { thread: first.messageId });
      const r2 = await h.sendUserMessage('history: a later reply', { thread: first.messageId });
      const liveReply = await inbox.waitFor('message.posted', (m) => m.messageId === r2.messageId);
      expect((await since(at(first.messageId), r1.messageId, 10)).map(strip)).toEqual([strip(liveReply)]);
    });

    it('replies to a command publicly or to the invoker alone', async () => {
      await h.invokeCommand('help');
      const cmd: CommandInvoked = await inbox.waitFor('command.invoked', (c) => c.text === 'help');
      await h.adapter.reply(cmd.replyTo, textReply('public answer'), 'public');
      await h.adapter.reply(cmd.replyTo, textReply('private answer'), 'invoker');
      await waitReceived((r) => r.op === 'reply' && r.text?.includes('private answer') === true, 'two replies');
      const replies = h.received().filter((r) => r.op === 'reply');
      expect(replies.find((r) => r.text?.includes('public answer'))?.visibility).toBe('public');
      expect(replies.find((r) => r.text?.includes('private answer'))?.visibility).toBe('invoker');
    });

    it('never hands its own posts back to the inbox', async () => {
      const root = await h.sendUserMessage('loop guard root');
      await h.adapter.post(at(root.messageId), { text: 'written by the bridge', author: { name: 'Carol (Ouro)' } });
      await h.adapter.post(at(), { text: 'also written by the bridge', author: { name: 'Carol (Ouro)' } });
      // A later user message is the sentinel: once it arrives, anything echoed before it would have too.
      const sentinel = await h.sendUserMessage('sentinel after the bridge posts');
      await inbox.waitFor('message.posted', (m) => m.messageId === sentinel.messageId);
      await sleep(100);
      const echoed = inbox.events.filter((e) => 'text' in e && e.text.includes('by the bridge'));
      expect(echoed).toEqual([]);
    });

    it('round-trips the text content of Markdown through platform markup', async () => {
      const cases = [
        '**bold** and _italic_ and `code`',
        'a [link to Ouro](https://ouro.foundation/posts/1) here',
        '- first item\n- second item',
        'line one\nline two',
        '~~gone~~ but 3 < 4 & 5 > 2',
      ];
      for (const markdown of cases) {
        const posted = await h.adapter.post(at(), { text: markdown, author: { name: 'Dana (Ouro)' } });
        await waitReceived((r) => r.op === 'post' && r.messageId === posted.messageId, `the post of ${JSON.stringify(markdown)}`);
        const markup = h.received().find((r) => r.op === 'post' && r.messageId === posted.messageId)!.text!;
        // What the platform shows, written back by a person, must come back as the same words.
        const { messageId } = await h.sendUserMessage(markup);
        const back = await inbox.waitFor('message.posted', (m) => m.messageId === messageId);
        expect({ markdown, words: words(back.text) }).toEqual({ markdown, words: words(markdown) });
      }
    });
  });
}
