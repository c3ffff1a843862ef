import type { Level } from '../../contract/ratingCodes';
import type { IntakeStore } from '../store/store';
import type { ProvinceAdapter } from './adapter';
import { createFujianAdapter, FUJIAN_STYLE } from './adapters/fujianSoapSm4';
import { createReferenceAdapter, REFERENCE_STYLE } from './adapters/referenceJson';
import { createShandongAdapter, SHANDONG_STYLE } from './adapters/shandongJsonSm2';
import { createZhejiangAdapter, ZHEJIANG_STYLE } from './adapters/zhejiangForm';
import { DETAILS_SETTLE_MS } from './enqueue';
import { createForwarder, type Destination, type ForwarderOptions } from './forwarder';
import { loadSecrets } from './secrets';

/**
 * When forwarding runs: FORWARD_SETTLE_SEC, how long a stored rating waits for its details before
 * its first send (default 900: enqueue.ts), and FORWARD_INTERVAL_MS between passes (default 5000).
 * A demo (npm start) and the e2e test shorten both; a hall keeps the settle at least as long as its
 * details screen can stay open.
 */
export function forwardTimingFromEnv(env: NodeJS.ProcessEnv): { settleMs: number; intervalMs: number } {
  const settle = Number(env.FORWARD_SETTLE_SEC ?? DETAILS_SETTLE_MS / 1000);
  const interval = Number(env.FORWARD_INTERVAL_MS ?? 5_000);
  if (!Number.isFinite(settle) || settle < 0) throw new Error('FORWARD_SETTLE_SEC is not a number of seconds');
  if (!Number.isFinite(interval) || interval < 50) throw new Error('FORWARD_INTERVAL_MS is below 50');
  return { settleMs: settle * 1000, intervalMs: interval };
}

/**
 * FORWARD_<NAME>_DEFAULT_RATING=<level 1–5>: only where the province requires a default rating for
 * a case the citizen did not rate, the level its rule gives; sent marked as the system's default
 * (Zhejiang pf 7) FORWARD_<NAME>_DEFAULT_RATING_AFTER_DAYS (default 7) days after the ending was
 * stored, past the citizen's own window to rate by phone. Refused at start for an interface with
 * no code for a system default.
 */
function defaultRatingOf(name: string, adapter: ProvinceAdapter, key: (field: string) => string | undefined): { defaultRating?: { level: Level; afterMs: number } } {
  const level = key('DEFAULT_RATING');
  if (level === undefined || level === '') return {};
  if (!['1', '2', '3', '4', '5'].includes(level)) throw new Error(`forwarding ${name}: FORWARD_..._DEFAULT_RATING is a level 1–5, not ${level}`);
  if (!adapter.takesDefaultRating) throw new Error(`forwarding ${name}: the ${adapter.style} interface has no code that marks a system default rating; it cannot be sent as one`);
  const days = Number(key('DEFAULT_RATING_AFTER_DAYS') ?? 7);
  if (!Number.isFinite(days) || days < 0) throw new Error(`forwarding ${name}: FORWARD_..._DEFAULT_RATING_AFTER_DAYS is a number of days`);
  return { defaultRating: { level: Number(level) as Level, afterMs: days * 86_400_000 } };
}

/** FORWARD_<NAME>_TIMEOUT_MS: how long one call may take before it counts as lost (default 15 s). */
const timeoutOf = (key: (field: string) => string | undefined) => Number(key('TIMEOUT_MS') ?? 15_000);

/** Each style's adapter from its URL, its non-secret settings and its secrets (secrets.ts). */
const ADAPTERS: Record<string, (name: string, url: string, key: (field: string) => string | undefined, env: NodeJS.ProcessEnv, now: () => number) => ProvinceAdapter> = {
  [FUJIAN_STYLE]: (name, url, key, env, now) => {
    const s = loadSecrets(name, ['appKey', 'appSecret'], env);
    return createFujianAdapter({ baseUrl: url, appKey: s.appKey!, appSecret: s.appSecret!, now, timeoutMs: timeoutOf(key) });
  },
  [SHANDONG_STYLE]: (name, url, key, env, now) => {
    // appMark names the hall's application (not secret, but kept beside appWord); the public key is the province's.
    const s = loadSecrets(name, ['appMark', 'appWord', 'publicKey'], env);
    return createShandongAdapter({ baseUrl: url, tenancyId: key('TENANCY_ID') ?? '370000000000', appMark: s.appMark!, appWord: s.appWord!, publicKeyHex: s.publicKey!, now, timeoutMs: timeoutOf(key) });
  },
  // The product's own reference interface (not a province's): the one that takes ticket states.
  [REFERENCE_STYLE]: (name, url, key, env) => {
    const s = loadSecrets(name, ['token'], env);
    return createReferenceAdapter({ baseUrl: url, token: s.token!, timeoutMs: timeoutOf(key) });
  },
  [ZHEJIANG_STYLE]: (name, url, key, env, now) => {
    const s = loadSecrets(name, ['loginName', 'loginPwd'], env);
    return createZhejiangAdapter({ baseUrl: url, loginName: s.loginName!, loginPwd: s.loginPwd!, now, timeoutMs: timeoutOf(key) });
  },
};

/**
 * The forwarder as the environment configures it, or null when it names no destination:
 * FORWARD_DESTINATIONS=fujian (comma-separated names), and for each name
 * FORWARD_<NAME>_STYLE (fujian-soap-sm4 | shandong-json-sm2 | zhejiang-form | reference-json, the
 * product's own reference interface), FORWARD_<NAME>_URL,
 * FORWARD_<NAME>_HALLS (hall codes, or *), FORWARD_<NAME>_CONCURRENCY (default 2),
 * FORWARD_<NAME>_RATE (calls/s, default 5), FORWARD_<NAME>_TIMEOUT_MS, FORWARD_<NAME>_TENANCY_ID (Shandong), and its secrets
 * (secrets.ts). Destinations are written to the store, so ratings stored from now on are queued.
 * `tuning` (the forwarder's own clock, lease, backoff, jitter) is for tests and the benchmark; the
 * adapters keep `now`, the clock the province checks tokens and signs against.
 */
export async function forwardingFromEnv(store: IntakeStore, env: NodeJS.ProcessEnv, now: () => number, log: (line: string) => void, tuning: Omit<ForwarderOptions, 'destinations' | 'log'> = {}) {
  const names = (env.FORWARD_DESTINATIONS ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) return null;
  const destinations: Destination[] = [];
  const halls: Array<{ name: string; hallCode: string; ticketState: boolean }> = [];
  for (const name of names) {
    const key = (field: string) => env[`FORWARD_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${field}`];
    const style = key('STYLE') ?? FUJIAN_STYLE;
    const make = ADAPTERS[style];
    if (!make) throw new Error(`forwarding ${name}: no adapter for style ${style} (${Object.keys(ADAPTERS).join(', ')})`);
    const url = key('URL');
    if (!url) throw new Error(`forwarding ${name}: FORWARD_${name.toUpperCase()}_URL is not set`);
    const rate = Number(key('RATE') ?? 5);
    const adapter = make(name, url, key, env, now);
    destinations.push({ name, adapter, concurrency: Number(key('CONCURRENCY') ?? 2), ratePerSec: rate, burst: Math.max(1, Math.ceil(rate)), ...defaultRatingOf(name, adapter, key) });
    // Ticket states are queued only for a destination whose interface has the call (its profile's flag).
    for (const hallCode of (key('HALLS') ?? '*').split(',')) halls.push({ name, hallCode: hallCode.trim(), ticketState: adapter.sendTicketState !== undefined });
  }
  await store.forwarding.setDestinations(halls);
  log(`intake: forwarding to ${names.join(', ')}`);
  return createForwarder(store, { now, ...tuning, destinations, log });
}
