/**
 * Row 0: the judges can fail. Before any scenario trusts them, the Ouro check is shown a
 * sandbox holding a known mess (a double, a gap, an inversion, two threads in one
 * conversation) and the Retry-After check a request log with one early retry; both must
 * count exactly those faults. A judge that always says "fine" fails here.
 */
import { createOuroClient } from '../src/ouro/index.ts';
import { startSandbox } from '../src/sandbox/index.ts';
import { checkOuro, type OuroCheck } from './ouro-check.ts';
import { retryAfterViolations } from './retry-after.ts';
import { checkRow, type Row } from './table.ts';

export async function selfTest(): Promise<Row> {
  const started = Date.now();
  const sandbox = await startSandbox({ seed: 'none' });
  const ouro = createOuroClient({ baseUrl: sandbox.url, apiKey: sandbox.apiKey, retries: 0 });
  const problems: string[] = [];
  try {
    const bot = await ouro.auth.whoami();
    const conv = () => ouro.conversations.create({ name: 'self-test', orgId: '00000000-0000-0000-0000-000000000000', members: [bot.id] });
    const a = await conv();
    const b = await conv();
    // Thread 0: m2 missing, m1 twice; thread 2 shares thread 0's conversation; thread 1 out of order.
    for (const [c, text] of [
      [a, 'soak t0 m0'],
      [a, 'soak t0 m1'],
      [a, 'soak t0 m1'],
      [a, 'soak t0 m3'],
      [a, 'soak t2 m0'],
      [b, 'soak t1 m1'],
      [b, 'soak t1 m0'],
    ] as const) {
      await ouro.messages.create(c.id, { text: `**Ada** (Slack): ${text}` });
    }
    const { samples: _samples, ...got } = await checkOuro(
      sandbox,
      new Map([
        [0, 4],
        [1, 2],
        [2, 1],
      ]),
    );
    const want: Omit<OuroCheck, 'samples'> = { expected: 7, found: 6, doubles: 1, orderBreaks: 1, split: 1 };
    if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`Ouro check saw ${JSON.stringify(got)}, not ${JSON.stringify(want)}`);

    const p = (path: string, at: number) => ({ method: 'POST', path, at });
    const ra = retryAfterViolations(
      [
        p('/conversations/c1/messages/create', 1000),
        p('/conversations/c1/messages/create', 1500),
        p('/conversations/c2/messages/create', 1000),
        p('/conversations/c2/messages/create', 2000),
        p('/conversations/create', 1000),
        p('/conversations/create', 1001),
      ],
      [{ from: 0, to: 10_000, retryAfterMs: 1000 }],
    );
    if (ra.checked !== 2 || ra.violations !== 1) problems.push(`Retry-After check saw ${JSON.stringify(ra)}, not 1 early of 2`);
  } finally {
    await ouro.close();
    await sandbox.close();
  }
  return checkRow({
    scenario: '0 judges self-test',
    tried: 'known faults planted',
    seconds: (Date.now() - started) / 1000,
    verdict: problems.length ? 'FAIL' : 'pass',
    note: problems.length ? problems.join('; ') : 'the Ouro check counted 1 missing, 1 double, 1 order break, 1 split; the Retry-After check 1 early of 2',
  });
}
