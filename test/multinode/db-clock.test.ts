// Nodes tell time by the database's clock (DESIGN.md Scale): the offset to the database is measured
// and added to the node's own clock, so a node whose clock is off still agrees with its peers on
// when leases and sessions run out.
import { describe, expect, it } from 'vitest';
import { databaseClock, postgresNow } from '../../src/storage/db-clock.js';
import { openStore } from '../../src/storage/store.js';
import { dialects, openDatabase, TEST_SECRET } from '../support/databases.js';

const pgAvailable = (await dialects()).includes('postgres');

describe('database clock', () => {
  it('follows a database whose clock is an hour ahead of the node, to within the round trip', async () => {
    const clock = await databaseClock(async () => {
      await new Promise((r) => setTimeout(r, 5));
      return Date.now() + 3_600_000;
    });
    try {
      expect(Math.abs(clock.offsetMs() - 3_600_000)).toBeLessThan(50);
      expect(Math.abs(clock.now().getTime() - (Date.now() + 3_600_000))).toBeLessThan(50);
    } finally {
      clock.close();
    }
  });

  it('keeps the last offset when a re-measurement fails', async () => {
    let fail = false;
    const clock = await databaseClock(async () => {
      if (fail) throw new Error('database away');
      return Date.now() - 120_000;
    }, 20);
    try {
      fail = true;
      await new Promise((r) => setTimeout(r, 100));
      expect(Math.abs(clock.offsetMs() + 120_000)).toBeLessThan(50);
    } finally {
      clock.close();
    }
  });

  it.runIf(pgAvailable)('reads PostgreSQL\'s clock (same machine: next to no offset)', async () => {
    const db = await openDatabase('postgres');
    const store = await openStore(db.url, TEST_SECRET, { poolSize: 1 });
    try {
      const clock = await databaseClock(postgresNow(store));
      clock.close();
      expect(Math.abs(clock.offsetMs())).toBeLessThan(1000);
    } finally {
      await store.close();
      await db.drop();
    }
  });
});

describe('database clock on a busy node', () => {
  it('keeps the offset of a fast measurement over one whose round trip was slow', async () => {
    let slow = false;
    const clock = await databaseClock(async () => {
      if (!slow) return Date.now() + 10_000;
      // A slow answer whose time is off by the delay: taken as is it would move the clock by 0.3 s.
      await new Promise((r) => setTimeout(r, 600));
      return Date.now() + 10_000 - 600;
    }, 20);
    try {
      slow = true;
      await new Promise((r) => setTimeout(r, 2500));
      expect(Math.abs(clock.offsetMs() - 10_000)).toBeLessThan(50);
    } finally {
      clock.close();
    }
  });
});
