import { AmendmentKindSchema } from '../../../contract/outcome';
import type { IngestStore, IntakeData } from '../store';

/**
 * The batch ingest calls on SQLite: the per-row methods one after another. In process, a call
 * costs no round trip, so there is nothing to gain from writing a batch's rows as one statement.
 */
export function sqliteIngest(data: Omit<IntakeData, 'ingest'>): IngestStore {
  const { outcomes, devices, phone, integrity, followups, forwarding } = data;
  const present = <T>(items: Array<T | undefined>): T[] => items.filter((item): item is T => item !== undefined);
  const storedHashes = async (ids: string[]) =>
    present(
      await Promise.all(
        ids.map(async (id) => {
          const bodyHash = await outcomes.bodyHash(id);
          return bodyHash === undefined ? undefined : { id, bodyHash };
        }),
      ),
    );
  return {
    storedHashes,
    async facts(deviceId, query) {
      const stored = await storedHashes(query.ids);
      const chain = present(await Promise.all([...new Set(query.seqs)].map(async (seq) => {
        const row = await outcomes.atSeq(deviceId, seq);
        return row && { seq, ...row };
      })));
      const presses = present(await Promise.all(query.pressIds.map((id) => outcomes.mergeView(id))));
      const amendments = present(
        await Promise.all(
          query.pressIds.flatMap((pressId) => AmendmentKindSchema.options.map(async (kind) => ((await outcomes.hasAmendment(pressId, kind)) ? { pressId, kind: kind as string } : undefined))),
        ),
      );
      const phoneRatings = (
        await Promise.all(query.stages.map(async (stage) => (await phone.phoneRatingsOfStage(stage.hallCode, stage.projectNo, stage.event)).map((id) => ({ ...stage, id }))))
      ).flat();
      return {
        stored,
        chain,
        maxSeq: await outcomes.maxSeq(deviceId),
        flag: await devices.flagOf(deviceId),
        inForce: present(await Promise.all(query.invitationIds.map((invitationId) => outcomes.ratingInForce(deviceId, invitationId)))),
        presses,
        amendments,
        phoneRatings,
      };
    },
    async insertOutcomes(rows) {
      for (const row of rows) await outcomes.insert(row);
    },
    async addEvents(events) {
      for (const e of events) await integrity.addEvent(e.deviceId, e.kind, e.seq, e.outcomeId, e.detail, e.at);
    },
    async openFollowups(rows) {
      const opened: string[] = [];
      for (const row of rows) if (await followups.openOnIngest(row.outcomeId, row.cls, row.openedAt, row.dueAt)) opened.push(row.outcomeId);
      return opened;
    },
    async enqueueForwarding(outcomeIds, hallCode, storedAt, dueAt) {
      for (const id of outcomeIds) await forwarding.enqueue(id, hallCode, storedAt, dueAt);
    },
  };
}
