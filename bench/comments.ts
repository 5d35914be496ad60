import { createCommentNotifier } from '../src/comments/notifier.ts';
import { createOuroClient } from '../src/ouro/index.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { formatMicros } from '../src/sandbox/state.ts';
import { openStore } from '../src/store/index.ts';
import { CountingAdapter, type BenchResult } from './commands.ts';

/**
 * One comment poll tick over 20 followed posts, each with 60 comments (20 of the last week,
 * 40 older) and 2 replies under each, against the sandbox: the requests and time of a quiet
 * tick and of a tick where every post has one new comment. What the 7-day reply window buys
 * shows in the request count (one list per post, plus one per recent comment).
 */

const ASSETS = 20;
const TOP = 60;
const RECENT = 20;
const REPLIES = 2;

export async function benchComments(): Promise<BenchResult[]> {
  const sandbox = await startSandbox({ seed: 'none' });
  const ouro = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, retries: 0 });
  const store = await openStore({ engine: 'sqlite', path: ':memory:' });
  const adapter = new CountingAdapter();
  const notifier = createCommentNotifier({ ouro, store, adapters: [adapter], cron: '* * * * *', schedule: () => ({ stop() {} }) });
  try {
    const posts: string[] = [];
    const month = formatMicros((Date.now() - 30 * 24 * 3600_000) * 1000);
    for (let a = 0; a < ASSETS; a++) {
      const post = await ouro.posts.createFromMarkdown({ name: `Bench post ${a}`, markdown: 'A post to discuss', visibility: 'public' });
      posts.push(post.id);
      for (let t = 0; t < TOP; t++) {
        const top = await ouro.comments.create(post.id, `comment ${t}`);
        for (let r = 0; r < REPLIES; r++) await ouro.comments.create(top.id, `reply ${r}`);
        // Older than the reply window: back-dated in the sandbox's state.
        if (t >= RECENT) sandbox.state.comments.find((c) => c.id === top.id)!.created_at = month;
      }
      const key = { platform: 'console', workspace: 'local', channel: `bench-${a}`, assetId: post.id } as const;
      await notifier.baseline(key);
      await store.addFollow({ ...key, assetType: 'post', createdBy: null });
    }
    await notifier.tick(); // posts the cards
    const measure = async () => {
      const before = sandbox.requests.length;
      const t = performance.now();
      const stats = await notifier.tick();
      return { ms: performance.now() - t, requests: sandbox.requests.length - before, stats };
    };
    const quiet = await measure();
    for (const id of posts) await ouro.comments.create(id, 'a new comment');
    const busy = await measure();
    const shape = `${ASSETS} posts × ${TOP} comments (+${REPLIES} replies each)`;
    return [
      { name: `comment tick, ${shape}, nothing new`, value: `${quiet.ms.toFixed(0)} ms`, note: `${quiet.requests} Ouro requests` },
      {
        name: `comment tick, ${shape}, 1 new comment each`,
        value: `${busy.ms.toFixed(0)} ms`,
        note: `${busy.requests} Ouro requests; ${busy.stats.delivered} posted, ${adapter.edits} card edits`,
      },
    ];
  } finally {
    await ouro.close();
    await store.close();
    await sandbox.close();
  }
}
