import { afterEach, describe, expect, it } from 'vitest';
import { startDeviceSimulator, type DeviceSimulator } from '../../scripts/deviceSimulator';
import { seededRandom } from '../../scripts/seededRandom';
import { encodeFrame, FrameType } from './frame';
import { VALUE_MAPS, type DevicePress, type RatingDevice } from './ratingDevice';
import { createSerialRatingDevice } from './serialRatingDevice';
import { createPtyPair, type PtyPair } from '../../scripts/ptyPair';

/** These tests run the driver against real pseudo-terminals made by socat, not a mock binding. */
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rig(extra: { valueMap?: Record<number, 1 | 2 | 3 | 4 | 5>; heartbeatMs?: number; heartbeatTimeoutMs?: number } = {}) {
  const pty: PtyPair = await createPtyPair();
  cleanups.push(() => pty.unplug());
  const presses: DevicePress[] = [];
  const device: RatingDevice = createSerialRatingDevice({
    path: pty.hostPath,
    baudRate: 115200,
    valueMap: extra.valueMap ?? VALUE_MAPS.open!,
    onPress: (p) => presses.push(p),
    heartbeatTimeoutMs: extra.heartbeatTimeoutMs ?? 600,
    reconnect: { baseMs: 50, maxMs: 200 },
  });
  device.start();
  cleanups.push(() => device.stop());
  let sim: DeviceSimulator = await startDeviceSimulator({ path: pty.devicePath, heartbeatMs: extra.heartbeatMs ?? 100 });
  cleanups.push(() => sim.close());
  await until(() => device.status().connected && device.status().online, 'device online');
  return {
    pty,
    device,
    presses,
    get sim() {
      return sim;
    },
    async restartSimulator() {
      sim = await startDeviceSimulator({ path: pty.devicePath, heartbeatMs: extra.heartbeatMs ?? 100 });
      cleanups.push(() => sim.close());
    },
  };
}

describe('serial rating device over a real pty', () => {
  it('turns presses into levels through the vendor value map and reads the device info', async () => {
    const { device, presses, sim } = await rig({ valueMap: VALUE_MAPS['zero-based-5'] });
    sim.press(0, 180);
    sim.press(4);
    sim.press(9); // not in the map: counted, never guessed
    await until(() => presses.length === 2 && device.status().counters.unmappedValues === 1, 'presses');
    expect(presses.map((p) => [p.level, p.durationMs])).toEqual([
      [5, 180],
      [1, 150],
    ]);
    await until(() => device.status().info !== null, 'device info');
    expect(device.status().info).toEqual({ model: 'HCP-SIM-5', firmware: '1.0.0', serial: 'SIM0001' });
  });

  it('acknowledges presses, so the device does not resend; a resent press counts once', async () => {
    const { device, presses, sim } = await rig();
    sim.press(5);
    await until(() => presses.length === 1, 'press');
    await new Promise((r) => setTimeout(r, 300));
    expect(presses).toHaveLength(1);
    expect(device.status().counters.duplicatePresses).toBe(0);
    // A press whose acknowledgement got lost arrives again with the same seq: one press.
    const resent = encodeFrame({ type: FrameType.PRESS, seq: 201, payload: Uint8Array.of(3, 0, 90) });
    sim.sendRaw(resent);
    sim.sendRaw(resent);
    await until(() => device.status().counters.duplicatePresses === 1, 'duplicate counted');
    expect(presses.map((p) => p.level)).toEqual([5, 3]);
    expect(device.status().counters.presses).toBe(2);
  });

  it('resends an unacknowledged command, and stops once acknowledged', async () => {
    const { device, sim } = await rig();
    sim.setAcknowledging(false);
    device.command('prompt');
    await until(() => sim.received.filter((f) => f.type === FrameType.PROMPT).length === 4, 'prompt resent 3 times', 3000);
    expect(device.status().counters.resends).toBe(3);
    sim.setAcknowledging(true);
    device.command('thanks');
    await new Promise((r) => setTimeout(r, 500));
    expect(sim.received.filter((f) => f.type === FrameType.THANKS)).toHaveLength(1);
    expect(device.status().counters.resends).toBe(3);
  });

  it('marks the device offline when heartbeats stop, online when they return', async () => {
    const r = await rig({ heartbeatTimeoutMs: 400 });
    await r.sim.close();
    await until(() => !r.device.status().online, 'offline', 3000);
    expect(r.device.status().connected).toBe(true);
    await r.restartSimulator();
    await until(() => r.device.status().online, 'online again', 3000);
  });

  it('reconnects after the cable is pulled and plugged back, and keeps working', async () => {
    const r = await rig();
    await r.sim.close();
    await r.pty.unplug();
    await until(() => !r.device.status().connected, 'disconnected', 3000);
    expect(r.device.status().lastError).not.toBeNull();
    await r.pty.replug();
    await r.restartSimulator();
    await until(() => r.device.status().connected && r.device.status().online, 'reconnected', 5000);
    expect(r.device.status().counters.reconnects).toBe(1);
    r.sim.press(2);
    await until(() => r.presses.length === 1, 'press after replug');
    expect(r.presses[0]?.level).toBe(2);
  });

  it('survives 100,000 seeded random bytes on the line: no crash, no press that was not sent, errors counted', async () => {
    const { device, presses, sim } = await rig();
    const random = seededRandom(5);
    for (let sent = 0; sent < 100_000; ) {
      const size = Math.min(100_000 - sent, 1 + Math.floor(random() * 2000));
      sim.sendRaw(Uint8Array.from({ length: size }, () => Math.floor(random() * 256)));
      sent += size;
      if (sent % 20_000 < 2000) await new Promise((r) => setTimeout(r, 5));
    }
    // Corrupted frames: a press with a flipped bit must be counted as a checksum error, not pressed.
    sim.sendRaw(Buffer.from([0x55, 0xaa, 1, FrameType.PRESS, 77, 3, 5, 0, 100, 0x12, 0x34]));
    await until(() => device.status().counters.discardedBytes > 90_000, 'noise consumed', 10_000);
    sim.press(4);
    await until(() => presses.length >= 1, 'real press after the noise', 5000);
    expect(presses.map((p) => p.level)).toEqual([4]);
    expect(device.status().counters.checksumErrors).toBeGreaterThan(0);
    expect(device.status().connected).toBe(true);
  });

  it('finds the device by USB vendor/product id when no port is configured', async () => {
    const pty = await createPtyPair();
    cleanups.push(() => pty.unplug());
    const presses: DevicePress[] = [];
    let listed = 0;
    const device = createSerialRatingDevice({
      vendorId: '1A86',
      productId: '7523',
      baudRate: 115200,
      valueMap: VALUE_MAPS.open!,
      onPress: (p) => presses.push(p),
      reconnect: { baseMs: 50, maxMs: 100 },
      listPorts: async () => {
        listed++;
        // The device shows up on the second scan, beside an unrelated adapter.
        return listed < 2
          ? [{ path: '/dev/ttyS0', vendorId: '0403', productId: '6001' }]
          : [{ path: '/dev/ttyS0', vendorId: '0403', productId: '6001' }, { path: pty.hostPath, vendorId: '1a86', productId: '7523' }];
      },
    });
    device.start();
    cleanups.push(() => device.stop());
    const sim = await startDeviceSimulator({ path: pty.devicePath, heartbeatMs: 100 });
    cleanups.push(() => sim.close());
    await until(() => device.status().connected, 'connected by USB ids');
    expect(device.status().path).toBe(pty.hostPath);
    sim.press(1);
    await until(() => presses.length === 1, 'press');
  });
});
