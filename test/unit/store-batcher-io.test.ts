import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/store/batcher.ts';

/** 'io' gathering: calls made by separate callbacks of one I/O phase share a batch. */
describe('Batcher gather', () => {
  it.each([
    { gather: 'tick' as const, batches: [[1], [2], [3]] },
    { gather: 'io' as const, batches: [[1, 2, 3]] },
  ])('$gather: three calls from three callbacks of one loop phase → $batches', async ({ gather, batches }) => {
    const seen: number[][] = [];
    const b = new Batcher<number, number>(async (items) => {
      seen.push(items);
      return items;
    }, 10, gather);
    // Immediates queued in one tick run in one check phase, each callback with its own
    // microtasks: like I/O callbacks of one poll phase. (Timers would not do: two setTimeout(0)
    // made across a millisecond boundary may fall in different loop turns on a busy machine.)
    const pushed = await new Promise<Promise<number>[]>((resolve) => {
      const out: Promise<number>[] = [];
      for (const i of [1, 2, 3]) setImmediate(() => (out.push(b.push(i)), out.length === 3 && resolve(out)));
    });
    expect(await Promise.all(pushed)).toEqual([1, 2, 3]);
    expect(seen).toEqual(batches);
  });
});
