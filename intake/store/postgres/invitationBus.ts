import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Invitation } from '../../../contract/invitation';
import type { FeedOpened, InvitationBus } from '../../feed/invitationBus';
import type { InvitationStore } from '../store';

const CHANNEL = 'intake_invitations';
/** Feeds opened, on any node: a node holding an older feed of the device ends it. */
const FEEDS_CHANNEL = 'intake_feeds';
const RECONNECT_MS = 1000;

/**
 * The invitation bus of intake nodes sharing one PostgreSQL database: a new invitation is
 * announced with NOTIFY (its device and id only: a payload has a size limit, the body is in the
 * database), and every node LISTENs on its own connection and hands it to the feeds it holds for
 * that device. Should the listening connection drop, it is opened again, and the feeds held
 * meanwhile are given their device's unacknowledged invitations once it listens: a notice sent
 * while no one listened is gone. So is a feed opened elsewhere meanwhile: listeners of
 * onHeardAgain end the feeds they hold, and each device opens its one feed again. A tablet takes
 * an invitation it already has as the same one, as it does when its feed reconnects.
 */
export async function listenForInvitations(connectionString: string, pool: pg.Pool, invitations: InvitationStore, log: (message: string) => void = () => undefined): Promise<InvitationBus> {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  const feeds = new EventEmitter();
  feeds.setMaxListeners(0);
  let closed = false;
  let client: pg.Client | undefined;

  const deliver = async (payload: string) => {
    const { deviceId, id } = JSON.parse(payload) as { deviceId: string; id: string };
    if (emitter.listenerCount(deviceId) === 0) return;
    const invitation = (await invitations.pending(deviceId)).map((body) => JSON.parse(body) as Invitation).find((pending) => pending.id === id);
    if (invitation) emitter.emit(deviceId, invitation);
  };

  /** Every pending invitation to the feeds held here: what was announced while the listener was away. */
  const catchUp = async () => {
    for (const deviceId of emitter.eventNames()) {
      if (typeof deviceId !== 'string') continue;
      for (const body of await invitations.pending(deviceId)) emitter.emit(deviceId, JSON.parse(body) as Invitation);
    }
  };
  let reconnectTimer: NodeJS.Timeout | undefined;
  const reconnectLater = () => {
    if (closed) return;
    reconnectTimer = setTimeout(
      () =>
        void connect()
          .then(() => {
            feeds.emit('heard-again');
            return catchUp().catch((error: Error) => log(`intake: invitations announced while the listener was away not delivered: ${error.message}`));
          })
          .catch(reconnectLater),
      RECONNECT_MS,
    );
    reconnectTimer.unref();
  };
  const connect = async (): Promise<void> => {
    const listener = new pg.Client({ connectionString });
    listener.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) void deliver(message.payload).catch((error: Error) => log(`intake: invitation notice not delivered: ${error.message}`));
      if (message.channel === FEEDS_CHANNEL && message.payload) feeds.emit('opened', JSON.parse(message.payload) as FeedOpened);
    });
    const lost = () => {
      if (closed || client !== listener) return;
      client = undefined;
      log(`intake: the invitation listener lost its connection; reconnecting in ${RECONNECT_MS} ms`);
      reconnectLater();
    };
    listener.on('error', lost);
    listener.on('end', lost);
    client = listener;
    try {
      await listener.connect();
      await listener.query(`LISTEN ${CHANNEL}`);
      await listener.query(`LISTEN ${FEEDS_CHANNEL}`);
      // Closed while this connection was being made: it must not outlive the bus (its socket would keep the process up).
      if (closed) throw new Error('the invitation bus was closed');
    } catch (error) {
      // Not listening: this attempt is dropped (the caller tries again, or the intake does not start).
      if (client === listener) client = undefined;
      listener.removeAllListeners();
      await listener.end().catch(() => undefined);
      throw error;
    }
  };
  await connect();

  return {
    async publish(deviceId, invitation) {
      await pool.query('SELECT pg_notify($1, $2)', [CHANNEL, JSON.stringify({ deviceId, id: invitation.id })]);
    },
    subscribe(deviceId, listener) {
      emitter.on(deviceId, listener);
      return () => emitter.off(deviceId, listener);
    },
    async feedOpened(deviceId, feedId) {
      // The database's clock, in microseconds: every node orders two feeds of a device alike.
      const { rows } = await pool.query<{ at: number }>(
        `WITH t AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::BIGINT AS at)
         SELECT t.at, pg_notify($1, json_build_object('deviceId', $2::TEXT, 'feedId', $3::TEXT, 'at', t.at)::TEXT) FROM t`,
        [FEEDS_CHANNEL, deviceId, feedId],
      );
      return Number(rows[0]!.at);
    },
    onFeedOpened(listener) {
      feeds.on('opened', listener);
      return () => feeds.off('opened', listener);
    },
    onHeardAgain(listener) {
      feeds.on('heard-again', listener);
      return () => feeds.off('heard-again', listener);
    },
    async close() {
      closed = true;
      clearTimeout(reconnectTimer);
      emitter.removeAllListeners();
      feeds.removeAllListeners();
      await client?.end();
    },
  };
}
