import type { IntakeStore } from '../store/store';
import { createFujianAdapter, FUJIAN_STYLE } from './adapters/fujianSoapSm4';
import { createForwarder, type Destination } from './forwarder';
import { loadSecrets } from './secrets';

/**
 * The forwarder as the environment configures it, or null when it names no destination:
 * FORWARD_DESTINATIONS=fujian (comma-separated names), and for each name
 * FORWARD_<NAME>_STYLE (fujian-soap-sm4), FORWARD_<NAME>_URL, FORWARD_<NAME>_HALLS (hall codes, or *),
 * FORWARD_<NAME>_CONCURRENCY (default 2), FORWARD_<NAME>_RATE (calls/s, default 5), and its secrets
 * (secrets.ts). Destinations are written to the store, so ratings stored from now on are queued.
 */
export async function forwardingFromEnv(store: IntakeStore, env: NodeJS.ProcessEnv, now: () => number, log: (line: string) => void) {
  const names = (env.FORWARD_DESTINATIONS ?? '').split(',').map((n) => n.trim()).filter((n) => n !== '');
  if (names.length === 0) return null;
  const destinations: Destination[] = [];
  const halls: Array<{ name: string; hallCode: string }> = [];
  for (const name of names) {
    const key = (field: string) => env[`FORWARD_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${field}`];
    const style = key('STYLE') ?? FUJIAN_STYLE;
    if (style !== FUJIAN_STYLE) throw new Error(`forwarding ${name}: style ${style} has no adapter yet (only ${FUJIAN_STYLE})`);
    const url = key('URL');
    if (!url) throw new Error(`forwarding ${name}: FORWARD_${name.toUpperCase()}_URL is not set`);
    const secrets = loadSecrets(name, ['appKey', 'appSecret'], env);
    const rate = Number(key('RATE') ?? 5);
    destinations.push({ name, adapter: createFujianAdapter({ baseUrl: url, appKey: secrets.appKey!, appSecret: secrets.appSecret!, now }), concurrency: Number(key('CONCURRENCY') ?? 2), ratePerSec: rate, burst: Math.max(1, Math.ceil(rate)) });
    for (const hallCode of (key('HALLS') ?? '*').split(',')) halls.push({ name, hallCode: hallCode.trim() });
  }
  await store.forwarding.setDestinations(halls);
  log(`intake: forwarding to ${names.join(', ')}`);
  return createForwarder(store, { destinations, now, log });
}
