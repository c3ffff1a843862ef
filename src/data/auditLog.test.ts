import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { discardDeadLetter, listDeadLetters } from '../sync/deadLetters';
import { makeInvitation, recordOutcome, testContext } from '../testing/fixtures';
import { appendAudit, listAudit, verifyAuditLog } from './auditLog';
import { openEvaluatorDb } from './db';

describe('admin audit log', () => {
  it('chains entries; an edited or deleted entry is found', async () => {
    const db = openEvaluatorDb(`audit-${crypto.randomUUID()}`);
    await appendAudit(db, 'pin-refused', { reason: 'wrong' });
    await appendAudit(db, 'pin-accepted', {});
    await appendAudit(db, 'manual-retry', {});
    expect((await listAudit(db)).map((e) => e.action)).toEqual(['manual-retry', 'pin-accepted', 'pin-refused']);
    expect(await verifyAuditLog(db)).toBeNull();

    const [, second] = await db.audit.orderBy('id').toArray();
    await db.audit.put({ ...second!, action: 'manual-retry' });
    expect(await verifyAuditLog(db)).toBe(second!.id);
    await db.audit.put(second!);
    expect(await verifyAuditLog(db)).toBeNull();
    await db.audit.delete(second!.id!);
    expect(await verifyAuditLog(db)).not.toBeNull();
  });

  it('keeps one chain when entries are appended at once', async () => {
    const db = openEvaluatorDb(`audit-${crypto.randomUUID()}`);
    await Promise.all(Array.from({ length: 12 }, (_, i) => appendAudit(db, 'manual-retry', { i })));
    expect(await db.audit.count()).toBe(12);
    expect(await verifyAuditLog(db)).toBeNull();
  });

  it('a dead letter is discarded only with a reason, and the discard is logged with what was removed', async () => {
    const db = openEvaluatorDb(`audit-${crypto.randomUUID()}`);
    const outcome = await recordOutcome(
      db,
      makeInvitation(),
      { outcome: 'rated', level: 1, tags: [], isPublic: true, callback: { requested: false }, input: { method: 'touch', inviteToPressMs: 3000 } },
      { context: testContext, clockOffsetMs: null, nowMs: Date.now() },
    );
    const row = (await db.outbox.get(outcome.seq))!;
    await db.deadLetters.put({ ...row, rejectedAtMs: Date.now(), code: 'invalid', reason: 'tags.0: bad' });
    await db.outbox.delete(outcome.seq);
    await db.lateFlags.put({ outcomeId: outcome.id, flag: 'press-burst', count: 3 });

    await expect(discardDeadLetter(db, outcome.id, '  ')).rejects.toThrow(/reason/);
    expect(await listDeadLetters(db)).toHaveLength(1);
    expect(await db.audit.count()).toBe(0);

    await discardDeadLetter(db, outcome.id, '旧版本写坏的记录，已人工核对');
    expect(await listDeadLetters(db)).toHaveLength(0);
    expect(await db.lateFlags.count()).toBe(0);
    const [entry] = await listAudit(db);
    expect(entry).toMatchObject({
      action: 'dead-letter-discarded',
      detail: { outcomeId: outcome.id, seq: outcome.seq, hash: outcome.hash, level: 1, reason: '旧版本写坏的记录，已人工核对' },
    });
  });
});
