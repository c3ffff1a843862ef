import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { v7 as uuidv7 } from 'uuid';
import type { CaseEvent } from '../contract/caseEvent';
import type { Invitation } from '../contract/invitation';
import { openInvitationJournal, type InvitationJournal, type JournalRecord } from './invitationJournal';
import { InvitationQueue, type QueueLimits } from './invitationQueue';

const event = (projectNo: string, extra: Partial<CaseEvent> = {}): CaseEvent => ({
  event: 'closed',
  case: { projectNo, taskCode: 'T1', taskName: '企业设立登记', deptName: '市场监督管理局' },
  staff: { loginName: 'zhangsan', name: '张三' },
  ...extra,
});

let file: string;
let journals: InvitationJournal[];
beforeEach(() => {
  file = path.join(mkdtempSync(path.join(tmpdir(), 'queue-')), 'invitations-dev-1.jsonl');
  journals = [];
});

/** A host start: open the journal, replay it into a queue, compact (as startHost does once it owns its port). */
function start(limits?: QueueLimits): InvitationQueue {
  for (const journal of journals.splice(0)) journal.close(); // the previous "process" is gone
  const journal = openInvitationJournal(file, { log: () => undefined });
  journals.push(journal);
  const queue = new InvitationQueue(limits, () => 1_780_000_000_000, journal);
  queue.compactJournal();
  return queue;
}
const lines = () => readFileSync(file, 'utf8').trim().split('\n');
const invitationFor = (projectNo: string): Invitation => ({ id: uuidv7(), event: 'closed', case: event(projectNo).case, staff: event(projectNo).staff, receivedAtMs: 1 });
const queued = (invitation: Invitation): JournalRecord => ({ op: 'queued', key: `case:closed:${invitation.case.projectNo}`, invitation });
const idOf = (result: ReturnType<InvitationQueue['enqueue']>) => {
  if (result.status !== 'queued') throw new Error(`expected queued, got ${result.status}`);
  return result.invitation.id;
};

describe('the invitation queue across a restart', () => {
  it('hands unacknowledged invitations again, in order, and answers a resend as a duplicate of the same invitation', () => {
    let queue = start();
    const first = idOf(queue.enqueue(event('P-1')));
    const second = idOf(queue.enqueue(event('P-2', { eventId: 'E-2' })));

    queue = start(); // power cut, restart
    expect(queue.pending().map((i) => [i.id, i.case.projectNo, i.staff.name, i.receivedAtMs])).toEqual([
      [first, 'P-1', '张三', 1_780_000_000_000],
      [second, 'P-2', '张三', 1_780_000_000_000],
    ]);
    expect(queue.enqueue(event('P-1'))).toEqual({ status: 'duplicate', invitationId: first });
    expect(queue.enqueue(event('P-OTHER', { eventId: 'E-2' }))).toEqual({ status: 'duplicate', invitationId: second });
  });

  it('records acknowledgements: an acknowledged invitation is not handed again, and its resend is still a duplicate', () => {
    let queue = start();
    const first = idOf(queue.enqueue(event('P-1')));
    const second = idOf(queue.enqueue(event('P-2')));
    expect(queue.ack(first)).toBe(true);
    expect(queue.ack(first)).toBe(false); // a second ack writes nothing
    expect(lines()).toHaveLength(3);

    queue = start();
    expect(queue.pending().map((i) => i.id)).toEqual([second]);
    expect(queue.enqueue(event('P-1'))).toEqual({ status: 'duplicate', invitationId: first });
    // Compacted at start: the acknowledged invitation is remembered by key and id only.
    expect(lines().map((l) => JSON.parse(l) as JournalRecord)).toEqual([
      { op: 'seen', key: 'case:closed:P-1', id: first },
      { op: 'queued', key: 'case:closed:P-2', invitation: expect.objectContaining({ id: second }) },
    ]);
  });

  it('bounds the dedupe memory across restarts like in memory (oldest forgotten first)', () => {
    const limits = { maxUnacked: 10, rememberSeen: 3 };
    let queue = start(limits);
    const ids = ['P-1', 'P-2', 'P-3', 'P-4', 'P-5'].map((p) => idOf(queue.enqueue(event(p))));
    for (const id of ids) queue.ack(id);

    queue = start(limits);
    expect(lines()).toHaveLength(3);
    expect(queue.enqueue(event('P-5'))).toEqual({ status: 'duplicate', invitationId: ids[4] });
    expect(queue.enqueue(event('P-3'))).toEqual({ status: 'duplicate', invitationId: ids[2] });
    // P-1 was forgotten: a resend this late is a new invitation, exactly as without a restart.
    expect(queue.enqueue(event('P-1')).status).toBe('queued');
  });

  it('keeps an unacknowledged invitation whose case event fell out of the dedupe memory', () => {
    const limits = { maxUnacked: 10, rememberSeen: 2 };
    let queue = start(limits);
    const ids = ['P-1', 'P-2', 'P-3'].map((p) => idOf(queue.enqueue(event(p))));
    queue = start(limits);
    expect(queue.pending().map((i) => i.id)).toEqual(ids);
    queue = start(limits); // a compacted journal replays to the same state
    expect(queue.pending().map((i) => i.id)).toEqual(ids);
    expect(queue.enqueue(event('P-3')).status).toBe('duplicate');
    expect(queue.enqueue(event('P-1')).status).toBe('queued');
  });

  it('compacts while running once the journal has grown by the size of the dedupe memory', () => {
    const limits = { maxUnacked: 10, rememberSeen: 4 };
    const queue = start(limits);
    for (let i = 0; i < 20; i++) queue.ack(idOf(queue.enqueue(event(`P-${i}`))));
    // Never more than the memory plus the appends since the last compaction.
    expect(lines().length).toBeLessThanOrEqual(2 * limits.rememberSeen);
    expect(start(limits).enqueue(event('P-19')).status).toBe('duplicate');
  });
});

describe('the invitation queue with a journal that cannot write', () => {
  const failingJournal = (failOn: JournalRecord['op']): InvitationJournal & { written: JournalRecord[] } => {
    const written: JournalRecord[] = [];
    return {
      written,
      replay: () => [],
      append(record) {
        if (record.op === failOn) throw new Error('disk full');
        written.push(record);
      },
      compact: () => undefined,
      appendedSinceCompaction: () => written.length,
      close: () => undefined,
    };
  };

  it('refuses a case event it cannot record, and changes nothing', () => {
    const queue = new InvitationQueue(undefined, undefined, failingJournal('queued'));
    expect(queue.enqueue(event('P-1'))).toEqual({ status: 'unrecorded' });
    expect(queue.pending()).toEqual([]);
    expect(queue.records()).toEqual([]);
  });

  it('still takes an acknowledgement it cannot record (at worst the page is handed it again and ignores it)', () => {
    const journal = failingJournal('acked');
    const queue = new InvitationQueue(undefined, undefined, journal);
    const id = idOf(queue.enqueue(event('P-1')));
    expect(queue.ack(id)).toBe(true);
    expect(queue.pending()).toEqual([]);
    expect(journal.written.map((r) => r.op)).toEqual(['queued']);
  });

  it('after a restart, hands only the invitation that was answered 202 when a refused write reached the disk anyway', () => {
    // The first write "failed" (its fsync reported an error, so the sender got 503) but the line
    // is on disk; the sender's retry was accepted as a new invitation under the same key.
    const refused = invitationFor('P-1');
    const promised = invitationFor('P-1');
    const journal = { ...failingJournal('seen'), replay: (): JournalRecord[] => [queued(refused), queued(promised)] };
    const queue = new InvitationQueue(undefined, undefined, journal);
    expect(queue.pending().map((i) => i.id)).toEqual([promised.id]);
    expect(queue.enqueue(event('P-1'))).toEqual({ status: 'duplicate', invitationId: promised.id });
  });

  it('works in memory without a journal', () => {
    const queue = new InvitationQueue();
    const id = idOf(queue.enqueue(event('P-1')));
    expect(queue.enqueue(event('P-1'))).toEqual({ status: 'duplicate', invitationId: id });
    queue.compactJournal(); // nothing to do
    expect(queue.ack(id)).toBe(true);
  });
});
