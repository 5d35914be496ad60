import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/store/batcher.ts';

/** 'io' gathering: calls made by separate callbacks of one I/O phase share a batch. */
describe('Batcher gather', () => {
  it.each([
    { gather: 'tick' as const, batches: [[1], [2], [3]] },
    { gather: 'io' as const, batches: [[1, 2, 3]] },
  ])('$gather: three calls from three timer callbacks of one loop turn → $batches', async ({ gather, batches }) => {
    const seen: number[][] = [];
    const b = new Batcher<number, number>(async (items) => {
      seen.push(items);
      return items;
    }, 10, gather);
    // Timers due at the same time run in one timers phase, each callback on its own tick.
    const pushed = await new Promise<Promise<number>[]>((resolve) => {
      const out: Promise<number>[] = [];
      for (const i of [1, 2, 3]) setTimeout(() => (out.push(b.push(i)), out.length === 3 && resolve(out)), 0);
    });
    expect(await Promise.all(pushed)).toEqual([1, 2, 3]);
    expect(seen).toEqual(batches);
  });
});
