import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DispatchedTicket } from '../contract/tickets';
import { FUJIAN_STYLE } from '../intake/forwarding/adapters/fujianSoapSm4';
import { SHANDONG_STYLE } from '../intake/forwarding/adapters/shandongJsonSm2';
import { REFERENCE_STYLE } from '../intake/forwarding/adapters/referenceJson';
import { ZHEJIANG_STYLE } from '../intake/forwarding/adapters/zhejiangForm';
import { startFujianMock } from './fujianMock';
import { dispatchTicket, type DispatchAnswer, type DispatchTarget } from './mockProvinceDispatch';
import { startReferenceMock, type ReceivedTicketState } from './referenceMock';
import { startShandongMock } from './shandongMock';
import { startZhejiangMock } from './zhejiangMock';

/** The mocks of provincial interfaces' styles. */
export const MOCK_STYLES = ['fujian', 'shandong', 'zhejiang'] as const;
export type MockStyle = (typeof MOCK_STYLES)[number];
/** And `reference`: the product's own reference interface, the one that takes ticket states (never a real province's). */
export const ALL_MOCK_STYLES = [...MOCK_STYLES, 'reference'] as const;
export type AnyMockStyle = (typeof ALL_MOCK_STYLES)[number];

export interface StartedMock {
  url: string;
  adapterStyle: string;
  /** FORWARD_* variables that point an intake at the mock (the credentials sit in a 0600 file they name). */
  env: Record<string, string>;
  /** The records the province holds, with its ack id, in the order stored. */
  records(): Array<{ unid: string; projectNo: string }>;
  counts(): Record<string, number>;
  /** The 差评 ticket states received, each once (only the reference interface has the call; empty for the others). */
  ticketStates(): ReceivedTicketState[];
  /** Dispatches a 差评 ticket (转办通报单) down to an intake (scripts/mockProvinceDispatch.ts). */
  dispatch(target: DispatchTarget, bill: DispatchedTicket): Promise<DispatchAnswer>;
  /** The bills dispatched, with the intake's answers, in the order sent. */
  dispatched(): Array<{ bill: DispatchedTicket; answer: DispatchAnswer }>;
  close(): Promise<void>;
}

export interface MockStartOptions {
  port?: number;
  errorRate?: number;
  lostReplyRate?: number;
  timeoutRate?: number;
  slowReplyMs?: number;
  tokenTtlSec?: number;
  seed?: number;
  /** The destination name in FORWARD_DESTINATIONS (default: the style). */
  destination?: string;
}

const made = () => randomBytes(12).toString('hex');

/**
 * Starts the mock of one style with credentials from MOCK_PROVINCE_* or made up for the run, and
 * writes them to an owner-only secrets file for the intake (npm run mock-province, npm start, the
 * e2e test and the bench use it).
 */
export async function startMockProvince(style: AnyMockStyle, options: MockStartOptions = {}): Promise<StartedMock> {
  const forwarding = await startForwardingMock(style, options);
  const sent: Array<{ bill: DispatchedTicket; answer: DispatchAnswer }> = [];
  return {
    ...forwarding,
    async dispatch(target, bill) {
      const answer = await dispatchTicket(target, bill);
      sent.push({ bill, answer });
      return answer;
    },
    dispatched: () => [...sent],
  };
}

/** The mock's province side: the ratings it takes from the intake. */
async function startForwardingMock(style: AnyMockStyle, options: MockStartOptions): Promise<Omit<StartedMock, 'dispatch' | 'dispatched'>> {
  const name = options.destination ?? style;
  const faults = { errorRate: options.errorRate, lostReplyRate: options.lostReplyRate, timeoutRate: options.timeoutRate, slowReplyMs: options.slowReplyMs, seed: options.seed };
  const secretsFile = path.join(mkdtempSync(path.join(tmpdir(), 'mock-province-')), 'forward-secrets.json');
  const upper = name.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  const writeSecrets = (secrets: Record<string, string>) => writeFileSync(secretsFile, JSON.stringify({ [name]: secrets }), { mode: 0o600 });
  const env = (url: string, adapterStyle: string, extra: Record<string, string> = {}) => ({
    FORWARD_DESTINATIONS: name,
    [`FORWARD_${upper}_STYLE`]: adapterStyle,
    [`FORWARD_${upper}_URL`]: url,
    ...extra,
    FORWARD_SECRETS_FILE: secretsFile,
  });
  if (style === 'fujian') {
    const appKey = process.env.MOCK_PROVINCE_APP_KEY ?? 'dev-hall-app';
    const appSecret = process.env.MOCK_PROVINCE_APP_SECRET ?? made();
    const mock = await startFujianMock({ appKey, appSecret, tokenTtlSec: options.tokenTtlSec, ...faults }, options.port);
    writeSecrets({ appKey, appSecret });
    return {
      url: mock.url,
      adapterStyle: FUJIAN_STYLE,
      env: env(mock.url, FUJIAN_STYLE),
      records: () => mock.records.map((r) => ({ unid: r.unid, projectNo: r.case.projectNo ?? '' })),
      counts: () => ({ ...mock.counts }),
      ticketStates: () => [],
      close: mock.close,
    };
  }
  if (style === 'reference') {
    const token = process.env.MOCK_PROVINCE_TOKEN ?? made();
    const mock = await startReferenceMock({ token, ...faults }, options.port);
    writeSecrets({ token });
    return {
      url: mock.url,
      adapterStyle: REFERENCE_STYLE,
      env: env(mock.url, REFERENCE_STYLE),
      records: () => mock.records.map((r) => ({ unid: r.unid, projectNo: r.projectNo })),
      counts: () => mock.liveCounts(),
      ticketStates: () => [...mock.states],
      close: mock.close,
    };
  }
  if (style === 'shandong') {
    const appMark = process.env.MOCK_PROVINCE_APP_MARK ?? 'dev-hall-app';
    const appWord = process.env.MOCK_PROVINCE_APP_WORD ?? made();
    const tenancyId = '370000000000';
    const mock = await startShandongMock({ tenancyId, appMark, appWord, ...faults }, options.port);
    writeSecrets({ appMark, appWord, publicKey: mock.publicKeyHex });
    return {
      url: mock.url,
      adapterStyle: SHANDONG_STYLE,
      env: env(mock.url, SHANDONG_STYLE, { [`FORWARD_${upper}_TENANCY_ID`]: tenancyId }),
      records: () => mock.records.map((r) => ({ unid: r.unid, projectNo: r.record.projectNo ?? '' })),
      counts: () => ({ ...mock.counts }),
      ticketStates: () => [],
      close: mock.close,
    };
  }
  const loginName = process.env.MOCK_PROVINCE_LOGIN_NAME ?? 'dev-hall';
  const loginPwd = process.env.MOCK_PROVINCE_LOGIN_PWD ?? made();
  const mock = await startZhejiangMock({ loginName, loginPwd, tokenTtlSec: options.tokenTtlSec, ...faults }, options.port);
  writeSecrets({ loginName, loginPwd });
  return {
    url: mock.url,
    adapterStyle: ZHEJIANG_STYLE,
    env: env(mock.url, ZHEJIANG_STYLE),
    records: () => mock.records.map((r) => ({ unid: r.unid, projectNo: r.record.projectNo ?? '' })),
    counts: () => ({ ...mock.counts }),
    ticketStates: () => [],
    close: mock.close,
  };
}
