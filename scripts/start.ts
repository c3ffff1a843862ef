import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { StaffDirectorySchema } from '../contract/staffSession';
import { parseArgs } from 'node:util';
import { readHallConfig } from '../host/hallConfigFile';
import { startIntake } from '../intake/server';
import { buildIfStale } from './buildIfStale';
import { ALL_MOCK_STYLES, startMockProvince, type AnyMockStyle } from './mockProvinceStart';

/**
 * `npm start`: the whole evaluator on the embedded demo hall — the renderer (built if needed),
 * the reference intake on SQLite (.data/intake.sqlite) with a mock province it forwards every
 * rating to, and the host, wired together.
 * `-- --no-intake` runs the host alone; every other flag goes to the host (see host/main.ts).
 */
const HELP = `Usage: npm start [-- options]

The whole evaluator on the embedded demo hall: the renderer (built if needed), the reference intake
on SQLite (.data/intake.sqlite, port 8788) and the window PC's host, wired together.

Options:
  --no-intake          run the host alone
  --intake-port N      the intake's port (default 8788)
  --province STYLE     a mock province beside the intake that every rating is forwarded to:
                       fujian (default), shandong, zhejiang, reference (the product's own reference
                       interface, no province's: it also takes 差评 ticket states), or none
  --simulate-device    a serial rating device on a socat pty pair (type 1-5 + Enter here)
  --config FILE        the hall config (default kiosk-config/demo-hall.json)
  --device ID          which of its devices the host is (default the first)
  -h, --help           this text
Every other option goes to the host: npm run host -- --help`;
if (process.argv.slice(2).some((arg) => arg === '-h' || arg === '--help')) {
  console.log(HELP);
  process.exit(0);
}
const { values } = parseArgs({
  options: {
    'no-intake': { type: 'boolean', default: false },
    'intake-port': { type: 'string', default: '8788' },
    province: { type: 'string', default: 'fujian' },
    'simulate-device': { type: 'boolean', default: false },
    // Read here too (the host reads them as well): the demo token is bound to this device and its hall.
    config: { type: 'string', default: 'kiosk-config/demo-hall.json' },
    device: { type: 'string' },
  },
  strict: false,
});
buildIfStale();

if (!values['no-intake']) {
  mkdirSync('.data', { recursive: true });
  // The device the host will run (its --device, else the hall's first) and its hall: the demo
  // token enrols that device only, into that hall, as a provisioned one does.
  const hall = readHallConfig(String(values.config));
  const deviceId = typeof values.device === 'string' ? values.device : (hall.devices[0]?.id ?? '');
  // One single-use token per device and .data directory: the device enrols with it once. (A device
  // given a different token takes it as a re-provisioning and tries to rotate its key.)
  const tokenFile = `.data/demo-enrolment-token-${deviceId}`;
  // Before tokens were per device, the first device's token had no device in its name.
  if (!existsSync(tokenFile) && deviceId === hall.devices[0]?.id && existsSync('.data/demo-enrolment-token')) renameSync('.data/demo-enrolment-token', tokenFile);
  if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(18).toString('base64url'), { mode: 0o600 });
  const enrolmentToken = readFileSync(tokenFile, 'utf8').trim();
  // The demo hall manager's read-only dashboard credential (asked for by the /dashboard page).
  const dashboardToken = randomBytes(24).toString('base64url');
  // A mock province beside the intake (issue 22): a rating travels PAD → intake → province, and its
  // ack id shows on <intake>/admin. Its credentials sit in a 0600 file the FORWARD_* variables name.
  const province = String(values.province);
  if (province !== 'none') {
    if (!(ALL_MOCK_STYLES as readonly string[]).includes(province)) throw new Error(`--province: ${province} is not one of ${ALL_MOCK_STYLES.join(', ')}, none`);
    const mock = await startMockProvince(province as AnyMockStyle);
    // A demo forwards within seconds; a hall waits out its details screen (FORWARD_SETTLE_SEC, docs/province-forwarding.md).
    Object.assign(process.env, mock.env, { FORWARD_SETTLE_SEC: process.env.FORWARD_SETTLE_SEC ?? '5', FORWARD_INTERVAL_MS: process.env.FORWARD_INTERVAL_MS ?? '2000' });
    console.log(`mock province (${mock.adapterStyle}): ${mock.url}; ratings are forwarded to it 5 s after they reach the intake`);
  }
  // The demo operator's credential for <intake>/admin (follow-ups, fleet, forwarding to the province).
  const adminTokenFile = '.data/demo-admin-token';
  if (!existsSync(adminTokenFile)) writeFileSync(adminTokenFile, randomBytes(24).toString('base64url'), { mode: 0o600 });
  const adminToken = readFileSync(adminTokenFile, 'utf8').trim();
  const intake = await startIntake({
    adminToken,
    dbFile: '.data/intake.sqlite',
    port: Number(values['intake-port']),
    corsOrigins: ['http://127.0.0.1:*', 'http://localhost:*'],
    enrolmentTokens: [{ token: enrolmentToken, deviceId, hallCode: hall.hall.code, expiresAtMs: Date.now() + 24 * 3600 * 1000 }],
    dashboardTokens: { [hall.hall.code]: dashboardToken },
    dashboardAppDir: 'dist',
    // Demo staff who can confirm the idle screen's pairing code at <intake>/pair (passwords in docs/provisioning.md).
    staffDirectory: StaffDirectorySchema.parse(JSON.parse(readFileSync('kiosk-config/demo-staff.json', 'utf8'))),
  });
  console.log(`reference intake: ${intake.origin} (SQLite .data/intake.sqlite)`);
  console.log(`hall dashboard: ${intake.origin}/dashboard?hall=${hall.hall.code} (token ${dashboardToken})`);
  console.log(`public hall screen: ${intake.origin}/display?hall=${hall.hall.code}`);
  console.log(`admin page (follow-ups, fleet, forwarding with ack ids): ${intake.origin}/admin (token in ${adminTokenFile})`);
  process.argv.push('--intake-url', intake.origin);
  // A secret goes to the host through its environment, never its command line (ps shows that).
  process.env.HOST_ENROLMENT_TOKEN = enrolmentToken;
}
if (values['simulate-device']) {
  // A serial button box on a socat pty pair; type 1–5 + Enter in this terminal to press.
  const { createPtyPair } = await import('./ptyPair');
  const { startDeviceSimulator } = await import('./deviceSimulator');
  const pty = await createPtyPair();
  const sim = await startDeviceSimulator({ path: pty.devicePath, heartbeatMs: 1000 });
  process.argv.push('--serial-path', pty.hostPath);
  console.log(`simulated rating device on ${pty.devicePath}: type 1–5 and Enter to press (5 非常满意 … 1 非常不满意)`);
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (line: string) => {
    const value = Number(line.trim());
    if (Number.isInteger(value) && value >= 0 && value <= 255) sim.press(value);
  });
  process.on('exit', () => void pty.unplug());
}
// The host parses the rest of the command line: hand it only its own flags.
process.argv = process.argv.filter(
  (arg, i, all) =>
    arg !== '--no-intake' && arg !== '--simulate-device' && !arg.startsWith('--intake-port') && all[i - 1] !== '--intake-port' && !arg.startsWith('--province') && all[i - 1] !== '--province',
);
await import('../host/main');
