import { parseArgs } from 'node:util';
import { readHallConfig } from '../host/hallConfigFile';

/**
 * Sends one case event to a running host, as a window business system would:
 *   npm run case-event -- [--event accepted|closed] [--project P123] [--url http://127.0.0.1:8787]
 * or signs the staff member in or out at the window, as its login would:
 *   npm run case-event -- --login [--staff 张三]   |   npm run case-event -- --logout
 * The token defaults to the device's caseEventToken in the hall config.
 */
const { values } = parseArgs({
  options: {
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
const response = await fetch(`${values.url}/api/${staffEvent ? 'staff-session' : 'case-events'}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token ?? ''}` },
  body: JSON.stringify(staffEvent ?? body),
});
console.log(`${response.status} ${await response.text()}`);
process.exitCode = response.ok ? 0 : 1;
