import { v7 as uuidv7 } from 'uuid';
import type { DeviceContext } from '../../contract/hallConfig';
import type { Invitation } from '../../contract/invitation';
import { OutcomeSchema, type Outcome } from '../../contract/outcome';
import type { Ending } from '../flow/machine';
import { isoWithOffset } from '../lib/time';
import type { EvaluatorDb, OutboxRow } from './db';

const LAST_SEQ_KEY = 'lastSeq';

export interface RecordContext {
  context: DeviceContext;
  clockOffsetMs: number | null;
  /** Epoch ms with sub-ms resolution for monotonicMs; wall time for ratedAt. */
  nowMs: number;
}

/**
 * Writes one invitation's outcome to the outbox in a single transaction that also advances the
 * per-device seq and ends the invitation. The promise settles after the commit, so a caller
 * that waits for it knows the outcome is durable. A second call for the same invitation
 * returns the first outcome unchanged: one outcome per invitation.
 */
export async function recordOutcome(
  db: EvaluatorDb,
  invitation: Invitation,
  ending: Ending,
  { context, clockOffsetMs, nowMs }: RecordContext,
): Promise<Outcome> {
  return db.transaction('rw', db.outbox, db.invitations, db.meta, async () => {
    // Reads and writes are issued together, not one after another: each IndexedDB request is a
    // round trip to the browser's storage process, and this sits on the press → durable path.
    const [row, last] = await Promise.all([db.invitations.get(invitation.id), db.meta.get(LAST_SEQ_KEY)]);
    if (row?.state === 'ended') {
      const existing = await db.outbox.where('invitationId').equals(invitation.id).first();
      if (existing) return stripLocal(existing);
    }

    const seq = (typeof last?.value === 'number' ? last.value : 0) + 1;
    const outcome = OutcomeSchema.parse({
      id: uuidv7(),
      deviceId: context.device.id,
      seq,
      invitationId: invitation.id,
      outcome: ending.outcome,
      ...(ending.level !== undefined ? { level: ending.level } : {}),
      tags: ending.tags,
      ...(ending.comment !== undefined ? { comment: ending.comment } : {}),
      public: ending.isPublic,
      callback: ending.callback,
      channel: context.device.channel,
      ratedAt: isoWithOffset(nowMs),
      monotonicMs: nowMs,
      clockOffsetMs,
      input: ending.input,
      event: invitation.event,
      case: invitation.case,
      staff: invitation.staff,
      window: { hallCode: context.hall.code, windowNo: context.window.no, windowName: context.window.name },
      questionSetVersion: context.policies.questionSetVersion,
    } satisfies Outcome);

    await Promise.all([
      db.meta.put({ key: LAST_SEQ_KEY, value: seq }),
      db.outbox.add({ ...outcome, storedAtMs: Date.now() }),
      db.invitations.put({ ...(row ?? { id: invitation.id, invitation, receivedAtMs: invitation.receivedAtMs }), state: 'ended' }),
    ]);
    return outcome;
  });
}

function stripLocal(row: OutboxRow): Outcome {
  const { storedAtMs: _stored, ...outcome } = row;
  return outcome;
}

export async function listOutbox(db: EvaluatorDb): Promise<Outcome[]> {
  const rows = await db.outbox.orderBy('seq').toArray();
  return rows.map(stripLocal);
}
