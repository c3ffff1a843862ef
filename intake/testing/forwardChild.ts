/**
 * The intake's forwarder in a process of its own, on a file database, for the fault suite
 * (forwarding/faultSuite.test.ts) to SIGKILL mid-forward and start again. Configured as the intake
 * is (FORWARD_* and a 0600 secrets file); FORWARD_CHILD_DB is the database file, and the clock is
 * FORWARD_CHILD_CLOCK_MS (the suite's simulated time at start), moved 6 minutes on after each pass
 * so backoff and leases run out without waiting (the adapters keep real time for tokens and signs). Prints "pass N" after each pass and "done" when
 * nothing is left to send (ratings and ticket states: ticketState.test.ts kills it too).
 */
import { forwardingFromEnv } from '../forwarding/fromEnv';
import { openSqliteStore } from '../store/sqlite/sqliteStore';

const store = openSqliteStore(process.env.FORWARD_CHILD_DB!);
let clock = Number(process.env.FORWARD_CHILD_CLOCK_MS);
const now = () => clock;
// The province checks tokens and signs against real time; the queue runs on the suite's clock.
const forwarder = await forwardingFromEnv(store, process.env, Date.now, () => undefined, { now, random: () => 0.5, leaseMs: 5 * 60_000, backoff: { baseMs: 1_000, capMs: 60_000 } });
if (!forwarder) throw new Error('forwardChild: no FORWARD_DESTINATIONS');
for (let pass = 0; pass < 80; pass++) {
  await forwarder.runOnce();
  console.log(`pass ${pass}`);
  clock += 6 * 60_000;
  // Ticket states (issue 23) count too: the forwarder is done when neither queue has a record left to send.
  const statesLeft = store.db.prepare("SELECT COUNT(*) AS n FROM forward_ticket_states WHERE state IN ('pending', 'sending')").get() as { n: number };
  if ((await store.forwarding.list('pending', null, 1)).length + (await store.forwarding.list('sending', null, 1)).length + statesLeft.n === 0) break;
}
console.log('done');
store.close();
