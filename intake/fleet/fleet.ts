import type { FleetDevice, FleetFlagCloseRequest, FleetFlagKind, Heartbeat } from '../../contract/heartbeat';
import type { IntakeStore } from '../store/store';
import type { InvitationReportBatch } from '../../contract/invitationReport';
import { isSilent, judgeHeartbeat, missingOutcomes, severity, type FleetThresholds, type UnansweredReport } from './fleetRules';

export type HeartbeatResult = { ok: true; applied: boolean } | { ok: false; status: 403; code: 'wrong_hall'; message: string };

/** Most devices one fleet answer lists; a hall has tens, a city a few hundred. */
export const FLEET_MAX_DEVICES = 2000;
/** Unanswered reports one sweep looks at, oldest first (a healthy fleet has a few per device). */
const UNANSWERED_SCAN = 20_000;

/**
 * The intake's view of its devices (issue 20): takes each signed heartbeat, raises and closes
 * flags by fleet/fleetRules.ts, notices silent devices, and answers the fleet view worst first.
 */
export function createFleet(store: IntakeStore, thresholds: FleetThresholds, onWrongHall: (deviceId: string, detail: string) => Promise<void>, now: () => number = Date.now) {
  /** Opens and closes a device's flags in one go; returns nothing it could lose: every flag stays stored. */
  async function settle(tx: Parameters<Parameters<IntakeStore['transaction']>[0]>[0], deviceId: string, holding: Array<{ kind: FleetFlagKind; detail: string }>, cleared: FleetFlagKind[], at: number): Promise<void> {
    for (const { kind, detail } of holding) await tx.fleet.open(deviceId, kind, at, detail);
    for (const kind of cleared) await tx.fleet.close(deviceId, kind, at, 'heartbeat');
  }

  /**
   * Opens device-silent for every device past the silence threshold, and missing-outcome for every
   * device with reported invitations that are missing their outcome (closing it once they have
   * one); returns how many flags it opened.
   */
  async function sweep(): Promise<number> {
    const at = now();
    let opened = 0;
    const devices = await store.fleet.devices(null, FLEET_MAX_DEVICES);
    for (const device of devices) {
      if (!isSilent(device.latest?.receivedAt ?? null, device.enrolledAt, at, thresholds)) continue;
      const since = device.latest ? `last heartbeat ${new Date(device.latest.receivedAt).toISOString()}` : 'no heartbeat since enrolment';
      if (await store.fleet.open(device.deviceId, 'device-silent', at, since)) opened++;
    }
    await store.fleet.answerReports(at);
    const unanswered = new Map<string, UnansweredReport[]>();
    for (const { deviceId, report } of await store.fleet.unansweredReports(UNANSWERED_SCAN)) {
      const list = unanswered.get(deviceId) ?? [];
      list.push(report);
      unanswered.set(deviceId, list);
    }
    const missingNow = new Set<string>();
    for (const device of devices) {
      const missing = missingOutcomes(unanswered.get(device.deviceId) ?? [], device.latest?.heartbeat ?? null);
      if (missing.length === 0) continue;
      missingNow.add(device.deviceId);
      const named = missing.slice(0, 3).map((r) => `${r.projectNo} (${r.invitationId})`).join(', ');
      if (await store.fleet.open(device.deviceId, 'missing-outcome', at, `${missing.length} invitation(s) without an outcome after their due time: ${named}${missing.length > 3 ? ', …' : ''}`)) opened++;
    }
    for (const flag of await store.fleet.openFlags(null)) {
      if (flag.kind === 'missing-outcome' && !missingNow.has(flag.deviceId)) await store.fleet.close(flag.deviceId, 'missing-outcome', at, 'outcomes arrived');
    }
    return opened;
  }

  return {
    sweep,

    /** A heartbeat from `deviceId` (its signature checked), whose hall the intake knows as `hallCode`. */
    async receive(deviceId: string, hallCode: string | null, heartbeat: Heartbeat): Promise<HeartbeatResult> {
      if (hallCode !== null && heartbeat.hallCode !== hallCode) {
        const message = `the device is in hall ${hallCode}; this heartbeat names hall ${heartbeat.hallCode}`;
        await onWrongHall(deviceId, message);
        return { ok: false, status: 403, code: 'wrong_hall', message };
      }
      const at = now();
      return store.transaction(async (tx) => {
        const previous = (await tx.fleet.latest(deviceId)) ?? null;
        // An older heartbeat than the one held (sent before it, delivered after) changes nothing.
        if (previous && heartbeat.sentAtMs < previous.heartbeat.sentAtMs) return { ok: true, applied: false } as const;
        const held = await tx.fleet.heldChain(deviceId, heartbeat.chainHead.seq);
        const verdict = judgeHeartbeat(heartbeat, previous, held, at, thresholds);
        await tx.fleet.putLatest(deviceId, heartbeat.hallCode, { heartbeat, receivedAt: at, missingSince: verdict.missingSince });
        await settle(tx, deviceId, verdict.holding, verdict.cleared, at);
        return { ok: true, applied: true } as const;
      });
    },

    /** A device's invitation reports (its signature checked), whose hall the intake knows as `hallCode`. */
    async report(deviceId: string, hallCode: string | null, batch: InvitationReportBatch): Promise<{ ok: true; stored: number } | Extract<HeartbeatResult, { ok: false }>> {
      if (hallCode !== null && batch.hallCode !== hallCode) {
        const message = `the device is in hall ${hallCode}; these invitation reports name hall ${batch.hallCode}`;
        await onWrongHall(deviceId, message);
        return { ok: false, status: 403, code: 'wrong_hall', message };
      }
      return { ok: true, stored: await store.fleet.addReports(deviceId, batch.hallCode, batch.reports, now()) };
    },

    /**
     * A person closes an open flag after looking at it (head-regressed closes no other way); who
     * and why are kept with it. False when no such flag is open.
     */
    async closeByPerson(deviceId: string, kind: FleetFlagKind, request: FleetFlagCloseRequest): Promise<boolean> {
      return store.fleet.close(deviceId, kind, now(), `${request.by}: ${request.reason}`);
    },

    /** The fleet of a hall (every hall when null), worst first. */
    async view(hallCode: string | null): Promise<FleetDevice[]> {
      await sweep();
      const at = now();
      const [devices, flags] = await Promise.all([store.fleet.devices(hallCode, FLEET_MAX_DEVICES), store.fleet.openFlags(hallCode)]);
      const flagsOf = new Map<string, FleetDevice['openFlags']>();
      for (const flag of flags) {
        const list = flagsOf.get(flag.deviceId) ?? [];
        list.push({ kind: flag.kind, openedAt: flag.openedAt, detail: flag.detail });
        flagsOf.set(flag.deviceId, list);
      }
      const rows = devices.map((device): FleetDevice => {
        const beat = device.latest?.heartbeat ?? null;
        return {
          deviceId: device.deviceId,
          hallCode: device.hallCode,
          lastHeartbeatAt: device.latest?.receivedAt ?? null,
          silentForMs: at - (device.latest?.receivedAt ?? device.enrolledAt),
          appVersion: beat?.appVersion ?? null,
          chainHeadSeq: beat?.chainHead.seq ?? null,
          outboxDepth: beat?.outbox.depth ?? null,
          oldestUnsentAgeMs: beat?.outbox.oldestUnsentAgeMs ?? null,
          deadLetters: beat?.outbox.deadLetters ?? null,
          storage: beat?.storage ?? null,
          clockOffsetMs: beat?.clockOffsetMs ?? null,
          ratingDevice: beat?.ratingDevice ?? null,
          openFlags: flagsOf.get(device.deviceId) ?? [],
        };
      });
      const score = (row: FleetDevice) => severity(row.openFlags.map((f) => f.kind));
      return rows.sort((a, b) => score(b) - score(a) || b.silentForMs - a.silentForMs || a.deviceId.localeCompare(b.deviceId));
    },
  };
}

export type Fleet = ReturnType<typeof createFleet>;
