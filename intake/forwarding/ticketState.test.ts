import { createPublicKey } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { TicketActor } from '../../contract/tickets';
import { startMockProvince } from '../../scripts/mockProvinceStart';
import { startReferenceMock } from '../../scripts/referenceMock';
import { FUJIAN_PROFILE, PROFILES, REFERENCE_PROFILE, SHANDONG_PROFILE } from '../export/provinceProfiles';
import { createFollowups } from '../followups/followups';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from '../followups/workingDays';
import { createBatchIngest } from '../ingest/batchIngest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqliteStore';
import { startForwardChild } from '../testing/forwardChildProcess';
import { item } from '../testing/intakeHarness';
import { chain, newDeviceKey } from '../testing/signedOutcomes';
import { createTicketWriter, createTickets } from '../tickets/tickets';
import { DEFAULT_TICKET_POLICY } from '../tickets/ticketMachine';
import { createFujianAdapter } from './adapters/fujianSoapSm4';
import { createReferenceAdapter } from './adapters/referenceJson';
import { createShandongAdapter } from './adapters/shandongJsonSm2';
import { createZhejiangAdapter } from './adapters/zhejiangForm';
import { createForwarder } from './forwarder';
import { transition } from './forwardState';
import { forwardingFromEnv } from './fromEnv';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The forwarder as its own process on the database file (testing/forwardChild.ts). */
const startChild = (file: string, env: Record<string, string>, clock: number) => startForwardChild(file, { ...env, FORWARD_P_TIMEOUT_MS: '150', FORWARD_P_RATE: '1000' }, clock, cleanups);

const handler: TicketActor = { id: 'handler', department: '市场监督管理局', role: 'handler' };

/** The destinations the tests' hall h1 forwards to: `ref` takes ticket states, `fj` does not. */
const BOTH = [
  { name: 'ref', hallCode: 'h1', ticketState: true },
  { name: 'fj', hallCode: '*', ticketState: false },
];

/** A store whose hall h1 forwards to `destinations`, `count` 差评 stored through the real ingest, and their tickets. */
async function ticketsOf差评(clock: { at: number }, destinations: Array<{ name: string; hallCode: string; ticketState?: boolean }> = BOTH, count = 1) {
  const now = () => clock.at;
  const store: SqliteStore = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'ticket-state-')), 'i.sqlite'));
  cleanups.push(() => store.close());
  await store.forwarding.setDestinations(destinations);
  const days = createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname));
  const writer = createTicketWriter(days.deadline, DEFAULT_TICKET_POLICY, now);
  const ingest = createBatchIngest(store, { followups: createFollowups(store, days, now, writer), now });
  const key = newDeviceKey();
  const outcomes = chain(
    Array.from({ length: count }, () => item(1)),
    key.privateKey,
  );
  const { results } = await ingest({ deviceId: 'dev-1', hallCode: 'h1', key: createPublicKey(key.privateKey) }, outcomes);
  expect(results.map((r) => r.status)).toEqual(Array(count).fill('accepted'));
  const tickets = createTickets(store, writer, now);
  /** Steps on one ticket, each a minute later, over the version it is at. */
  const actor = (id: string) => {
    let version = 1;
    return {
      act: async (event: Parameters<typeof tickets.act>[3]) => {
        clock.at += 60_000;
        const result = await tickets.act(id, version, handler, event);
        if (result.status !== 'done') throw new Error(`${event.type}: ${result.status}`);
        version = result.row.version;
      },
      stale: (event: Parameters<typeof tickets.act>[3]) => tickets.act(id, version - 1, handler, event),
    };
  };
  return { store, ids: outcomes.map((o) => o.id), actor };
}

async function ticketOfA差评(clock: { at: number }, destinations: Array<{ name: string; hallCode: string; ticketState?: boolean }> = BOTH) {
  const { store, ids, actor } = await ticketsOf差评(clock, destinations);
  return { store, id: ids[0]!, ...actor(ids[0]!) };
}

/** The full loop: contact, 属实, rectify, extend (no new state), rectified, feedback, close. */
async function workTheLoop(act: (event: never) => Promise<void>) {
  const step = act as (event: object) => Promise<void>;
  await step({ type: 'contact', reached: true, note: '已电话联系' });
  await step({ type: 'determine', finding: 'true', reason: '查看录像属实' });
  await step({ type: 'rectify', class: 'limited' });
  await step({ type: 'extend', reason: '需要协调其他部门', workingDays: 2 });
  await step({ type: 'rectified', note: '已补办' });
  await step({ type: 'feedback', reached: true, result: '已告知整改结果', satisfaction: 'satisfied' });
  await step({ type: 'close', reason: '办结' });
}

describe('ticket states upstream (issue 23)', () => {
  it('only the reference profile has the call; the provincial interfaces followed here have none', () => {
    expect(REFERENCE_PROFILE.ticketState).toBe(true);
    for (const profile of [FUJIAN_PROFILE, SHANDONG_PROFILE, PROFILES.zhejiang!, PROFILES.anhui!]) expect(profile.ticketState, profile.name).toBe(false);
    expect(createReferenceAdapter({ baseUrl: 'http://127.0.0.1:1', token: 't' }).sendTicketState).toBeTypeOf('function');
    const adapters = [
      createFujianAdapter({ baseUrl: 'http://127.0.0.1:1', appKey: 'k', appSecret: 's' }),
      createShandongAdapter({ baseUrl: 'http://127.0.0.1:1', tenancyId: '370000000000', appMark: 'm', appWord: 'w', publicKeyHex: '04'.padEnd(130, '1') }),
      createZhejiangAdapter({ baseUrl: 'http://127.0.0.1:1', loginName: 'n', loginPwd: 'p' }),
    ];
    for (const adapter of adapters) expect(adapter.sendTicketState, adapter.style).toBeUndefined();
  });

  it('queues one record per transition that changes the stage, the finding or the exclusion, in its transaction, for the destination with the call only', async () => {
    const clock = { at: Date.parse('2026-11-23T10:00:00+08:00') };
    const { store, id, act, stale } = await ticketOfA差评(clock);
    // Opening the ticket is no transition: the rating itself goes upstream.
    expect(await store.forwarding.ticketStates(id)).toEqual([]);
    await workTheLoop(act);
    // A refused step and a stale one write nothing.
    expect((await stale({ type: 'close', reason: '再次办结' })).status).not.toBe('done');
    const queued = await store.forwarding.ticketStates(id);
    expect(queued.every((q) => q.destination === 'ref' && q.state === 'pending')).toBe(true);
    expect(queued.map((q) => JSON.parse(q.body) as { stage: string; finding: string | null })).toMatchObject([
      { stage: 'contacted', finding: null },
      { stage: 'determined', finding: 'true' },
      { stage: 'rectifying', finding: 'true' },
      { stage: 'rectified' },
      { stage: 'feedback_given' },
      { stage: 'closed', finding: 'true', excluded: false },
    ]);
    // Keyed by the transition's entry in the hash-chained log: the extension (no new state) has none.
    const log = await store.tickets.actionsOf(id);
    const stepsOf = (seq: number) => (JSON.parse(log.find((a) => a.seq === seq)!.what) as { event: { type: string } }).event.type;
    expect(queued.map((q) => stepsOf(q.seq))).toEqual(['contact', 'determine', 'rectify', 'rectified', 'feedback', 'close']);
    expect(queued.map((q) => q.outcomeId)).toEqual(queued.map((q) => `${id}#${q.seq}`));
  });

  it('queues nothing where no destination of the hall has the call', async () => {
    const clock = { at: Date.parse('2026-11-23T10:00:00+08:00') };
    const { store, id, act } = await ticketOfA差评(clock, [{ name: 'fj', hallCode: '*' }]);
    await workTheLoop(act);
    expect(await store.forwarding.ticketStates(id)).toEqual([]);
  });

  it('the runner delivers each state to the reference mock exactly once, through 5xx, lost replies and a send cut off after the mock took it', async () => {
    const clock = { at: Date.parse('2026-11-23T10:00:00+08:00') };
    const { store, id, act } = await ticketOfA差评(clock, [{ name: 'ref', hallCode: 'h1', ticketState: true }]);
    await workTheLoop(act);
    const mock = await startReferenceMock({ token: 'reference-token-0123456789', seed: 3, errorRate: 0.3, lostReplyRate: 0.3 });
    cleanups.push(() => mock.close());
    const adapter = createReferenceAdapter({ baseUrl: mock.url, token: 'reference-token-0123456789', timeoutMs: 2_000 });

    // A forwarder stopped mid-send (a kill): it claimed the first state and the mock took it, but the answer was never saved.
    const [first] = await store.forwarding.dueTicketStates('ref', clock.at, 1);
    const { ticketId: _t, seq: _s, body, ...record } = first!;
    const claimed = transition(record, { type: 'claim', at: clock.at, leaseMs: 5 * 60_000 });
    expect(await store.forwarding.saveTicketState(first!, claimed)).toBe(true);
    await fetch(`${mock.url}/ticket-states`, { method: 'POST', headers: { authorization: 'Bearer reference-token-0123456789', 'content-type': 'application/json' }, body });
    expect(mock.states).toHaveLength(1);

    // Started again: passes until nothing is left, the clock past leases and backoffs.
    const forwarder = createForwarder(store, {
      destinations: [{ name: 'ref', adapter, concurrency: 1, ratePerSec: 1000, burst: 1000 }],
      now: () => clock.at,
      random: () => 0.5,
      backoff: { baseMs: 1_000, capMs: 60_000 },
    });
    for (let pass = 0; pass < 60; pass++) {
      await forwarder.runOnce();
      clock.at += 6 * 60_000;
      if ((await store.forwarding.ticketStates(id)).every((q) => q.state === 'acknowledged')) break;
    }
    const states = await store.forwarding.ticketStates(id);
    expect(states.map((s) => s.state)).toEqual(Array(6).fill('acknowledged'));
    // Each transition once at the mock, with the ack id the intake keeps.
    expect(mock.states.map((s) => s.seq)).toEqual([...new Set(mock.states.map((s) => s.seq))]);
    expect(mock.states.map((s) => s.seq).sort((a, b) => a - b)).toEqual(states.map((s) => s.seq));
    for (const s of states) expect(s.ackId).toBe(mock.states.find((m) => m.seq === s.seq)!.ackId);
    // The faults really happened, and the cut-off send was acknowledged as already held.
    const counts = mock.liveCounts();
    expect(counts.errors).toBeGreaterThan(0);
    expect(counts.lostReplies).toBeGreaterThan(0);
    // Every record the mock already held came again for a reason: a reply it lost, or the cut-off send.
    // The mock keeps one of each, so a second send of the same state shows only here.
    expect(counts.duplicates).toBe(counts.lostReplies + 1);
    // (How many attempts it took depends on the faults it drew: states of a ticket go in order, so the first draws first.)
    const cutOff = states.find((s) => s.seq === first!.seq)!;
    expect(cutOff.ackKind).toBe('duplicate');
    expect(cutOff.attempts).toBeGreaterThanOrEqual(2);
  }, 60_000);

  it('the forwarder process SIGKILLed mid-forward and started again: each state of eight worked tickets at the reference mock exactly once', async () => {
    const clock = { at: Date.parse('2026-11-23T10:00:00+08:00') };
    const { store, ids, actor } = await ticketsOf差评(clock, [{ name: 'p', hallCode: '*', ticketState: true }], 8);
    for (const id of ids) await workTheLoop(actor(id).act);
    const mock = await startMockProvince('reference', { destination: 'p', seed: 7, errorRate: 0.2, lostReplyRate: 0.1, timeoutRate: 0.1, slowReplyMs: 250 });
    cleanups.push(() => mock.close());
    const file = store.db.name;
    const first = startChild(file, mock.env, clock.at + 20 * 60_000);
    // Killed once the mock has taken a few states: mid-forward.
    for (let i = 0; i < 1_000 && mock.ticketStates().length < 5 && first.child.exitCode === null; i++) await new Promise((r) => setTimeout(r, 10));
    first.child.kill('SIGKILL');
    await once(first.child, 'exit');
    expect(first.lines, 'killed before it finished').not.toContain('done');
    const second = startChild(file, mock.env, clock.at + 60 * 60_000);
    await second.reached('done');
    await once(second.child, 'exit');
    const queued = store.db.prepare('SELECT ticket_id, seq, state, ack_id FROM forward_ticket_states ORDER BY ticket_id, seq').all() as Array<{ ticket_id: string; seq: number; state: string; ack_id: string }>;
    expect(queued).toHaveLength(48);
    expect(queued.every((q) => q.state === 'acknowledged')).toBe(true);
    const atMock = mock.ticketStates();
    expect(atMock.map((s) => `${s.ticketId}#${s.seq}`).sort()).toEqual(queued.map((q) => `${q.ticket_id}#${q.seq}`).sort());
    for (const q of queued) expect(q.ack_id).toBe(atMock.find((s) => s.ticketId === q.ticket_id && s.seq === q.seq)!.ackId);
    // The ratings went too, each once.
    expect(new Set(mock.records().map((r) => r.unid)).size).toBe(8);
    expect(mock.records()).toHaveLength(8);
  }, 60_000);

  it('forwarding from the environment flags a destination for ticket states by its interface', async () => {
    const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'ticket-state-env-')), 'i.sqlite'));
    cleanups.push(() => store.close());
    const env = {
      FORWARD_DESTINATIONS: 'ref,fj',
      FORWARD_REF_STYLE: 'reference-json',
      FORWARD_REF_URL: 'http://127.0.0.1:1',
      FORWARD_FJ_STYLE: 'fujian-soap-sm4',
      FORWARD_FJ_URL: 'http://127.0.0.1:1',
      FORWARD_REF_TOKEN: 'reference-token-0123456789',
      FORWARD_FJ_APP_KEY: 'k',
      FORWARD_FJ_APP_SECRET: 's',
    };
    expect(await forwardingFromEnv(store, env, Date.now, () => undefined)).not.toBeNull();
    expect(store.db.prepare('SELECT name, ticket_state FROM forward_destinations ORDER BY name').all()).toEqual([
      { name: 'fj', ticket_state: 0 },
      { name: 'ref', ticket_state: 1 },
    ]);
  });
});
