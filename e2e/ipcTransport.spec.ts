import { EventEmitter } from 'node:events';
import type { Page } from '@playwright/test';
import { attachIpcBridge } from '../electron/ipcTransport';
import { createPreloadApi } from '../electron/preloadApi';
import { expect, readOutbox, test, type HostFixture } from './fixtures';
import { RATING_INPUT_GUARD_MS } from '../src/flow/machine';

/**
 * The Electron transport in real Chromium without Electron: the page gets the same
 * `window.evaluatorBridge` the preload exposes, backed by the real preload code and the real
 * main-process IPC transport over a fake ipcRenderer/ipcMain pair, talking to the real host hub.
 */
async function useIpcTransport(page: Page, evaluator: HostFixture): Promise<{ unacked: () => Promise<number> }> {
  const ipcMain = new EventEmitter();
  const contents = Object.assign(new EventEmitter(), {
    send: (channel: string, message: unknown) => ipcRenderer.emit(channel, {}, structuredClone(message)),
    mainFrame: { processId: 7, routingId: 1 },
  });
  const ipcRenderer = Object.assign(new EventEmitter(), {
    send: (channel: string, message: unknown) => ipcMain.emit(channel, { sender: contents, senderFrame: { processId: 7, routingId: 1 } }, structuredClone(message)),
  });
  attachIpcBridge(evaluator.host.hub, ipcMain, contents);
  const preload = createPreloadApi(ipcRenderer);

  await page.exposeBinding('__bridgeSend', (_source, message: unknown) => preload.send(message));
  await page.exposeBinding('__bridgeSubscribe', () => {
    preload.onMessage((message) => void page.evaluate((m) => (window as unknown as { __bridgeDeliver?: (x: unknown) => void }).__bridgeDeliver?.(m), message));
  });
  await page.addInitScript(() => {
    const w = window as unknown as Record<string, unknown> & { __bridgeSend: (m: unknown) => void; __bridgeSubscribe: () => void };
    w.evaluatorBridge = {
      send: (message: unknown) => w.__bridgeSend(message),
      onMessage: (listener: (message: unknown) => void) => {
        w.__bridgeDeliver = listener;
        w.__bridgeSubscribe();
        return () => {
          w.__bridgeDeliver = undefined;
        };
      },
    };
  });
  page.on('load', () => contents.emit('did-finish-load'));
  return {
    unacked: async () => ((await (await fetch(`${evaluator.host.origin}/api/health`)).json()) as { unacked: number }).unacked,
  };
}

test('the rating loop runs over the Electron IPC transport as it does over the WebSocket', async ({ page, evaluator }) => {
  const ipc = await useIpcTransport(page, evaluator);
  const queuedBeforeLoad = await evaluator.sendCaseEvent('P-IPC-EARLY');
  await page.goto(`${evaluator.host.origin}/`); // no token: the page has the preload bridge instead
  await expect(page.locator(`[data-invitation="${queuedBeforeLoad}"]`)).toBeVisible();
  await page.getByRole('button', { name: /^满意/ }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  await expect.poll(ipc.unacked).toBe(0);

  const live = await evaluator.sendCaseEvent('P-IPC-LIVE');
  await expect(page.locator(`[data-invitation="${live}"]`)).toBeVisible({ timeout: 15_000 });
  // It follows a thanks screen: presses in its first moments are ignored (meant for the previous citizen).
  await page.waitForTimeout(RATING_INPUT_GUARD_MS + 200);
  await page.getByRole('button', { name: /非常不满意/ }).click();
  await expect(page.locator('fieldset.details-fields')).toBeEnabled();
  await page.getByRole('button', { name: '让我在几个窗口、部门之间来回跑' }).click();
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();

  // A press is a record: the 差评's press, then its details amending it.
  const outcomes = (await readOutbox(page)).sort((a, b) => a.seq - b.seq);
  expect(outcomes.map((o) => [o.case.projectNo, o.level, o.tags, o.amends?.kind ?? null])).toEqual([
    ['P-IPC-EARLY', 4, [], null],
    ['P-IPC-LIVE', 1, [], null],
    ['P-IPC-LIVE', 1, ['113'], 'details'],
  ]);
  expect(outcomes[2]?.amends?.outcomeId).toBe(outcomes[1]?.id);
});
