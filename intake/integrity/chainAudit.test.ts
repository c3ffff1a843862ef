import { describe, expect, it } from 'vitest';
import { GENESIS_HASH } from '../../contract/outcomeChain';
import type { Outcome } from '../../contract/outcome';
import type { IntakeData } from '../store/store';
import { admitToChain, createChainAudit, flagReason, isFlagging, type ChainView, type IntegrityEventKind } from './chainAudit';

/**
 * The chain audit's rules one by one, on a chain held in memory: what each neighbour, a taken
 * seq, the genesis, a gap or a late arrival notes, and when the outcome stays trusted.
 */
type Held = { id: string; chainHash: string | null; prevHash: string | null };
type Note = [IntegrityEventKind, number | null, string | null, string];

function chainOf(held: Record<number, Held>, flagged = false) {
  const notes: Note[] = [];
  const view: ChainView = {
    atSeq: async (seq) => held[seq],
    maxSeq: async () => Math.max(0, ...Object.keys(held).map(Number)),
    flagged: async () => flagged,
    note: async (...note) => void notes.push(note),
  };
  return { view, notes };
}

/** Only what the audit reads of an outcome. */
const outcome = (seq: number, prevHash: string, hash = `h${seq}`, id = `o${seq}`) => ({ seq, id, prevHash, hash, deviceId: 'dev-1' }) as unknown as Outcome;
const link = (seq: number, prevHash: string | null = seq === 1 ? GENESIS_HASH : `h${seq - 1}`): Held => ({ id: `o${seq}`, chainHash: `h${seq}`, prevHash });

describe('admitToChain', () => {
  it('takes the first outcome from the genesis hash, noting nothing', async () => {
    const { view, notes } = chainOf({});
    expect(await admitToChain(view, outcome(1, GENESIS_HASH))).toEqual({ trusted: true });
    expect(notes).toEqual([]);
  });

  it('a first outcome not from the genesis hash breaks the chain', async () => {
    const { view, notes } = chainOf({});
    expect(await admitToChain(view, outcome(1, 'h0'))).toEqual({ trusted: false });
    expect(notes).toEqual([['chain_break', 1, 'o1', 'the first outcome does not start from the genesis hash']]);
  });

  it('a later outcome need not start from the genesis hash', async () => {
    const { view, notes } = chainOf({ 1: link(1) });
    expect(await admitToChain(view, outcome(2, 'h1'))).toEqual({ trusted: true });
    expect(notes).toEqual([]);
  });

  it('a seq already held is a fork, and not a late arrival', async () => {
    const { view, notes } = chainOf({ 1: link(1), 2: link(2), 3: link(3) });
    expect(await admitToChain(view, outcome(2, 'h1', 'other', 'o2b'))).toEqual({ trusted: false });
    expect(notes).toEqual([
      ['fork', 2, 'o2b', 'seq 2 is already held by outcome o2'],
      ['chain_break', 3, 'o3', "seq 3 does not point at this seq's hash"],
    ]);
  });

  it('a prevHash that is not the hash of the seq before breaks the chain at this seq', async () => {
    const { view, notes } = chainOf({ 1: link(1) });
    expect(await admitToChain(view, outcome(2, 'not-h1'))).toEqual({ trusted: false });
    expect(notes).toEqual([['chain_break', 2, 'o2', 'prevHash does not match the hash of seq 1']]);
  });

  it('an outcome the seq after does not point at breaks the chain at the seq after', async () => {
    const { view, notes } = chainOf({ 1: link(1), 3: link(3, 'not-h2') });
    expect(await admitToChain(view, outcome(2, 'h1'))).toEqual({ trusted: false });
    expect(notes).toEqual([
      ['chain_break', 3, 'o3', "seq 3 does not point at this seq's hash"],
      ['late_arrival', 2, 'o2', 'arrived after seq 3'],
    ]);
  });

  it('fills a hole between both neighbours: a late arrival, trusted', async () => {
    const { view, notes } = chainOf({ 1: link(1), 3: link(3) });
    expect(await admitToChain(view, outcome(2, 'h1'))).toEqual({ trusted: true });
    expect(notes).toEqual([['late_arrival', 2, 'o2', 'arrived after seq 3']]);
  });

  it('skipping seqs is a gap, which leaves the outcome trusted', async () => {
    const { view, notes } = chainOf({ 1: link(1), 2: link(2) });
    expect(await admitToChain(view, outcome(5, 'h4'))).toEqual({ trusted: true });
    expect(notes).toEqual([['gap', 5, 'o5', 'seqs 3–4 missing']]);
  });

  it('the next seq is neither a gap nor late', async () => {
    const { view, notes } = chainOf({ 1: link(1), 2: link(2) });
    expect(await admitToChain(view, outcome(3, 'h2'))).toEqual({ trusted: true });
    expect(notes).toEqual([]);
  });

  it('the seq just below the highest, not held, is late', async () => {
    const { view, notes } = chainOf({ 1: link(1), 3: link(3) });
    await admitToChain(view, outcome(2, 'h1'));
    expect(notes.map(([kind]) => kind)).toEqual(['late_arrival']);
  });

  it('a flagged device keeps every new outcome untrusted, however well it fits', async () => {
    const { view, notes } = chainOf({ 1: link(1) }, true);
    expect(await admitToChain(view, outcome(2, 'h1'))).toEqual({ trusted: false });
    expect(notes).toEqual([]);
  });
});

describe('flagging kinds', () => {
  it('fork, chain break, tampering, a foreign signature and a wrong hall flag the device; the rest do not', () => {
    const flagging: IntegrityEventKind[] = ['fork', 'chain_break', 'tampered', 'bad_outcome_signature', 'wrong_hall'];
    const not: IntegrityEventKind[] = ['gap', 'late_arrival', 'second_rating', 'orphan_amendment', 'enrolment_refused', 'outcomes_imported'];
    expect(flagging.map(isFlagging)).toEqual(flagging.map(() => true));
    expect(not.map(isFlagging)).toEqual(not.map(() => false));
  });

  it('a flag says its kind and seq, or ? when there is none', () => {
    expect(flagReason('fork', 7)).toBe('fork at seq 7');
    expect(flagReason('wrong_hall', null)).toBe('wrong_hall at seq ?');
  });
});

describe('createChainAudit', () => {
  /** A store in memory: the calls the audit makes, and answers given by the test. */
  function fakeData(answers: { events?: number; gaps?: number; untrusted?: number; flag?: { at: number; reason: string } } = {}) {
    const calls: unknown[][] = [];
    const data = {
      integrity: {
        addEvent: async (...args: unknown[]) => void calls.push(['addEvent', ...args]),
        events: async (deviceId: string, afterId: number, limit: number) => {
          calls.push(['events', deviceId, afterId, limit]);
          return Array.from({ length: Math.min(limit, answers.events ?? 0) }, (_, i) => ({ id: afterId + i + 1, deviceId, kind: 'gap', seq: i, outcomeId: null, detail: '', at: 0 }));
        },
      },
      devices: {
        flag: async (...args: unknown[]) => void calls.push(['flag', ...args]),
        flagOf: async () => answers.flag ?? null,
      },
      outcomes: {
        atSeq: async (_deviceId: string, seq: number) => (seq === 1 ? link(1) : undefined),
        maxSeq: async () => 1,
        count: async () => 1,
        countUntrusted: async () => answers.untrusted ?? 0,
        untrusted: async (_deviceId: string, limit: number) => {
          calls.push(['untrusted', limit]);
          return Array.from({ length: Math.min(limit, answers.untrusted ?? 0) }, (_, i) => ({ id: `u${i}`, seq: i + 2, body: '{}' }));
        },
        gaps: async (_deviceId: string, limit: number) => {
          calls.push(['gaps', limit]);
          return Array.from({ length: Math.min(limit, answers.gaps ?? 0) }, (_, i) => ({ from: 10 * i + 2, to: 10 * i + 3 }));
        },
      },
    };
    return { data: data as unknown as Pick<IntakeData, 'outcomes' | 'integrity' | 'devices'>, calls };
  }

  it('notes an event with the time, and flags the device only for a flagging kind', async () => {
    const { data, calls } = fakeData();
    const audit = createChainAudit(data, () => 1234);
    await audit.note('dev-1', 'gap', 3, 'o3', 'seqs 2–2 missing');
    await audit.note('dev-1', 'fork', 4, 'o4', 'seq 4 is already held');
    expect(calls).toEqual([
      ['addEvent', 'dev-1', 'gap', 3, 'o3', 'seqs 2–2 missing', 1234],
      ['addEvent', 'dev-1', 'fork', 4, 'o4', 'seq 4 is already held', 1234],
      ['flag', 'dev-1', 1234, 'fork at seq 4'],
    ]);
  });

  it('admits through the store: a fork is noted and flagged', async () => {
    const { data, calls } = fakeData();
    const audit = createChainAudit(data, () => 5);
    expect(await audit.admit(outcome(1, GENESIS_HASH, 'x', 'o1b'))).toEqual({ trusted: false });
    expect(calls).toEqual([
      ['addEvent', 'dev-1', 'fork', 1, 'o1b', 'seq 1 is already held by outcome o1', 5],
      ['flag', 'dev-1', 5, 'fork at seq 1'],
    ]);
  });

  it('admits through the store: the next seq is trusted unless the device is flagged; a jump is a gap', async () => {
    expect(await createChainAudit(fakeData().data).admit(outcome(2, 'h1'))).toEqual({ trusted: true });
    expect(await createChainAudit(fakeData({ flag: { at: 1, reason: 'fork at seq 1' } }).data).admit(outcome(2, 'h1'))).toEqual({ trusted: false });
    const { data, calls } = fakeData();
    expect(await createChainAudit(data, () => 9).admit(outcome(4, 'h3'))).toEqual({ trusted: true });
    expect(calls).toEqual([['addEvent', 'dev-1', 'gap', 4, 'o4', 'seqs 2–3 missing', 9]]);
  });

  it('reports a page of events and says where the next starts', async () => {
    const { data, calls } = fakeData({ events: 10 });
    const audit = createChainAudit(data);
    const page = await audit.report('dev-1', { limit: 3, afterEventId: 20 });
    expect(calls).toContainEqual(['events', 'dev-1', 20, 4]);
    expect(page.events.map((e) => e.id)).toEqual([21, 22, 23]);
    expect(page.nextEventId).toBe(23);
    const last = await createChainAudit(fakeData({ events: 3 }).data).report('dev-1', { limit: 3, afterEventId: 0 });
    expect(last.events).toHaveLength(3);
    expect(last.nextEventId).toBeNull();
    // The default page: 200 events from the first.
    const { data: d2, calls: c2 } = fakeData();
    expect((await createChainAudit(d2).report('dev-1')).nextEventId).toBeNull();
    expect(c2).toContainEqual(['events', 'dev-1', 0, 201]);
  });

  it('lists at most 1000 gaps and says when there are more, and at most 100 untrusted records with their count', async () => {
    const { data, calls } = fakeData({ gaps: 5000, untrusted: 150 });
    const report = await createChainAudit(data).report('dev-1');
    expect(calls).toContainEqual(['gaps', 1001]);
    expect(calls).toContainEqual(['untrusted', 100]);
    expect(report.gaps).toHaveLength(1000);
    expect(report.gapsTruncated).toBe(true);
    expect(report.untrusted.count).toBe(150);
    expect(report.untrusted.outcomes).toHaveLength(100);
    expect(report.untrusted.outcomes[0]).toEqual({ id: 'u0', seq: 2 });
    expect(report).toMatchObject({ deviceId: 'dev-1', flagged: null, stored: 1, maxSeq: 1 });
    const exact = await createChainAudit(fakeData({ gaps: 1000 }).data).report('dev-1');
    expect(exact.gaps).toHaveLength(1000);
    expect(exact.gapsTruncated).toBe(false);
  });
});
