import type { Browser } from '@playwright/test';
import { SerialPort } from 'serialport';
import { demoHall, launchHost } from '../e2e/fixtures';
import { serialDeviceFromConfig } from '../host/device/fromConfig';
import { encodeFrame, FrameType } from '../host/device/frame';
import { VALUE_MAPS } from '../host/device/ratingDevice';
import { createSerialRatingDevice } from '../host/device/serialRatingDevice';
import { startDeviceSimulator } from './deviceSimulator';
import { awaitMark, clockOffset, nodeNow } from './pageMarks';
import { createPtyPair } from './ptyPair';

/** Raw pty round trip: one small frame out through socat and echoed straight back. */
async function ptyRoundTrips(count: number): Promise<number[]> {
  const pty = await createPtyPair();
  const open = (path: string) =>
    new Promise<SerialPort>((resolve, reject) => {
      const port = new SerialPort({ path, baudRate: 115200, autoOpen: false });
      port.open((error) => (error ? reject(error) : resolve(port)));
    });
  const [a, b] = [await open(pty.hostPath), await open(pty.devicePath)];
  b.on('data', (data: Buffer) => b.write(data));
  const frame = encodeFrame({ type: FrameType.PRESS, seq: 1, payload: Uint8Array.of(5, 0, 100) });
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = nodeNow();
    await new Promise<void>((resolve) => {
      let got = 0;
      const onData = (data: Buffer) => {
        got += data.length;
        if (got >= frame.length) {
          a.off('data', onData);
          resolve();
        }
      };
      a.on('data', onData);
      a.write(frame);
    });
    times.push(nodeNow() - started);
  }
  await Promise.all([a, b].map((p) => new Promise<void>((r) => p.close(() => r()))));
  await pty.unplug();
  return times;
}

/**
 * Serial press → outcome durable: the simulated device writes a PRESS frame on a real pty; the
 * host's driver decodes it, the bridge carries it to Chromium, the outbox commits it. Baseline in
 * the same run: the raw pty round trip of the same frame.
 */
export async function benchSerial(browser: Browser, count: number): Promise<{ pressToDurable: number[]; roundTrip: number[] }> {
  const pty = await createPtyPair();
  const sim = await startDeviceSimulator({ path: pty.devicePath, heartbeatMs: 500 });
  const evaluator = await launchHost(demoHall({ inviteTimeoutSec: 600, thanksSec: 1 }), {
    createDevice: serialDeviceFromConfig({ path: pty.hostPath, baudRate: 115200, valueMap: 'open' }),
  });
  const page = await browser.newPage();
  try {
    await page.goto(evaluator.host.appUrl);
    await page.locator('[data-screen="idle"]').waitFor();
    await page.getByRole('status').waitFor({ state: 'detached' });
    const offset = await clockOffset(page);
    const pressToDurable: number[] = [];
    for (let i = 0; i < count; i++) {
      const invitationId = await evaluator.sendCaseEvent(`SERIAL-BENCH-${Date.now()}-${i}`);
      await awaitMark(page, 'rating-painted', invitationId, 25);
      await new Promise((r) => setTimeout(r, 50)); // the host learns the screen is up
      const pressedAt = nodeNow() + offset;
      sim.press(5);
      await new Promise((r) => setTimeout(r, 100));
      pressToDurable.push((await awaitMark(page, 'outcome-durable', invitationId, 25)) - pressedAt);
      await page.locator('[data-screen="idle"]').waitFor();
    }
    return { pressToDurable, roundTrip: await ptyRoundTrips(count) };
  } finally {
    await page.close();
    await evaluator.host.close();
    await sim.close();
    await pty.unplug();
  }
}

/**
 * Issue 19: the driver's press delay on a real pty, from the moment the device side wrote the
 * PRESS frame's last byte until the driver hands the press on, with six noise bytes that look like
 * the header of a 64-byte frame (55 AA 01 02 07 40) written just before each press, and without.
 * (Before the look-ahead resync, the noise held the press until 66 more bytes came: 7 s at a
 * heartbeat a second.)
 */
export async function benchNoisyPress(count: number): Promise<{ afterNoise: number[]; clean: number[] }> {
  const pty = await createPtyPair();
  const device = new SerialPort({ path: pty.devicePath, baudRate: 115200, autoOpen: false });
  await new Promise<void>((resolve, reject) => device.open((error) => (error ? reject(error) : resolve())));
  let delivered: (() => void) | null = null;
  const driver = createSerialRatingDevice({
    path: pty.hostPath,
    baudRate: 115200,
    valueMap: VALUE_MAPS.open!,
    onPress: () => {
      delivered?.();
      return 'ack';
    },
  });
  driver.start();
  try {
    for (let i = 0; i < 200 && !driver.status().connected; i++) await new Promise((r) => setTimeout(r, 10));
    const NOISE = Buffer.from([0x55, 0xaa, 0x01, 0x02, 0x07, 0x40]);
    const series = async (noise: boolean, firstSeq: number): Promise<number[]> => {
      const times: number[] = [];
      for (let i = 0; i < count; i++) {
        const frame = encodeFrame({ type: FrameType.PRESS, seq: ((firstSeq + i) % 255) + 1, payload: Uint8Array.of(5, 0, 100) });
        if (noise) await new Promise<void>((resolve) => device.write(NOISE, () => device.drain(() => resolve())));
        const pressed = new Promise<number>((resolve) => (delivered = () => resolve(nodeNow())));
        const writtenAt = await new Promise<number>((resolve) => device.write(frame, () => device.drain(() => resolve(nodeNow()))));
        // A press is never lost here: the delay is bounded by the inter-byte timeout at worst.
        times.push(Math.max(0, (await pressed) - writtenAt));
        await new Promise((r) => setTimeout(r, 20));
      }
      return times;
    };
    const clean = await series(false, 0);
    // Past the duplicate window, so the second series' seqs are new presses.
    await new Promise((r) => setTimeout(r, 5100));
    const afterNoise = await series(true, 0);
    return { afterNoise, clean };
  } finally {
    await driver.stop();
    await new Promise<void>((resolve) => device.close(() => resolve()));
    await pty.unplug();
  }
}
