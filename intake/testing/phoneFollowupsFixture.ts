import { v7 as uuidv7 } from 'uuid';
import type { DashboardDimension } from '../../contract/dashboard';
import type { PhoneRating } from '../../contract/phoneRating';
import { createDashboardTally, type CountedRating } from '../dashboard/dashboardTally';
import { phoneRatingRecord } from '../ingest/ratingRecord';
import type { IntakeData, PhoneRatingRow } from '../store/store';

const W1 = { hallCode: 'h1', windowNo: 'W1', windowName: '一号窗口' };
export const W2 = { hallCode: 'h1', windowNo: 'W2', windowName: '二号窗口' };
const RECEIVED = Date.UTC(2026, 10, 20, 2, 0, 0);

/** A phone rating as the phone page signs it (the signature is not checked by what reads it here): a case-bound link's, or a window QR's. */
export function phoneRatingBody(o: { kind: 'case' | 'window'; level: 1 | 2; ratedAt: string; public: boolean; window?: PhoneRating['window'] }): PhoneRating {
  const id = uuidv7();
  const common = {
    id,
    channel: 'qr-code' as const,
    level: o.level,
    tags: [],
    public: o.public,
    callback: { requested: false },
    ratedAt: o.ratedAt,
    flags: o.kind === 'window' ? ['window-service' as const] : [],
    keyId: 'k'.repeat(22),
    signature: 's'.repeat(86),
  };
  return o.kind === 'case'
    ? {
        ...common,
        kind: 'case',
        linkId: id.replace(/-/g, '').slice(-22),
        event: 'closed',
        case: { projectNo: `P-${id}`, taskCode: 'T1', taskName: '办理', deptName: 'Dept' },
        staff: { loginName: 's1', name: '张三' },
        window: o.window ?? W1,
      }
    : { ...common, kind: 'window', deptName: 'Dept', window: o.window ?? W1 };
}

/** The phone_ratings row the phone page stores for a rating. */
export function phoneRatingRow(rating: PhoneRating): PhoneRatingRow {
  return {
    id: rating.id,
    kind: rating.kind,
    channel: rating.channel,
    hallCode: rating.window.hallCode,
    windowNo: rating.window.windowNo,
    projectNo: rating.case?.projectNo ?? null,
    event: rating.event ?? null,
    linkId: rating.linkId ?? null,
    supersedes: null,
    counted: true,
    flags: rating.flags,
    addressKey: null,
    browserKey: null,
    day: rating.ratedAt.slice(0, 10),
    receivedAt: RECEIVED,
    body: JSON.stringify(rating),
  };
}

/** A rating's key in a dashboard dimension as the ingest tally counts it (a window's phone rating names no staff). */
export function dimensionKey(r: CountedRating, by: DashboardDimension): string | null {
  switch (by) {
    case 'hall':
      return r.window.hallCode;
    case 'dept':
      return r.case.deptName;
    case 'window':
      return r.window.windowNo;
    case 'staff':
      return r.staff?.loginName ?? null;
    case 'item':
      return r.case.taskCode;
  }
}

/**
 * What an intake held before SQLite's migration 24 and PostgreSQL's 6, on 20 Nov 2026: a device 差评
 * at W1 whose follow-up ingest counted opened and that was closed on time; a case-bound phone 差评 at
 * W1 and a window QR 差评 at W2, counted by the phone page with their follow-ups left out of the
 * figures (it counted them not opened, and the closing trigger read outcomes only), the case one
 * closed late. Written through the store modules of an engine migrated to the step before.
 */
export async function followupsBeforePhoneCounting(data: Pick<IntakeData, 'outcomes' | 'phone' | 'followups' | 'dashboard'>) {
  const device: CountedRating & { id: string } = {
    id: uuidv7(),
    outcome: 'rated',
    level: 1,
    ratedAt: '2026-11-20T10:00:00.000+08:00',
    window: W1,
    case: { deptName: 'Dept', taskCode: 'T1', taskName: '办理' },
    staff: { loginName: 's1', name: '张三' },
  };
  await data.outcomes.insert({
    id: device.id,
    deviceId: 'dev-0',
    bodyHash: 'hash',
    body: JSON.stringify(device),
    receivedAt: RECEIVED,
    trusted: true,
    merge: 'rating',
    columns: {
      seq: 1,
      outcome: 'rated',
      level: 1,
      rated_at: device.ratedAt,
      hall_code: 'h1',
      window_no: 'W1',
      staff_login: 's1',
      dept_name: 'Dept',
      task_code: 'T1',
      chain_hash: 'c',
      prev_hash: 'p',
      flags: '',
      invitation_id: 'inv-1',
      amends_id: null,
      amends_kind: null,
    },
  });
  const phoneCase = phoneRatingBody({ kind: 'case', level: 2, ratedAt: '2026-11-20T11:00:00.000+08:00', public: true });
  const phoneWindow = phoneRatingBody({ kind: 'window', level: 1, ratedAt: '2026-11-20T12:00:00.000+08:00', public: true, window: W2 });
  const tally = createDashboardTally();
  tally.count(device, await data.followups.openOnIngest(device.id, '5wd', RECEIVED, RECEIVED + 1000));
  for (const rating of [phoneCase, phoneWindow]) {
    await data.phone.insertRating(phoneRatingRow(rating));
    await data.followups.openOnIngest(rating.id, '5wd', RECEIVED, RECEIVED + 1000);
    tally.count(phoneRatingRecord(rating), false);
  }
  await tally.flush(data.dashboard);
  await data.followups.close(device.id, RECEIVED + 500, 'called back');
  await data.followups.close(phoneCase.id, RECEIVED + 2000, 'called back late');
  return { device, phoneCase, phoneWindow };
}

/** The follow-up figures (opened, closed, closed late) of 20 Nov by dimension key that followupsBeforePhoneCounting's rows make, phone follow-ups counted. */
export const FIGURES_COUNTING_PHONE: Record<DashboardDimension, Record<string, [number, number, number]>> = {
  hall: { h1: [3, 2, 1] },
  dept: { Dept: [3, 2, 1] },
  window: { W1: [2, 2, 1], W2: [1, 0, 0] },
  staff: { s1: [2, 2, 1] },
  item: { T1: [2, 2, 1], 'WINDOW-SERVICE': [1, 0, 0] },
};

/** The same with the phone follow-ups left out, as the figures stood before the migration. */
export const FIGURES_WITHOUT_PHONE: Record<DashboardDimension, Record<string, [number, number, number]>> = {
  hall: { h1: [1, 1, 0] },
  dept: { Dept: [1, 1, 0] },
  window: { W1: [1, 1, 0], W2: [0, 0, 0] },
  staff: { s1: [1, 1, 0] },
  item: { T1: [1, 1, 0], 'WINDOW-SERVICE': [0, 0, 0] },
};

/** The follow-up figures of 20 Nov per dimension as the dashboard reads them, for the day and for the month (the monthly table). */
export async function followupFigures(dashboard: IntakeData['dashboard'], bucket: 'day' | 'month') {
  const figures: Partial<Record<DashboardDimension, Record<string, [number, number, number]>>> = {};
  for (const by of ['hall', 'dept', 'window', 'staff', 'item'] as const) {
    const rows = await dashboard.counts({ hall: 'h1', by, from: '2026-11-01', to: '2026-11-30', bucket });
    figures[by] = Object.fromEntries(rows.map((r) => [r.key, [r.opened, r.closed, r.closedLate]]));
  }
  return figures;
}
