import { createPublicKey } from 'node:crypto';
import sodium from 'libsodium-wrappers';
import { v7 as uuidv7 } from 'uuid';
import type { ItemResult } from '../../contract/intakeApi';
import type { Outcome } from '../../contract/outcome';
import type { UnsealedOutcome } from '../../contract/outcomeChain';
import type { Level } from '../../contract/ratingCodes';
import { loadSealingKeys } from '../devices/sealingKeys';
import { createFollowups } from '../followups/followups';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from '../followups/workingDays';
import { createBatchIngest } from '../ingest/batchIngest';
import type { SqliteStore } from '../store/sqlite/sqliteStore';
import { chain, newDeviceKey } from './signedOutcomes';

/**
 * A small hall history whose aggregates are worked out by hand in dashboardFixture's tests:
 * hall H1 in November 2026 (+08:00), two departments, two windows, two staff, three items, one
 * outcome on the month's first minute and one on the previous month's last, one in December,
 * one in another hall. Outcome 4 is a non-public 差评 with a callback phone number
 * and a phone number in its comment; outcome 3 a public one with a phone number in its comment.
 */
const MARKET = { deptName: '市场监督管理局', window: { windowNo: 'A01', windowName: '综合受理一号窗口' }, staff: { loginName: 'zhangsan', name: '张三' } };
const TAX = { deptName: '税务局', window: { windowNo: 'B02', windowName: '办税二号窗口' }, staff: { loginName: 'lisi', name: '李四' } };
const ITEMS = { T1: '企业设立登记', T2: '企业变更登记', T3: '发票申领' } as const;

interface Spec {
  ratedAt: string;
  unit: typeof MARKET;
  item: keyof typeof ITEMS;
  level?: Level;
  kind?: 'unrated' | 'declined';
  comment?: string;
  public?: boolean;
  phone?: string;
  hall?: string;
}

/** A phone number a citizen typed into a comment they did not allow to be public. */
export const NON_PUBLIC_PHONE = '13700002222';
export const NON_PUBLIC_COMMENT = `李四态度生硬，私下说的秘密词汇，我的手机${NON_PUBLIC_PHONE}`;
/** A public comment with a phone number in it: shown, with the number masked. */
export const PUBLIC_COMMENT_WITH_PHONE = '排队太久，材料要求反复提交，电话13812345678';
export const CALLBACK_PHONE = '13900001111';

const SPECS: Spec[] = [
  /* 1 */ { ratedAt: '2026-11-02T09:00:00.000+08:00', unit: MARKET, item: 'T1', level: 5, comment: '服务热情，效率很高，一次就办好了', public: true },
  /* 2 */ { ratedAt: '2026-11-02T10:00:00.000+08:00', unit: MARKET, item: 'T1', level: 4, comment: '态度好，效率高', public: true },
  /* 3 */ { ratedAt: '2026-11-03T11:00:00.000+08:00', unit: MARKET, item: 'T2', level: 1, comment: PUBLIC_COMMENT_WITH_PHONE, public: true },
  /* 4 */ { ratedAt: '2026-11-03T15:00:00.000+08:00', unit: TAX, item: 'T3', level: 2, comment: NON_PUBLIC_COMMENT, public: false, phone: CALLBACK_PHONE },
  /* 5 */ { ratedAt: '2026-11-10T09:30:00.000+08:00', unit: TAX, item: 'T3', kind: 'unrated' },
  /* 6 */ { ratedAt: '2026-11-10T09:40:00.000+08:00', unit: TAX, item: 'T3', kind: 'declined' },
  /* 7 */ { ratedAt: '2026-11-11T14:00:00.000+08:00', unit: TAX, item: 'T3', level: 3 },
  /* 8 */ { ratedAt: '2026-12-01T10:00:00.000+08:00', unit: MARKET, item: 'T1', level: 2, comment: '排队时间太久', public: true },
  /* 9 */ { ratedAt: '2026-11-02T09:00:00.000+08:00', unit: MARKET, item: 'T1', level: 1, comment: '别的大厅排队', public: true, hall: 'H2' },
  /* 10 */ { ratedAt: '2026-11-01T00:10:00.000+08:00', unit: MARKET, item: 'T1', level: 5 },
  /* 11 */ { ratedAt: '2026-10-31T23:50:00.000+08:00', unit: MARKET, item: 'T1', level: 1, comment: '十月的排队', public: true },
];

/** The fixture's devices: one per hall (a device writes into its own hall only). */
export interface FixtureDevice {
  deviceId: string;
  privateKey: ReturnType<typeof newDeviceKey>['privateKey'];
}

/**
 * The fixture's outcomes in the order of SPECS, each chained and signed by its hall's device; the
 * callback phone is sealed to the intake's key as a device does, so the clear number is never in
 * any stored body.
 */
export function fixtureOutcomes(deviceOf: (hall: string) => FixtureDevice, sealPhone: (phone: string) => string): Outcome[] {
  const halls = [...new Set(SPECS.map((s) => s.hall ?? 'H1'))];
  const byHall = new Map(
    halls.map((hall) => {
      const device = deviceOf(hall);
      const specs = SPECS.map((s, i) => ({ s, i })).filter(({ s }) => (s.hall ?? 'H1') === hall);
      const unsealed = specs.map(({ s, i }): Omit<UnsealedOutcome, 'prevHash'> => ({
        id: uuidv7(),
        deviceId: device.deviceId,
        seq: i + 1,
        invitationId: uuidv7(),
        outcome: s.kind ?? 'rated',
        ...(s.level !== undefined ? { level: s.level } : {}),
        tags: [],
        ...(s.comment !== undefined ? { comment: s.comment } : {}),
        public: s.public ?? true,
        callback: s.phone ? { requested: true, sealedPhone: sealPhone(s.phone) } : { requested: false },
        channel: 'hall-pad',
        ratedAt: s.ratedAt,
        monotonicMs: i,
        clockOffsetMs: null,
        input: { method: s.kind ? 'none' : 'touch', inviteToPressMs: s.kind ? null : 1000 },
        event: 'closed',
        case: { projectNo: `P-${i + 1}`, taskCode: s.item, taskName: ITEMS[s.item], deptName: s.unit.deptName },
        staff: s.unit.staff,
        window: { hallCode: hall, ...s.unit.window },
        questionSetVersion: 'national-2023',
        flags: [],
      }));
      const chained = chain(unsealed, device.privateKey);
      return [hall, new Map(specs.map(({ i }, n) => [i, chained[n] as Outcome]))] as const;
    }),
  );
  return SPECS.map((s, i) => byHall.get(s.hall ?? 'H1')?.get(i) as Outcome);
}

const ms = (iso: string) => Date.parse(iso);
/** "Now" for the fixture's overdue figures. */
export const FIXTURE_NOW = ms('2026-11-20T12:00:00+08:00');

export interface LoadedFixture {
  outcomes: Outcome[];
  /** Sends more items through the same ingest as the fixture's hall H1 device (e.g. a resend). */
  ingest(items: unknown[]): Promise<ItemResult[]>;
}

/**
 * Stores the fixture through the real ingest path (signature and chain checked, follow-ups
 * opened), then sets the follow-ups' times and states the hand-computed figures assume.
 */
export async function loadDashboardFixture(store: SqliteStore, deviceId = 'dash-pad-1'): Promise<LoadedFixture> {
  await sodium.ready;
  const sealingKey = sodium.from_base64((await loadSealingKeys(store.sealingKeys)).publicKey, sodium.base64_variants.URLSAFE_NO_PADDING);
  const sealPhone = (phone: string) => sodium.to_base64(sodium.crypto_box_seal(sodium.from_string(phone), sealingKey), sodium.base64_variants.URLSAFE_NO_PADDING);
  const devices = new Map<string, FixtureDevice>();
  const deviceOf = (hall: string): FixtureDevice => {
    let device = devices.get(hall);
    if (!device) devices.set(hall, (device = { deviceId: hall === 'H1' ? deviceId : `${deviceId}-${hall.toLowerCase()}`, privateKey: newDeviceKey().privateKey }));
    return device;
  };
  const now = () => FIXTURE_NOW;
  const batchIngest = createBatchIngest(store, {
    followups: createFollowups(store, createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname)), now),
    now,
  });
  const ingestAs = async (hall: string, items: unknown[]) => {
    const device = deviceOf(hall);
    return (await batchIngest({ deviceId: device.deviceId, hallCode: hall, key: createPublicKey(device.privateKey) }, items)).results;
  };
  const ingest = (items: unknown[]) => ingestAs('H1', items);
  const outcomes = fixtureOutcomes(deviceOf, sealPhone);
  const results = (await Promise.all([...devices.keys()].map((hall) => ingestAs(hall, outcomes.filter((o) => o.window.hallCode === hall))))).flat();
  const refused = results.filter((r) => r.status !== 'accepted');
  if (refused.length > 0) throw new Error(`fixture refused: ${JSON.stringify(refused)}`);
  // Upsert: an intake that opens follow-ups on ingest has already made these rows.
  const open = store.db.prepare(
    `INSERT INTO followups (outcome_id, class, opened_at, due_at, closed_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT (outcome_id) DO UPDATE SET class = excluded.class, opened_at = excluded.opened_at, due_at = excluded.due_at, closed_at = excluded.closed_at`,
  );
  const byIndex = (n: number) => (outcomes[n - 1] as Outcome).id;
  open.run(byIndex(3), '5wd', ms('2026-11-03T11:05:00+08:00'), ms('2026-11-10T18:00:00+08:00'), ms('2026-11-05T10:00:00+08:00')); // closed in time
  open.run(byIndex(4), '5wd', ms('2026-11-03T15:05:00+08:00'), ms('2026-11-10T18:00:00+08:00'), null); // open, overdue by FIXTURE_NOW
  open.run(byIndex(8), '5wd', ms('2026-12-01T10:05:00+08:00'), ms('2026-12-08T18:00:00+08:00'), null); // open, not yet due
  open.run(byIndex(9), 'immediate', ms('2026-11-02T09:05:00+08:00'), ms('2026-11-02T18:00:00+08:00'), null); // other hall
  open.run(byIndex(11), '5wd', ms('2026-10-31T23:55:00+08:00'), ms('2026-11-07T18:00:00+08:00'), ms('2026-11-09T09:00:00+08:00')); // October, closed late
  return { outcomes, ingest };
}
