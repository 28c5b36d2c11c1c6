// turnBatch: the like requests of one event-loop turn in one call, each caller answered with its own.
import { describe, expect, it } from 'vitest';
import { turnBatch } from '../../src/storage/turn-batch.js';

const nextTurn = () => new Promise<void>((r) => setImmediate(r));

describe('turnBatch', () => {
  it('runs the items of one turn as one batch and the next turn as another', async () => {
    const batches: number[][] = [];
    const double = turnBatch<number, number>(async (xs) => (batches.push(xs), xs.map((x) => x * 2)), { max: 10 });
    const first = Promise.all([double(1), double(2), double(3)]);
    await nextTurn();
    const second = Promise.all([double(4)]);
    expect(await first).toEqual([2, 4, 6]);
    expect(await second).toEqual([8]);
    expect(batches).toEqual([[1, 2, 3], [4]]);
  });

  it('splits a turn at max items', async () => {
    const batches: number[][] = [];
    const id = turnBatch<number, number>(async (xs) => (batches.push(xs), xs), { max: 2 });
    expect(await Promise.all([1, 2, 3, 4, 5].map(id))).toEqual([1, 2, 3, 4, 5]);
    expect(batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('without `alone`, a failed batch fails each of its callers', async () => {
    const read = turnBatch<number, number>(async () => {
      throw new Error('database gone');
    }, { max: 10 });
    const r = await Promise.allSettled([read(1), read(2)]);
    expect(r.map((x) => x.status)).toEqual(['rejected', 'rejected']);
  });

  it('with `alone`, a failed batch is retried item by item so that only the bad item fails', async () => {
    const written: number[] = [];
    const write = turnBatch<number, void>(async (xs) => {
      if (xs.includes(13)) throw new Error('bad row in batch');
      written.push(...xs);
      return xs.map(() => undefined);
    }, {
      max: 10,
      alone: async (x) => {
        if (x === 13) throw new Error('bad row');
        written.push(x);
      },
    });
    const r = await Promise.allSettled([write(1), write(13), write(2)]);
    expect(r.map((x) => x.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((r[1] as PromiseRejectedResult).reason.message).toBe('bad row');
    expect(written).toEqual([1, 2]);
  });

  it('with inFlight, items that arrive while batches run wait and go together in the next one', async () => {
    const batches: number[][] = [];
    let release!: () => void;
    let running = 0;
    let most = 0;
    const id = turnBatch<number, number>(async (xs) => {
      batches.push(xs);
      running++;
      most = Math.max(most, running);
      if (batches.length === 1) await new Promise<void>((r) => (release = r));
      running--;
      return xs;
    }, { max: 100, inFlight: 1 });
    const first = id(1);
    await nextTurn();
    const later = [id(2), id(3)];
    await nextTurn();
    const evenLater = id(4);
    await nextTurn();
    expect(batches).toEqual([[1]]); // 2, 3, 4 wait for the batch in flight
    release();
    expect(await Promise.all([first, ...later, evenLater])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
    expect(most).toBe(1);
  });

  it('a failed batch still lets the waiting ones run', async () => {
    let calls = 0;
    const id = turnBatch<number, number>(async (xs) => {
      if (++calls === 1) throw new Error('first fails');
      return xs;
    }, { max: 100, inFlight: 1 });
    const a = id(1).catch((e: Error) => e.message);
    const b = new Promise<number>((r) => setImmediate(() => r(id(2))));
    expect(await a).toBe('first fails');
    expect(await b).toBe(2);
  });
});
