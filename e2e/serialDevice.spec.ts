import { serialDeviceFromConfig } from '../host/device/fromConfig';
import { FrameType } from '../host/device/frame';
import { startDeviceSimulator } from '../scripts/deviceSimulator';
import { createPtyPair } from '../scripts/ptyPair';
import { demoHall, expect, launchHost, openAdmin, readOutbox, test } from './fixtures';

test('a serial button box rates through the same loop; presses outside a rating are ignored and counted', async ({ page }) => {
  const pty = await createPtyPair();
  const sim = await startDeviceSimulator({ path: pty.devicePath, heartbeatMs: 200 });
  const evaluator = await launchHost(demoHall({ thanksSec: 1 }), {
    createDevice: serialDeviceFromConfig({ path: pty.hostPath, baudRate: 115200, valueMap: 'open' }),
  });
  const health = async () => (await (await fetch(`${evaluator.host.origin}/api/health`)).json()) as { ratingDevice: { online: boolean; counters: Record<string, number> } };
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    await expect.poll(async () => (await health()).ratingDevice.online).toBe(true);

    sim.press(5); // nobody is being asked to rate
    await expect.poll(async () => (await health()).ratingDevice.counters.ignoredPresses).toBe(1);

    const invitationId = await evaluator.sendCaseEvent('P-SERIAL-1');
    await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();
    await expect.poll(() => sim.received.some((f) => f.type === FrameType.PROMPT)).toBe(true);
    sim.press(4);
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    await expect.poll(() => sim.received.some((f) => f.type === FrameType.THANKS)).toBe(true);
    const outcomes = await readOutbox(page);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]).toMatchObject({ invitationId, outcome: 'rated', level: 4, input: { method: 'serial' } });

    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    await openAdmin(page);
    await expect(page.locator('[data-fact="device"]')).toContainText('在线');
    await expect(page.locator('[data-fact="device"]')).toContainText('HCP-SIM-5');
  } finally {
    await evaluator.host.close();
    await sim.close();
    await pty.unplug();
  }
});

test('a keyboard-wedge (HID) evaluator rates by its configured keys only', async ({ page }) => {
  const base = demoHall({ thanksSec: 1 });
  const hall = { ...base, devices: base.devices.map((d) => (d.id === 'demo-pad-a01' ? { ...d, kind: 'hid' as const, hidKeys: { F9: 5 as const, F10: 1 as const } } : d)) };
  const evaluator = await launchHost(hall);
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    const invitationId = await evaluator.sendCaseEvent('P-HID-1');
    await expect(page.locator(`[data-invitation="${invitationId}"]`)).toBeVisible();
    await page.keyboard.press('5'); // not one of this device's keys
    await expect(page.locator('[data-screen="rating"]')).toBeVisible();
    await page.keyboard.press('F9');
    await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
    expect((await readOutbox(page))[0]).toMatchObject({ invitationId, level: 5, input: { method: 'hid' } });
  } finally {
    await evaluator.host.close();
  }
});
