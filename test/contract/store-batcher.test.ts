import { describe, expect, it } from 'vitest';
import { Batcher } from '../../src/store/batcher.ts';
import { sleep } from '../helpers/eventually.ts';

/** The group-commit helper behind enqueue and completeJob. */

describe('Batcher', () => {
  it('writes calls made in one tick as one batch, in call order, split at maxBatch', async () => {
    const batches: number[][] = [];
    const b = new Batcher<number, string>(async (items) => {
      batches.push(items);
      return items.map((i) => `r${i}`);
    }, 3);
    const results = await Promise.all([1, 2, 3, 4, 5].map((i) => b.push(i)));
    expect(results).toEqual(['r1', 'r2', 'r3', 'r4', 'r5']);
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('collects calls made while a batch is being written into the next batch', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = new Batcher<number, number>(async (items) => {
      batches.push(items);
      if (batches.length === 1) await gate;
      return items;
    }, 100);
    const first = b.push(1);
    await Promise.resolve();
    await Promise.resolve();
    const later = [b.push(2), b.push(3)];
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3]);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('rejects every call of a failed batch, and carries on with the next', async () => {
    let n = 0;
    const b = new Batcher<string, string>(async (items) => {
      if (n++ === 0) throw new Error('disk full');
      return items;
    }, 2);
    const results = await Promise.allSettled(['a', 'b', 'c'].map((s) => b.push(s)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect((results[0] as PromiseRejectedResult).reason).toEqual(new Error('disk full'));
    expect(await b.push('d')).toBe('d');
  });

  it('rejects when the writer returns the wrong number of results', async () => {
    const b = new Batcher<number, number>(async () => [], 10);
    await expect(b.push(1)).rejects.toThrow(/0 results for 1 items/);
  });

  it('idle() waits for everything pushed so far', async () => {
    const written: number[] = [];
    const b = new Batcher<number, void>(async (items) => {
      await sleep(10);
      written.push(...items);
      return items.map(() => undefined);
    }, 1);
    void b.push(1);
    void b.push(2);
    await b.idle();
    expect(written).toEqual([1, 2]);
  });
});
