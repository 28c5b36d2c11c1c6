// Cross-node wake-ups on PostgreSQL (DESIGN.md Scale): a committed session change is announced
// with NOTIFY (payload = session id only, never personal data); every node LISTENs and wakes its
// local long-polls and event streams, which then re-read the row. A lost notification costs only
// latency: waiters also re-read on a timer.
import pg from 'pg';
import type { ChangeFeed } from '../sessions/change-feed.js';

export const CHANNEL = 'idbridge_session';

export interface NotifyBridge {
  close(): Promise<void>;
}

interface Log {
  warn(obj: object, msg?: string): void;
}

export async function bridgeNotifications(url: string, feed: ChangeFeed, log: Log): Promise<NotifyBridge> {
  let closed = false;
  let listener: pg.Client | null = null;
  const sender = new pg.Pool({ connectionString: url, max: 2 });
  sender.on('error', () => undefined);
  sender.on('connect', (client) => client.on('error', () => undefined));

  async function listen(): Promise<void> {
    if (closed) return;
    const client = new pg.Client({ connectionString: url });
    client.on('notification', (msg) => {
      if (msg.channel === CHANNEL && msg.payload) feed.deliver(msg.payload);
    });
    client.on('error', (err) => {
      log.warn({ err: err.message }, 'notification connection lost; reconnecting');
      client.end().catch(() => undefined);
      if (listener === client) listener = null;
      setTimeout(() => void listen().catch(() => undefined), 1000);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      listener = client;
    } catch (err) {
      client.end().catch(() => undefined);
      log.warn({ err: (err as Error).message }, 'cannot LISTEN yet; retrying');
      setTimeout(() => void listen().catch(() => undefined), 1000);
    }
  }

  feed.onPublish((id) => {
    if (closed) return;
    sender.query('SELECT pg_notify($1, $2)', [CHANNEL, id]).catch(() => undefined);
  });
  await listen();
  return {
    async close() {
      closed = true;
      await listener?.end().catch(() => undefined);
      await sender.end().catch(() => undefined);
    },
  };
}
