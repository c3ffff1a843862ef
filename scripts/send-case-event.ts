import { parseArgs } from 'node:util';
import { readHallConfig } from '../host/hallConfigFile';

const HELP = `Sends one case event as a window business system would.

  npm run case-event -- [--event accepted|closed] [--project P123] [--url http://127.0.0.1:8787]
      to the host of a window PC (POST /api/case-events)
  npm run case-event -- --intake http://127.0.0.1:8788 [--device xihu-pad-01] [--event closed]
      to the intake, for a host-less tablet (POST /v1/devices/<device>/case-events; the intake
      must know the device's case-event token: "caseEventTokens" in its --config file)
  npm run case-event -- --login [--staff 张三]   |   npm run case-event -- --logout
      signs the staff member in or out at the window (host only)

Options: --config hall.json (default kiosk-config/demo-hall.json), --device ID (default the first),
--token TOKEN or CASE_EVENT_TOKEN (default the device's caseEventToken), --task NAME, -h/--help.
`;

const parsed = (() => {
  try {
    return parseArgs({
      strict: true,
      options: {
        help: { type: 'boolean', short: 'h', default: false },
        intake: { type: 'string' },
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? '8787'}` },
    config: { type: 'string', default: 'kiosk-config/demo-hall.json' },
    device: { type: 'string' },
    token: { type: 'string' },
    event: { type: 'string', default: 'closed' },
    project: { type: 'string', default: `DEMO${Date.now()}` },
    task: { type: 'string', default: '企业设立登记' },
    staff: { type: 'string', default: '张三' },
    login: { type: 'boolean', default: false },
    logout: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${HELP}`);
    process.exit(2);
  }
})();
const { values } = parsed;
if (values.help) {
  console.log(HELP);
  process.exit(0);
}
if (values.intake && (values.login || values.logout)) {
  console.error('--login and --logout go to the host of a window PC, not to the intake');
  process.exit(2);
}

const hall = readHallConfig(values.config);
const device = hall.devices.find((d) => d.id === (values.device ?? hall.devices[0]?.id));
const token = values.token ?? process.env.CASE_EVENT_TOKEN ?? device?.caseEventToken;
const now = new Date();
const pad = (n: number) => String(n).padStart(2, '0');
const caseTime = `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())}`;

const body = {
  event: values.event,
  ...(device ? { windowNo: device.windowNo } : {}),
  case: {
    projectNo: values.project,
    taskCode: '113401000000000001',
    taskName: values.task,
    deptName: '市场监督管理局',
    regionCode: hall.hall.regionCode,
    userProp: 2,
    acceptDate: caseTime,
    ...(values.event === 'closed' ? { resultDate: caseTime } : {}),
  },
  staff: { loginName: 'zhangsan', name: values.staff, staffNo: 'A0123' },
};

const staffEvent = values.login ? { event: 'login', staff: body.staff } : values.logout ? { event: 'logout' } : null;
// A host-less tablet takes its invitations from the intake's feed: the event goes there, for the device.
const target = values.intake
  ? new URL(`/v1/devices/${encodeURIComponent(device?.id ?? '')}/case-events`, values.intake).href
  : `${values.url}/api/${staffEvent ? 'staff-session' : 'case-events'}`;
const response = await fetch(target, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
  body: JSON.stringify(staffEvent ?? (values.intake ? { ...body, hallCode: hall.hall.code } : body)),
});
console.log(`${response.status} ${await response.text()}`);
process.exitCode = response.ok ? 0 : 1;
