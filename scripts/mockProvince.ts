/**
 * A mock provincial 好差评 interface for development (issue 22):
 *   npm run mock-province -- --style fujian|shandong|zhejiang [--port 8790] [--error-rate 0.1]
 *     [--lost-reply-rate 0.05] [--timeout-rate 0.05] [--token-ttl 7200] [--seed 1]
 * Credentials come from MOCK_PROVINCE_* variables or are made up for the run. They are written to
 * an owner-only (0600) secrets file, never printed; the script prints the FORWARD_* variables that
 * point an intake at the mock and that file.
 *
 * With --dispatch-to <intake address> --dispatch-ref <ticket number> it also dispatches one 差评
 * ticket (转办通报单) down to that intake, with the mock's own dispatch token in
 * MOCK_PROVINCE_DISPATCH_TOKEN (the intake config lists it under "dispatchers"), and prints the answer.
 */
import { parseCommandLine } from '../shared-node/commandLine';
import { dispatchBill } from './mockProvinceDispatch';
import { ALL_MOCK_STYLES, startMockProvince, type AnyMockStyle } from './mockProvinceStart';

const HELP = `Usage: npm run mock-province -- [options]

A mock provincial 好差评 interface for development and tests (docs/province-forwarding.md). Prints
the FORWARD_* variables that point an intake at it; credentials go to an owner-only secrets file.

Options:
  --style S              fujian | shandong | zhejiang (default fujian), or reference: the product's own
                         reference interface (not a province's), which also takes 差评 ticket states
  --port N               port to listen on (default 8790)
  --error-rate R         share of calls answered with a province error (default 0)
  --lost-reply-rate R    share of calls taken but answered with nothing (default 0)
  --timeout-rate R       share of calls left hanging (default 0)
  --token-ttl SEC        access-token lifetime (default 7200)
  --seed N               seed of the faults above (default 1)
  --dispatch-to URL      also dispatch one 差评 ticket (转办通报单) to this intake (token in MOCK_PROVINCE_DISPATCH_TOKEN)
  --dispatch-ref REF     that ticket's number (default GD-DEMO-0001)
  -h, --help             this text

Environment: MOCK_PROVINCE_* credentials (made up for the run when absent); MOCK_PROVINCE_DISPATCH_TOKEN,
the mock's dispatch token, which the intake config lists under "dispatchers" (never the admin token).`;

const { values } = parseCommandLine(HELP, {
  options: {
    style: { type: 'string', default: 'fujian' },
    port: { type: 'string', default: '8790' },
    'error-rate': { type: 'string', default: '0' },
    'lost-reply-rate': { type: 'string', default: '0' },
    'timeout-rate': { type: 'string', default: '0' },
    'token-ttl': { type: 'string', default: '7200' },
    seed: { type: 'string', default: '1' },
    'dispatch-to': { type: 'string' },
    'dispatch-ref': { type: 'string', default: 'GD-DEMO-0001' },
  },
});

if (!(ALL_MOCK_STYLES as readonly string[]).includes(values.style)) {
  console.error(`mock-province: no mock of style ${values.style} (${ALL_MOCK_STYLES.join(', ')})`);
  process.exit(2);
}
const mock = await startMockProvince(values.style as AnyMockStyle, {
  port: Number(values.port),
  errorRate: Number(values['error-rate']),
  lostReplyRate: Number(values['lost-reply-rate']),
  timeoutRate: Number(values['timeout-rate']),
  tokenTtlSec: Number(values['token-ttl']),
  seed: Number(values.seed),
});
console.log(`mock province (${mock.adapterStyle}) at ${mock.url}`);
console.log('point an intake at it with:');
console.log(`  ${Object.entries(mock.env).map(([k, v]) => `${k}=${v}`).join(' ')}`);
if (values['dispatch-to']) {
  const token = process.env.MOCK_PROVINCE_DISPATCH_TOKEN;
  if (!token) {
    console.error('mock-province: --dispatch-to needs the mock\'s dispatch token in MOCK_PROVINCE_DISPATCH_TOKEN (listed under "dispatchers" in the intake config)');
    process.exit(2);
  }
  const answer = await mock.dispatch({ origin: values['dispatch-to'], token }, dispatchBill(values['dispatch-ref']));
  console.log(`dispatched 差评 ticket ${values['dispatch-ref']}: HTTP ${answer.status}${answer.ticketId ? `, ticket ${answer.ticketId}` : ''}`);
}
setInterval(() => {
  if (mock.records().length > 0) console.log(`records ${mock.records().length}, calls ${JSON.stringify(mock.counts())}`);
}, 10_000).unref();
const stop = () => void mock.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
