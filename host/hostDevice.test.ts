import { afterEach, describe, expect, it } from 'vitest';
import { HallConfigSchema } from '../contract/hallConfig';
import type { HostMessage } from '../contract/bridgeMessages';
import { startDeviceSimulator, type DeviceSimulator } from '../scripts/deviceSimulator';
import { createPtyPair } from '../scripts/ptyPair';
import { connectBridge, openLaunchLink } from './bridgeTestClient';
import { serialDeviceFromConfig } from './device/fromConfig';
import { encodeFrame, FrameType } from './device/frame';
import { startHost, type RunningHost } from './hostServer';

// The host with a serial button box on a real socat pty, and the bridge as the rating page uses it.
const TOKEN = 'test-case-event-token-0001-with-32-chars';
const hall = HallConfigSchema.parse({
  hall: { code: 'h1', name: '测试大厅', regionCode: '340104' },
  windows: [{ no: 'A01', name: '一号窗口', ratingUrl: 'https://example.gov.cn/r?w=A01' }],
  devices: [{ id: 'dev-a01', windowNo: 'A01', kind: 'pad', caseEventToken: TOKEN }],
});

const cleanups: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const fn of cleanups.splice(0).reverse()) await fn();
});

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function rig(): Promise<{ host: RunningHost; sim: DeviceSimulator; health: () => Promise<{ ratingDevice: { online: boolean; counters: Record<string, number> } }> }> {
  const pty = await createPtyPair();
  cleanups.push(() => pty.unplug());
  const host = await startHost({ hall, deviceId: 'dev-a01', port: 0, log: () => undefined, createDevice: serialDeviceFromConfig({ path: pty.hostPath, baudRate: 115200, valueMap: 'open' }) });
  cleanups.push(() => host.close());
  const sim = await startDeviceSimulator({ path: pty.devicePath, heartbeatMs: 100 });
  cleanups.push(() => sim.close());
  const health = async () => (await fetch(`${host.origin}/api/health`)).json();
  await until(async () => (await health()).ratingDevice?.online === true, 'device online');
  return { host, sim, health };
}

async function page(host: RunningHost): Promise<{ send: (m: unknown) => void; messages: HostMessage[] }> {
  const { wsUrl, cookie } = await openLaunchLink(host.launchUrl());
  const { ws, messages } = await connectBridge(wsUrl, host.origin, { cookie });
  cleanups.push(() => ws.close());
  return { send: (m) => ws.send(JSON.stringify(m)), messages };
}

const presses = (messages: HostMessage[]) => messages.filter((m) => m.type === 'devicePress');

describe('the host takes serial presses only for a rating page (issue 19)', () => {
  it('with no rating page connected a press is refused (NAK), never acknowledged or counted as a press', async () => {
    const { sim, health } = await rig();
    const seq = sim.press(5);
    await until(() => sim.refused.includes(seq), 'the NAK');
    expect(sim.received.some((f) => f.type === FrameType.ACK && f.payload[0] === seq)).toBe(false);
    expect((await health()).ratingDevice.counters).toMatchObject({ presses: 0, refusedPresses: 1 });
  });

  it('a page that goes away leaves no open gate behind, and the lights go idle', async () => {
    const { host, sim } = await rig();
    const p = await page(host);
    p.send({ type: 'screen', name: 'rating' });
    await until(() => sim.received.some((f) => f.type === FrameType.PROMPT), 'prompt');
    await cleanups.pop()?.(); // the page closes
    await until(() => sim.received.some((f) => f.type === FrameType.IDLE), 'idle');
    const seq = sim.press(4);
    await until(() => sim.refused.includes(seq), 'the NAK');
  });

  it('600 PRESS frames on one rating screen are one press', { timeout: 20_000 }, async () => {
    const { host, sim, health } = await rig();
    const p = await page(host);
    p.send({ type: 'screen', name: 'rating' });
    await until(() => sim.received.some((f) => f.type === FrameType.PROMPT), 'prompt');
    for (let i = 0; i < 600; i++) sim.sendRaw(encodeFrame({ type: FrameType.PRESS, seq: (i % 255) + 1, payload: Uint8Array.of(1 + (i % 5), 0, 80) }));
    await until(async () => ((await health()).ratingDevice.counters.frames ?? 0) >= 600, 'frames read');
    await new Promise((r) => setTimeout(r, 100));
    expect(presses(p.messages)).toHaveLength(1);
    expect(presses(p.messages)[0]).toMatchObject({ level: 1, method: 'serial' });
    // The next rating screen takes its own press.
    p.send({ type: 'screen', name: 'thanks' });
    p.send({ type: 'screen', name: 'idle' });
    await new Promise((r) => setTimeout(r, 1000)); // past the one-press-a-second limit
    p.send({ type: 'screen', name: 'rating' });
    await until(() => sim.received.filter((f) => f.type === FrameType.PROMPT).length === 2, 'second prompt');
    // The 600 frames used every seq within the duplicate window: the box restarts its session first.
    sim.reboot();
    await until(async () => (await health()).ratingDevice.counters.deviceReboots === 1, 'reboot');
    sim.press(5);
    await until(() => presses(p.messages).length === 2, 'second press');
  });

  it('1,000 identical INFO frames broadcast no status', async () => {
    const { host, sim, health } = await rig();
    const p = await page(host);
    await until(() => p.messages.some((m) => m.type === 'hello'), 'hello');
    await new Promise((r) => setTimeout(r, 200));
    const before = p.messages.filter((m) => m.type === 'deviceStatus').length;
    const info = encodeFrame({ type: FrameType.INFO, seq: 9, payload: Buffer.from('HCP-SIM-5\0' + '1.0.0\0' + 'SIM0001', 'latin1') });
    for (let i = 0; i < 1000; i++) sim.sendRaw(info);
    await until(async () => ((await health()).ratingDevice.counters.frames ?? 0) >= 1000, 'frames read');
    await new Promise((r) => setTimeout(r, 100));
    expect(p.messages.filter((m) => m.type === 'deviceStatus').length - before).toBe(0);
  });
});
