import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { makeInvitation, recordOutcome, testContext } from '../testing/fixtures';
import { appendAudit, verifyAuditLog } from './auditLog';
import { openEvaluatorDb, type AuditCheckpoint, type EvaluatorDb } from './db';
import { storeInvitation } from './invitations';
import { AUDIT_CHECKPOINT_KEY, DEFAULT_PRUNE_LIMITS, pruneDeviceData } from './prune';

const DAY = 86_400_000;
let opened: EvaluatorDb[] = [];
afterEach(() => {
  opened.forEach((db) => db.close());
  opened = [];
});
function open(): EvaluatorDb {
  const db = openEvaluatorDb(`prune-${crypto.randomUUID()}`);
  opened.push(db);
  return db;
}

describe('pruning the device\'s own bookkeeping', () => {
  it('forgets ended invitations and rated cases past their window, never a pending invitation or an unsent outcome', async () => {
    const db = open();
    const now = Date.now();
    const old = makeInvitation({ receivedAtMs: now - 8 * DAY });
    const recent = makeInvitation({ receivedAtMs: now - DAY });
    const waiting = makeInvitation({ receivedAtMs: now - 30 * DAY });
    for (const invitation of [old, recent, waiting]) await storeInvitation(db, invitation);
    const ending = { outcome: 'unrated', tags: [], isPublic: true, callback: { requested: false }, input: { method: 'none', inviteToPressMs: null } } as const;
    const ctx = { context: testContext, clockOffsetMs: null, nowMs: now };
    await recordOutcome(db, old, { ...ending, tags: [] }, ctx);
    await recordOutcome(db, recent, { ...ending, tags: [] }, ctx);
    await db.ratedCases.bulkPut([
      { key: 'old|closed', outcomeId: 'x', atMs: now - 31 * DAY },
      { key: 'new|closed', outcomeId: 'y', atMs: now - DAY },
    ]);
    const pruned = await pruneDeviceData(db, now);
    expect(pruned).toMatchObject({ invitations: 1, ratedCases: 1 });
    expect((await db.invitations.toArray()).map((r) => r.id).sort()).toEqual([recent.id, waiting.id].sort());
    expect(await db.outbox.count()).toBe(2);
    const cases = (await db.ratedCases.toArray()).map((r) => r.key);
    expect(cases).toContain('new|closed');
    expect(cases).not.toContain('old|closed');
  });

  it('keeps at most the configured number of ended invitations, oldest gone first', async () => {
    const db = open();
    const now = Date.now();
    await db.invitations.bulkAdd(
      Array.from({ length: 6 }, (_, i) => {
        const invitation = makeInvitation({ receivedAtMs: now - (6 - i) * 1000 });
        return { id: invitation.id, invitation, state: 'ended' as const, receivedAtMs: invitation.receivedAtMs };
      }),
    );
    const newest = (await db.invitations.orderBy('receivedAtMs').toArray()).slice(-2).map((r) => r.id);
    await pruneDeviceData(db, now, { ...DEFAULT_PRUNE_LIMITS, endedInvitationsKept: 2 });
    expect((await db.invitations.orderBy('receivedAtMs').toArray()).map((r) => r.id)).toEqual(newest);
  });

  it('replaces the oldest audit entries by a checkpoint signed by the device key; the log still verifies, a forged checkpoint does not', async () => {
    const db = open();
    for (let i = 0; i < 8; i++) await appendAudit(db, 'manual-retry', { n: i });
    const pruned = await pruneDeviceData(db, Date.now(), { ...DEFAULT_PRUNE_LIMITS, auditKept: 3 });
    expect(pruned.audit).toBe(5);
    expect(await db.audit.count()).toBe(3);
    expect(await verifyAuditLog(db)).toBeNull();
    await appendAudit(db, 'manual-retry', { n: 8 });
    expect(await verifyAuditLog(db)).toBeNull();

    const firstKept = (await db.audit.orderBy('id').first())!;
    const checkpoint = (await db.meta.get(AUDIT_CHECKPOINT_KEY))!.value as AuditCheckpoint;
    // Someone rewrites the checkpoint to fit an edited log: without the device key it does not verify.
    await db.meta.put({ key: AUDIT_CHECKPOINT_KEY, value: { ...checkpoint, hash: 'f'.repeat(64) } });
    expect(await verifyAuditLog(db)).toBe(firstKept.id);
    // Removing the checkpoint outright shows as a break at the first entry kept.
    await db.meta.delete(AUDIT_CHECKPOINT_KEY);
    expect(await verifyAuditLog(db)).toBe(firstKept.id);
  });
});
