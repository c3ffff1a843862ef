import type { KeyObject } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { v7 as uuidv7 } from 'uuid';
import { afterEach } from 'vitest';
import type { UnsealedOutcome } from '../../contract/outcomeChain';
import { startIntake, type IntakeOptions, type RunningIntake, type StartedIntake } from '../server';
import { newDeviceKey } from './signedOutcomes';
import { signedPost } from './signedRequests';

/**
 * A list of things a test file opens (intakes, stores), each closed after every test: call it at
 * the top of the file and push what the tests start (enrolledIntake does for its list).
 */
export function closedAfterEach<T extends { close(): Promise<void> }>(): T[] {
  const open: T[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((thing) => thing.close()));
  });
  return open;
}

/** An intake on a fresh SQLite file with one device enrolled, for tests that go through its routes. */
export const HARNESS_ADMIN = 'harness-admin-token-0123456789abcdef';
/** A system that dispatches tickets down to hall h1 (POST /v1/tickets/dispatched), with its own token. */
export const HARNESS_DISPATCHER = { id: 'test-province', name: '测试派单系统', token: 'harness-dispatch-token-0123456789abcdef', halls: ['h1'] };
/** dev-1's enrolment token. */
export const HARNESS_TOKEN = 'token-for-dev-1-aaaaaaaa';

export async function enrolledIntake(track: RunningIntake[], now?: () => number, extra: Partial<IntakeOptions> = {}) {
  const intake = await startIntake({
    ...harnessOptions(path.join(mkdtempSync(path.join(tmpdir(), 'intake-')), 'i.sqlite')),
    ...(now ? { now } : {}),
    ...extra,
  });
  track.push(intake);
  return { intake, ...(await enrolDev1(intake)) };
}

/** The intake options enrolledIntake starts with: port 0, the admin token, one dispatcher, dev-1's enrolment token. */
export function harnessOptions(dbFile: string): IntakeOptions {
  return {
    dbFile,
    port: 0,
    corsOrigins: [],
    adminToken: HARNESS_ADMIN,
    dispatchers: [HARNESS_DISPATCHER],
    enrolmentTokens: [{ token: HARNESS_TOKEN, deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: Date.now() + 60_000 }],
    log: () => undefined,
  };
}

/** Enrols dev-1 with a new key through the intake's route (its token must be one the intake knows). */
export async function enrolDev1(intake: StartedIntake) {
  const key = newDeviceKey();
  const enrolled = await intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: HARNESS_TOKEN, deviceId: 'dev-1', publicKey: key.x } });
  if (enrolled.statusCode !== 201) throw new Error(`enrolment failed: ${enrolled.body}`);
  return { key, sealingPublicKey: enrolled.json().sealingPublicKey as string };
}

/** One outcome of dev-1 before chaining (seq and prevHash are set by `chain`). */
export function item(level: 1 | 2 | 3 | 4 | 5, overrides: Partial<UnsealedOutcome> = {}): Omit<UnsealedOutcome, 'prevHash'> {
  return {
    id: uuidv7(),
    deviceId: 'dev-1',
    seq: 0,
    invitationId: uuidv7(),
    outcome: 'rated',
    level,
    tags: level <= 2 ? ['213'] : [],
    public: true,
    callback: { requested: false },
    channel: 'hall-pad',
    ratedAt: '2026-11-23T10:00:00.000+08:00',
    monotonicMs: 1,
    clockOffsetMs: null,
    input: { method: 'touch', inviteToPressMs: 1500 },
    event: 'closed',
    case: { projectNo: `P-${uuidv7().slice(-6)}`, taskCode: 'T1', taskName: '企业设立登记', deptName: '市场监督管理局', regionCode: '340104', userProp: 1 },
    staff: { loginName: 'li4', name: '李四' },
    window: { hallCode: 'h1', windowNo: 'A01', windowName: '一号窗口' },
    questionSetVersion: 'national-2023',
    flags: [],
    ...overrides,
  };
}

/** Uploads a batch signed by dev-1's key (at `timestamp`, the intake's clock, when given) and returns the intake's answer (200 expected). */
export async function upload(intake: StartedIntake, key: { privateKey: KeyObject }, outcomes: unknown[], lateFlags?: unknown[], timestamp?: number) {
  const payload = JSON.stringify({ deviceId: 'dev-1', outcomes, ...(lateFlags ? { lateFlags } : {}) });
  const response = await signedPost(intake, { deviceId: 'dev-1', privateKey: key.privateKey }, '/v1/outcomes/batch', payload, timestamp === undefined ? {} : { timestamp });
  if (response.statusCode !== 200) throw new Error(`upload answered ${response.statusCode}: ${response.body}`);
  return response.json() as { results: Array<{ id: string; status: string; code?: string }>; lateFlagResults?: Array<{ outcomeId: string; status: string }> };
}

/** GET with the admin token, parsed. */
export const adminGet = async (intake: StartedIntake, url: string) => (await intake.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${HARNESS_ADMIN}` } })).json();

/** The admin-token ticket routes' actor shapes: a department handler and a centre reviewer. */
export const TICKET_HANDLER = { id: 'handler-1', department: '市场监督管理局' };
export const TICKET_REVIEWER = { id: 'reviewer-1', department: '政务服务管理办公室' };

/** Acts on a ticket through the admin-token route over its current version, expecting success; the ticket as answered. */
export async function adminStep(intake: RunningIntake, id: string, event: unknown, actor: { id: string; department: string | null } = TICKET_HANDLER) {
  const { version } = await adminGet(intake, `/v1/admin/tickets/${id}`);
  const answer = await intake.app.inject({ method: 'POST', url: `/v1/admin/tickets/${id}/actions`, headers: { authorization: `Bearer ${HARNESS_ADMIN}` }, payload: { version, actor, event } });
  if (answer.statusCode !== 200) throw new Error(`${JSON.stringify(event)} answered ${answer.statusCode}: ${answer.body}`);
  return answer.json();
}
