// Named leases for background sweeps (migration 006): expiry, retention erasure and the
// idempotency purge are each run by the one node that holds the sweep's lease, renewed on every run
// and taken over by another node once it has run out (its holder died or lost the database).
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

export function jobLeaseQueries(db: Kysely<Database>) {
  return {
    /**
     * Takes or renews the lease `name` for `owner` until `now + leaseMs`: true when `owner` holds it
     * now (it was free, had run out, or was already `owner`'s). One statement, so two nodes racing
     * for a free lease cannot both win.
     */
    async acquireJobLease(name: string, owner: string, now: Date, leaseMs: number): Promise<boolean> {
      const until = now.getTime() + leaseMs;
      const row = await db
        .insertInto('job_leases')
        .values({ name, owner, lease_until: until })
        .onConflict((oc) =>
          oc.column('name').doUpdateSet({ owner, lease_until: until }).where((eb) =>
            eb.or([eb('job_leases.owner', '=', owner), eb('job_leases.lease_until', '<=', now.getTime())])),
        )
        .returning('owner')
        .executeTakeFirst();
      return row?.owner === owner;
    },
    /** Gives the lease back (clean stop), so another node need not wait for it to run out. */
    async releaseJobLease(name: string, owner: string): Promise<void> {
      await db.updateTable('job_leases').set({ lease_until: 0 }).where('name', '=', name).where('owner', '=', owner).execute();
    },
    async jobLeaseHolder(name: string): Promise<{ owner: string; lease_until: number } | null> {
      const row = await db.selectFrom('job_leases').select(['owner', 'lease_until']).where('name', '=', name).executeTakeFirst();
      return row ? { owner: row.owner, lease_until: Number(row.lease_until) } : null;
    },
  };
}
