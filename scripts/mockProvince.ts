/**
 * A mock provincial 好差评 interface for development (issue 22):
 *   npm run mock-province -- --style fujian [--port 8790] [--error-rate 0.1] [--lost-reply-rate 0.05] [--token-ttl 7200] [--seed 1]
 * The app key and secret come from MOCK_PROVINCE_APP_KEY / MOCK_PROVINCE_APP_SECRET (a development
 * secret is made up when unset). The pair is written to an owner-only (0600) secrets file, never
 * printed; the script prints the FORWARD_* variables that point an intake at the mock and that file.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startFujianMock } from './fujianMock';

const { values } = parseArgs({
  options: {
    style: { type: 'string', default: 'fujian' },
    port: { type: 'string', default: '8790' },
    'error-rate': { type: 'string', default: '0' },
    'lost-reply-rate': { type: 'string', default: '0' },
    'token-ttl': { type: 'string', default: '7200' },
    seed: { type: 'string', default: '1' },
  },
});

if (values.style !== 'fujian') {
  console.error(`mock-province: style ${values.style} has no mock yet (fujian only)`);
  process.exit(2);
}
const appKey = process.env.MOCK_PROVINCE_APP_KEY ?? 'dev-hall-app';
const appSecret = process.env.MOCK_PROVINCE_APP_SECRET ?? randomBytes(12).toString('hex');
const mock = await startFujianMock(
  { appKey, appSecret, errorRate: Number(values['error-rate']), lostReplyRate: Number(values['lost-reply-rate']), tokenTtlSec: Number(values['token-ttl']), seed: Number(values.seed) },
  Number(values.port),
);
console.log(`mock province (fujian-soap-sm4) at ${mock.url}`);
console.log('point an intake at it with:');
const secretsFile = path.join(mkdtempSync(path.join(tmpdir(), 'mock-province-')), 'forward-secrets.json');
writeFileSync(secretsFile, JSON.stringify({ fujian: { appKey, appSecret } }), { mode: 0o600 });
console.log(`  FORWARD_DESTINATIONS=fujian FORWARD_FUJIAN_URL=${mock.url} FORWARD_SECRETS_FILE=${secretsFile}`);
setInterval(() => {
  const c = mock.counts;
  if (c.save > 0) console.log(`records ${mock.records.length}, saves ${c.save}, duplicates ${c.duplicates}, refused ${c.refused}, 5xx ${c.errors}, lost replies ${c.lostReplies}, tokens ${c.token}+${c.refresh} refreshed`);
}, 10_000).unref();
const stop = () => void mock.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
