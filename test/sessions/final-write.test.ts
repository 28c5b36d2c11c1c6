// A final provider answer (BankID hands it out once) whose write fails is written again, but only
// while the node's lease on the order lasts: past it, another node may hold the order.
import { describe, expect, it } from 'vitest';
import { writeFinalDurably } from '../../src/sessions/driver.js';

const failing = (times: number) => {
  let calls = 0;
  const write = async () => {
    calls++;
    if (calls <= times) throw new Error('database away');
    return 'written';
  };
  return { write, calls: () => calls };
};

describe('writeFinalDurably', () => {
  it('writes a final answer again until it is stored', async () => {
    const w = failing(3);
    await expect(writeFinalDurably(true, w.write, 20, 5)).resolves.toBe('written');
    expect(w.calls()).toBe(4);
  });

  it('does not retry a non-final write (the next collect brings it again)', async () => {
    const w = failing(1);
    await expect(writeFinalDurably(false, w.write, 20, 5)).rejects.toThrow('database away');
    expect(w.calls()).toBe(1);
  });

  it('gives up at the attempt limit', async () => {
    const w = failing(100);
    await expect(writeFinalDurably(true, w.write, 4, 1)).rejects.toThrow('database away');
    expect(w.calls()).toBe(4);
  });

  it('stops retrying once the lease no longer allows it', async () => {
    const w = failing(100);
    let leaseLeft = 2;
    await expect(writeFinalDurably(true, w.write, 20, 1, () => leaseLeft-- > 0)).rejects.toThrow('database away');
    expect(w.calls()).toBe(3);
  });
});
