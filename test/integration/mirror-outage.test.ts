/**
 * A 30-second Ouro outage with the production retry policy, on a clock scaled down by
 * SCALE: the policy's delays, the outage (500s, then 429s with Retry-After), the writing
 * pace and the Retry-After all shrink by the same factor, so the budget is proven against
 * the outage as it would be at full scale, in a tenth of the time. People keep writing in
 * three threads and an Ouro user answers; afterwards everything is delivered, once, in
 * order, and no job is dead. (The full 60 s outage runs in `npm run soak`; the shorter
 * fault tests in mirror-faults.test.ts pin the details.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY } from '../../src/bridge/index.ts';
import { ada, bob, eventually, startMirror, type Mirror } from './mirror-harness.ts';
import { sleep } from '../helpers/eventually.ts';

let m: Mirror;
afterEach(async () => {
  await m.close();
});

/** Every duration below is its production value divided by this. */
const SCALE = 10;
const OUTAGE_MS = 30_000 / SCALE;
const PACE_MS = 1_000 / SCALE;
const RETRY_AFTER_S = 3 / SCALE;
const SCALED_RETRY = { ...DEFAULT_RETRY, baseMs: DEFAULT_RETRY.baseMs / SCALE, maxMs: DEFAULT_RETRY.maxMs / SCALE };
const strip = (text: string) => text.replace(/^\*\*.*?\*\* \(Slack\): /, '');

describe('Ouro down for 30 s, scaled down 10× (500, then 429 with Retry-After)', () => {
  it('delivers everything afterwards, in order, once, with no dead job', { timeout: 60_000 }, async () => {
    // The production policy, scaled, so the test proves that its budget outlasts the outage.
    m = await startMirror({ retry: SCALED_RETRY });
    await m.link(m.slack, 'C1', 'threads');
    const roots = [];
    for (let t = 0; t < 3; t++) {
      const root = await m.slack.say(ada, 'C1', `root ${t}`);
      await m.slack.say(bob, 'C1', `t${t} reply 0`, { thread: root.messageId });
      roots.push(root);
    }
    await m.bridge.drain();
    const convs = await Promise.all(roots.map((r) => m.conversationOf(m.slack, 'C1', r.messageId)));
    m.sandbox.addUser('alice');

    const everything = /^(GET|POST|PUT|PATCH|DELETE) \//;
    m.sandbox.faults.add({ route: everything, mode: '500', forMs: OUTAGE_MS / 2 });
    const started = Date.now();
    setTimeout(() => m.sandbox.faults.add({ route: everything, mode: '429', retryAfterSeconds: RETRY_AFTER_S, forMs: OUTAGE_MS / 2 }), OUTAGE_MS / 2);

    // One message a (scaled) second into a thread in turn, for the whole outage.
    let n = 0;
    while (Date.now() - started < OUTAGE_MS - PACE_MS) {
      const t = n % 3;
      await m.slack.say(n % 2 ? ada : bob, 'C1', `t${t} reply ${Math.floor(n / 3) + 1}`, { thread: roots[t]!.messageId });
      if (n === 10) await m.sandbox.postAs('alice', convs[1]!, 'written on Ouro during the outage');
      // A 500 means Ouro is down; a 429 proves it answers (src/bridge/ouro-health.ts).
      if (n === 8) expect(m.bridge.health().ouro).toBe(false);
      n++;
      await sleep(PACE_MS);
    }
    expect(await m.store.countJobs()).toMatchObject({ dead: 0 });

    await eventually(async () => expect(await m.store.countJobs()).toMatchObject({ pending: 0, running: 0 }), 30_000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(OUTAGE_MS);
    expect(await m.store.countJobs()).toMatchObject({ dead: 0 });
    expect(m.bridge.health().ouro).toBe(true);

    for (let t = 0; t < 3; t++) {
      const expected = [`root ${t}`, `t${t} reply 0`];
      for (let i = t; i < n; i += 3) expected.push(`t${t} reply ${Math.floor(i / 3) + 1}`);
      const got = m.messagesOf(convs[t]!).map((x) => strip(x.text));
      expect(got.filter((x) => x !== 'written on Ouro during the outage')).toEqual(expected);
    }
    // Retry-After honoured: a create that met a 429 is not tried again before it says.
    const stormFrom = started + OUTAGE_MS / 2 + 100 / SCALE;
    const stormTo = started + OUTAGE_MS - 100 / SCALE;
    for (const conv of convs) {
      const tries = m.sandbox.requests.filter((r) => r.method === 'POST' && r.path === `/conversations/${conv}/messages/create`);
      for (let i = 1; i < tries.length; i++) {
        if (tries[i - 1]!.at >= stormFrom && tries[i - 1]!.at <= stormTo)
          expect(tries[i]!.at - tries[i - 1]!.at).toBeGreaterThanOrEqual(RETRY_AFTER_S * 1000 - 100 / SCALE);
      }
    }
    const copies = m.slack.bridgePosts('C1', roots[1]!.messageId).filter((p) => p.text.includes('during the outage'));
    expect(copies.map((p) => p.author)).toEqual(['alice (Ouro)']);
  });
});
