import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startDeviceSimulator, type DeviceSimulator } from '../../scripts/deviceSimulator';
import { seededRandom } from '../../scripts/seededRandom';
import { encodeFrame, FrameType } from './frame';
import { VALUE_MAPS, type DevicePress, type DeviceStatus, type PressAnswer, type RatingDevice } from './ratingDevice';
import { createSerialRatingDevice, type PortLike } from './serialRatingDevice';
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

async function rig(extra: { valueMap?: Record<number, 1 | 2 | 3 | 4 | 5>; heartbeatMs?: number; heartbeatTimeoutMs?: number; answer?: () => PressAnswer } = {}) {
  const pty: PtyPair = await createPtyPair();
  cleanups.push(() => pty.unplug());
  const presses: DevicePress[] = [];
  const statuses: DeviceStatus[] = [];
  const device: RatingDevice = createSerialRatingDevice({
    path: pty.hostPath,
    baudRate: 115200,
    valueMap: extra.valueMap ?? VALUE_MAPS.open!,
    onPress: (p) => {
      presses.push(p);
      return extra.answer?.() ?? 'ack';
    },
    onStatus: (status) => void statuses.push(status),
    heartbeatTimeoutMs: extra.heartbeatTimeoutMs ?? 600,
    // Longer than the default 200 ms: on busy shared cores an ACK over the pty can take that long,
    // and a resend would then be counted where none is meant.
    ackTimeoutMs: 500,
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
    statuses,
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
    // The device heartbeat to the intake reports when the last press was taken.
    expect(device.status().counters.lastPressAtMs).toBe(Math.round(presses[1]!.receivedAtMs));
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
    await until(() => sim.received.filter((f) => f.type === FrameType.PROMPT).length === 4, 'prompt resent 3 times', 6000);
    expect(device.status().counters.resends).toBe(3);
    sim.setAcknowledging(true);
    device.command('thanks');
    await new Promise((r) => setTimeout(r, 1000));
    expect(sim.received.filter((f) => f.type === FrameType.THANKS)).toHaveLength(1);
    expect(device.status().counters.resends).toBe(3);
  });

  it('marks the device offline when heartbeats stop, online when they return', async () => {
    const r = await rig({ heartbeatTimeoutMs: 400 });
    await r.sim.close();
    expect(r.device.status().counters.missedHeartbeats).toBe(0);
    expect(r.device.status().counters.lastPressAtMs).toBeUndefined();
    await until(() => !r.device.status().online, 'offline', 3000);
    expect(r.device.status().connected).toBe(true);
    expect(r.device.status().counters.missedHeartbeats).toBe(1);
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
      onPress: (p) => void presses.push(p),
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

const framesOf = (sim: DeviceSimulator, type: number) => sim.received.filter((f) => f.type === type);
const settle = (ms = 300) => new Promise((r) => setTimeout(r, ms));

describe('a serial link that survives real devices (issue 19), over a real pty', () => {
  it('noise that looks like a header cannot hold a press or the heartbeats behind it', async () => {
    const { device, presses, sim } = await rig();
    sim.sendRaw(Buffer.from([0x55, 0xaa, 0x01, 0x02, 0x07, 0x40]));
    sim.press(5);
    // Delivered long before 66 more bytes could arrive (no further press is sent to fill them).
    await until(() => presses.length === 1, 'the press behind the noise');
    expect(presses[0]?.level).toBe(5);
    expect(device.status().counters.falseStarts).toBe(1);
    expect(device.status().online).toBe(true);
  });

  it('a device reboot starts a new session: its first press (an earlier seq again) is a press, not a duplicate', async () => {
    const { device, presses, sim } = await rig();
    // Both sessions' first press carries seq 2 (seq 1 was the BOOT), well within the duplicate window.
    sim.sendRaw(encodeFrame({ type: FrameType.PRESS, seq: 2, payload: Uint8Array.of(4, 0, 90) }));
    await until(() => presses.length === 1, 'first press');
    sim.reboot();
    await until(() => device.status().counters.deviceReboots === 1, 'reboot seen');
    sim.sendRaw(encodeFrame({ type: FrameType.PRESS, seq: 2, payload: Uint8Array.of(2, 0, 90) }));
    await until(() => presses.length === 2, 'press after reboot');
    expect(presses.map((p) => p.level)).toEqual([4, 2]);
    expect(device.status().counters.duplicatePresses).toBe(0);
  });

  it('the screen state comes back after a replug, and after a reboot', async () => {
    const r = await rig();
    r.device.command('prompt');
    await until(() => framesOf(r.sim, FrameType.PROMPT).length === 1, 'prompt');
    await r.sim.close();
    await r.pty.unplug();
    await until(() => !r.device.status().connected, 'unplugged', 3000);
    await r.pty.replug();
    await r.restartSimulator();
    await until(() => framesOf(r.sim, FrameType.PROMPT).length >= 1, 'prompt re-sent after the replug', 5000);
    const before = framesOf(r.sim, FrameType.PROMPT).length;
    r.sim.reboot();
    await until(() => framesOf(r.sim, FrameType.PROMPT).length > before, 'prompt re-sent after the reboot');
  });

  it('commands are one latest state: a newer state replaces an unacknowledged one, which is never resent', async () => {
    const { device, sim } = await rig();
    sim.setCommandAnswer('none');
    device.command('prompt');
    await until(() => framesOf(sim, FrameType.PROMPT).length === 1, 'prompt');
    device.command('thanks');
    sim.setCommandAnswer('ack');
    await settle(1200);
    expect(framesOf(sim, FrameType.PROMPT)).toHaveLength(1);
    expect(framesOf(sim, FrameType.THANKS)).toHaveLength(1);
  });

  it('a NAKed command is resent at once; giving up is visible', async () => {
    const { device, sim, statuses } = await rig();
    sim.setCommandAnswer('nak');
    device.command('idle');
    await until(() => device.status().counters.commandFailures === 1, 'given up');
    expect(framesOf(sim, FrameType.IDLE)).toHaveLength(4);
    expect(device.status().lastError).toBe('the device did not take IDLE after 4 tries');
    expect(statuses.at(-1)?.lastError).toBe('the device did not take IDLE after 4 tries');
  });

  it('a press the host does not take is refused with a NAK, and its resend gets the same answer', async () => {
    const { device, presses, sim } = await rig({ answer: () => 'nak' });
    const seq = sim.press(5);
    await until(() => sim.refused.includes(seq), 'NAK');
    expect(framesOf(sim, FrameType.ACK).some((f) => f.payload[0] === seq)).toBe(false);
    sim.sendRaw(encodeFrame({ type: FrameType.PRESS, seq, payload: Uint8Array.of(5, 0, 90) }));
    await until(() => sim.refused.filter((s) => s === seq).length === 2, 'second NAK');
    expect(presses).toHaveLength(1);
    expect(device.status().counters).toMatchObject({ presses: 0, refusedPresses: 1, duplicatePresses: 1 });
  });

  it('1,000 identical INFO frames report the status once', async () => {
    const { statuses, sim, device } = await rig();
    await until(() => device.status().info !== null, 'info');
    await settle(100);
    const before = statuses.length;
    const info = encodeFrame({ type: FrameType.INFO, seq: 9, payload: Buffer.from('HCP-SIM-5\0' + '1.0.0\0' + 'SIM0001', 'latin1') });
    for (let i = 0; i < 1000; i++) sim.sendRaw(info);
    await until(() => device.status().counters.frames >= 1000, 'frames read');
    expect(statuses.length - before).toBe(0);
  });
});

/** A port that opens and drops at once, as a board that resets whenever DTR rises. */
class ResettingPort extends EventEmitter implements PortLike {
  isOpen = false;
  constructor(private readonly stayUpMs: () => number) {
    super();
  }
  open(callback: (error: Error | null) => void): void {
    this.isOpen = true;
    callback(null);
    setTimeout(() => {
      this.isOpen = false;
      this.emit('close');
    }, this.stayUpMs());
  }
  write(): boolean {
    return true;
  }
  close(callback?: (error: Error | null) => void): void {
    this.isOpen = false;
    callback?.(null);
  }
}

describe('reconnect backoff', () => {
  it('a port that opens and drops is reopened ever more slowly, and the backoff starts over only after a link stayed up', async () => {
    vi.useFakeTimers();
    try {
      let opens = 0;
      let stayUpMs = 10;
      const device = createSerialRatingDevice({
        path: '/dev/ttyFAKE',
        baudRate: 9600,
        valueMap: VALUE_MAPS.open!,
        onPress: () => 'ack',
        reconnect: { baseMs: 250, maxMs: 5000, stableMs: 10_000 },
        now: () => Date.now(),
        openPort: () => {
          opens++;
          return new ResettingPort(() => stayUpMs);
        },
      });
      device.start();
      await vi.advanceTimersByTimeAsync(10_000);
      // 250 + 500 + 1000 + 2000 + 4000 ms apart: 6 opens in 10 s (it was 37, for ever).
      expect(opens).toBeLessThanOrEqual(6);
      await vi.advanceTimersByTimeAsync(60_000);
      const perMinute = opens;
      expect(perMinute).toBeLessThanOrEqual(6 + 13);
      // A link that stays up past stableMs resets the backoff: the next drop is retried at the base delay.
      stayUpMs = 11_000;
      const beforeStable = opens;
      while (opens === beforeStable) await vi.advanceTimersByTimeAsync(100);
      stayUpMs = 10;
      await vi.advanceTimersByTimeAsync(11_000); // that link stayed up 11 s, then dropped
      const afterStable = opens;
      await vi.advanceTimersByTimeAsync(300);
      expect(opens).toBe(afterStable + 1);
      await device.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
