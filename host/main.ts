import path from 'node:path';
import { IntakeSettingsSchema, type HallConfig } from '../contract/hallConfig';
import { serialDeviceFromConfig } from './device/fromConfig';
import { startOnHallConfig } from './hallConfigFile';
import { startHost } from './hostServer';
import { findChromium, hasDisplay, openInChromium } from './kioskBrowser';
import { parseCommandLine } from '../shared-node/commandLine';

const HELP = `Usage: npm run host -- [options]

The window PC's host: serves the rating screen, takes the window business system's case events on
loopback, reaches a serial or HID rating device, and bridges them to the page.

Options (settings only; secrets come from the hall config or the environment):
  --config FILE        hall config or device bundle (default kiosk-config/demo-hall.json)
  --device ID          which device of the hall this PC is (default the first)
  --port N             loopback port (default the device's hostPort, else 8787; or PORT)
  --static DIR         renderer build to serve (default dist; empty: the API alone)
  --data DIR           invitation journal, last good config, PIN lockout (default .data)
  --no-open            do not open a browser window
  --kiosk              open Chromium in kiosk mode (launch link through an owner-only file)
  --intake-url URL     sync to this intake instead of the hall config's
  --serial-path PATH   the rating device's serial port instead of the hall config's
  -h, --help           this text

Environment (secrets):
  CASE_EVENT_TOKEN       the case-event token instead of the device's caseEventToken
  HOST_ENROLMENT_TOKEN   a one-off enrolment token instead of the bundle's (development)`;

/** Headless host entry: `tsx host/main.ts --config kiosk-config/demo-hall.json --device demo-pad-a01`. */
async function main(): Promise<void> {
  const { values } = parseCommandLine(HELP, {
    options: {
      config: { type: 'string', default: 'kiosk-config/demo-hall.json' },
      device: { type: 'string' },
      port: { type: 'string' },
      static: { type: 'string', default: 'dist' },
      data: { type: 'string', default: '.data' },
      open: { type: 'boolean', default: true },
      'no-open': { type: 'boolean', default: false },
      kiosk: { type: 'boolean', default: false },
      'intake-url': { type: 'string' },
      'serial-path': { type: 'string' },
    },
  });
  let kioskBrowser: ReturnType<typeof openInChromium> | undefined;
  // The config is proven before it becomes last-good: the host must start on it first.
  const { started } = await startOnHallConfig(values.config, values.data, values.device, (loaded) => startOn(loaded), (m) => console.warn(`warning: ${m}`));
  const { host, hall, deviceId, serial } = started;

  async function startOn(loaded: HallConfig) {
    const deviceId = values.device ?? loaded.devices[0]?.id ?? '';
    const portText = values.port ?? process.env.PORT ?? String(loaded.devices.find((d) => d.id === deviceId)?.hostPort ?? 8787);
    const port = Number(portText);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0–65535, got "${portText}"`);
    const hall = withIntake(loaded, deviceId, values['intake-url'], process.env.HOST_ENROLMENT_TOKEN);
    const configured = hall.devices.find((d) => d.id === deviceId)?.serial;
    const serial = values['serial-path'] ? { baudRate: 115200, valueMap: 'open' as const, ...configured, path: values['serial-path'] } : configured;
    const host = await startHost({
      hall,
      deviceId,
      port,
      onExitKiosk: () => {
        console.log('admin: exit kiosk (PIN checked)');
        kioskBrowser?.kill();
      },
      // An empty --static= runs the API alone (the crash test drives the bridge itself).
      staticDir: values.static,
      // The invitation journal lives here with the last good hall config: a 202 survives a power cut.
      dataDir: values.data,
      ...(serial ? { createDevice: serialDeviceFromConfig(serial) } : {}),
      ...(process.env.CASE_EVENT_TOKEN ? { caseEventToken: process.env.CASE_EVENT_TOKEN } : {}),
    });
    return { host, hall, deviceId, serial };
  }
  console.log(`好差评 evaluator — ${hall.hall.name} · ${host.context.window.name} (device ${deviceId})`);
  // The launch link is a secret: in kiosk mode it goes only to the browser, through an owner-only
  // launch file; a developer's run prints one single-use link, as notebook servers do.
  console.log(`  rating screen:   ${host.origin}/`);
  if (!values.kiosk) console.log(`  one-time link:   ${host.launchUrl()}  (opens the bridge for one browser; use once)`);
  if (hall.intake) console.log(`  syncs to intake: ${hall.intake.url}`);
  if (serial) console.log(`  rating device:   serial ${serial.path ?? `${serial.vendorId}:${serial.productId}`} (${serial.baudRate} baud)`);
  console.log(`  case events:     POST ${host.origin}/api/case-events  (Authorization: Bearer <device caseEventToken>)`);
  console.log(`  send a demo one: npm run case-event -- --url ${host.origin}${values.device ? ` --device ${deviceId}` : ''}`);

  const chromium = findChromium();
  if (values.open && !values['no-open'] && hasDisplay() && chromium) {
    kioskBrowser = openInChromium(chromium, { origin: host.origin, launchUrl: host.launchUrl() }, path.resolve(values.data, 'chromium-profile'), values.kiosk);
    console.log(`  opened ${values.kiosk ? 'kiosk' : 'app'} window in ${chromium}`);
  } else {
    console.log('  (no display or no Chromium found: open the rating screen URL in a browser)');
  }

  const shutdown = () => {
    host.close().finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

/** Command-line overrides of where the device syncs to (used by `npm start` for its local intake). */
function withIntake(hall: HallConfig, deviceId: string, url: string | undefined, enrolmentToken: string | undefined): HallConfig {
  const intake = url ? IntakeSettingsSchema.parse({ ...hall.intake, url }) : hall.intake;
  return {
    ...hall,
    ...(intake ? { intake } : {}),
    devices: hall.devices.map((d) => (d.id === deviceId && enrolmentToken ? { ...d, enrolmentToken } : d)),
  };
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
