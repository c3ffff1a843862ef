import type { Page } from '@playwright/test';
import type { Outcome } from '../contract/outcome';
import { demoHall, dumpDatabase, expect, openAdmin, openEvaluator, readOutbox, test } from './fixtures';
import { ADMIN_TOKEN, launchSyncedEvaluator, rate, type SyncedEvaluator } from './syncFixtures';

/** Changes the stored outbox the way someone with devtools or the disk would: straight in IndexedDB. */
function tamperOutbox(page: Page, change: { deleteSeqs?: number[]; setLevel?: { seq: number; level: number } }): Promise<void> {
  return page.evaluate(
    ({ deleteSeqs, setLevel }) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('haochaping-evaluator');
        open.onsuccess = () => {
          const tx = open.result.transaction('outbox', 'readwrite');
          const store = tx.objectStore('outbox');
          for (const seq of deleteSeqs ?? []) store.delete(seq);
          if (setLevel) {
            const get = store.get(setLevel.seq);
            get.onsuccess = () => store.put({ ...get.result, level: setLevel.level });
          }
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    change,
  );
}

async function intakeGet<T>(evaluator: SyncedEvaluator, path: string): Promise<T> {
  const response = await fetch(`${evaluator.intake.origin}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status).toBe(200);
  return (await response.json()) as T;
}

interface IntegrityReport {
  flagged: { reason: string } | null;
  stored: number;
  maxSeq: number;
  gaps: Array<{ fromSeq: number; toSeq: number }>;
  events: Array<{ kind: string; seq: number | null }>;
}

async function rateBad(page: Page, send: (projectNo: string) => Promise<string>, projectNo: string, phone?: string): Promise<void> {
  const id = await send(projectNo);
  await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
  await page.getByRole('button', { name: /^非常不满意/ }).click();
  await expect(page.locator('[data-screen="details"]')).toBeVisible();
  await page.locator('[data-tag="115"]').click();
  if (phone) {
    await page.getByLabel('我希望工作人员回访我').check();
    await page.getByLabel('联系电话').fill(phone);
  }
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
}

/**
 * rate() for a page on Playwright's clock: the demo hall's 4 s thanks screen passes on that clock
 * (the flags below are about when presses come, not about how long the thanks screen stays).
 */
async function rateOnClock(page: Page, send: (projectNo: string) => Promise<string>, projectNo: string, key: string): Promise<void> {
  const id = await send(projectNo);
  await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
  await page.keyboard.press(key);
  await passThanks(page);
}

async function passThanks(page: Page): Promise<void> {
  await expect(page.locator('[data-screen="thanks"]')).toBeVisible();
  await page.clock.fastForward(4_000);
  await expect(page.locator('[data-screen="idle"]')).toBeVisible();
}

test('删差评 and 刷好评 on the device are caught: a deleted 差评 is a gap at its seqs, an edited rating is refused as tampered', async ({ page }) => {
  const evaluator = await launchSyncedEvaluator();
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    await rate(page, evaluator.sendCaseEvent, 'P-INT-1', '5');
    await expect.poll(() => evaluator.intakeIds().then((ids) => ids.length), { timeout: 15_000 }).toBe(1);
    evaluator.proxy.setDown(true); // offline while the staff member "fixes" the outbox
    await rateBad(page, evaluator.sendCaseEvent, 'P-INT-2');
    await rate(page, evaluator.sendCaseEvent, 'P-INT-3', '4');
    await rate(page, evaluator.sendCaseEvent, 'P-INT-4', '3');
    // The 差评 is two records: its press (seq 2) and the details that amend it (seq 3).
    expect((await readOutbox(page)).sort((a, b) => a.seq - b.seq).map((o) => [o.seq, o.level, o.amends?.kind])).toEqual([
      [2, 1, undefined],
      [3, 1, 'details'],
      [4, 4, undefined],
      [5, 3, undefined],
    ]);

    // Delete the whole 差评 and turn the 3 into a 5.
    await tamperOutbox(page, { deleteSeqs: [2, 3], setLevel: { seq: 5, level: 5 } });
    evaluator.proxy.setDown(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));

    await expect.poll(() => readOutbox(page).then((o) => o.length), { timeout: 20_000 }).toBe(0);
    const report = await intakeGet<IntegrityReport>(evaluator, '/v1/admin/integrity?deviceId=demo-pad-a01');
    expect(report.stored).toBe(2);
    expect(report.gaps).toEqual([{ fromSeq: 2, toSeq: 3 }]);
    expect(report.events).toContainEqual(expect.objectContaining({ kind: 'tampered', seq: 5 }));
    expect(report.flagged?.reason).toContain('tampered');

    await openAdmin(page);
    const admin = page.locator('[data-screen="admin"]');
    await expect(admin.locator('[data-fact="deadLetters"]')).toHaveText('1');
    await expect(admin.locator('[data-dead-letter]')).toContainText('tampered');

    // The intake's admin page shows both what the chain audit saw on arrival and a re-check of what is stored.
    await page.goto(`${evaluator.intake.origin}/admin`);
    await page.getByLabel('Admin token').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Load' }).click();
    await page.getByLabel('Device id').fill('demo-pad-a01');
    await page.getByRole('button', { name: /^Check/ }).click();
    await expect(page.locator('#report')).toContainText('"verified"');
    const shown = JSON.parse((await page.locator('#report').textContent()) || '{}') as {
      arrival?: IntegrityReport;
      stored?: { checked: number; verified: number; failures: unknown[] };
    };
    expect(shown.arrival?.gaps).toEqual([{ fromSeq: 2, toSeq: 3 }]);
    expect(shown.stored).toMatchObject({ checked: 2, verified: 2, failures: [] });
  } finally {
    await evaluator.close();
  }
});

test('a callback phone crosses sealed: never in clear on the device, opened only in the intake follow-up list', async ({ page }) => {
  const evaluator = await launchSyncedEvaluator();
  try {
    await page.goto(evaluator.host.appUrl);
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    // The sealing key comes from the intake after enrolment; the callback option waits for it.
    const id = await evaluator.sendCaseEvent('P-CALLBACK-1');
    await expect(page.locator(`[data-invitation="${id}"]`)).toBeVisible();
    await page.getByRole('button', { name: /^非常不满意/ }).click();
    await expect(page.getByLabel('我希望工作人员回访我')).toBeVisible({ timeout: 15_000 });
    await page.locator('[data-tag="115"]').click();
    await page.getByLabel('我希望工作人员回访我').check();
    await page.getByLabel('联系电话').fill('139 1234 5678');
    evaluator.proxy.setDown(true);
    await page.getByRole('button', { name: '提交评价' }).click();
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();

    const dump = await dumpDatabase(page);
    expect(dump).toContain('sealedPhone');
    expect(dump).not.toMatch(/13912345678|139 1234 5678/);

    evaluator.proxy.setDown(false);
    await page.evaluate(() => window.dispatchEvent(new Event('online')));
    // The press and the details that amend it; one 差评, one follow-up.
    await expect.poll(() => evaluator.intakeIds().then((ids) => ids.length), { timeout: 20_000 }).toBe(2);
    const { followups } = await intakeGet<{ followups: Array<{ class: string; phone: string | null; dueAt: string }> }>(evaluator, '/v1/admin/followups');
    expect(followups).toHaveLength(1);
    expect(followups[0]).toMatchObject({ class: 'immediate', phone: '13912345678' });
  } finally {
    await evaluator.close();
  }
});

test.describe('anomaly flags, at 17:20 in a hall whose shift ends at 17:30', () => {
  // A press is fast below 5 s here (700 ms in the demo hall): the page clock runs in real time
  // between the screen showing and the key, and on a busy machine that took more than 700 ms.
  test.use({ timezoneId: 'Asia/Shanghai', hostPolicies: { anomalies: { ...demoHall().policies.anomalies, fastPressMs: 5_000 } } });

  test('fast press, unpaired, burst at shift end, same case again and a press burst are each flagged, and every outcome is kept', async ({ page, evaluator }) => {
    await page.clock.install({ time: new Date('2026-11-23T17:20:00+08:00') });
    await page.clock.resume();
    await openEvaluator(page, evaluator.host);
    const flagsOf = async (projectNo: string) => {
      const outcome = (await readOutbox(page)).find((o: Outcome) => o.case.projectNo === projectNo);
      return outcome?.flags;
    };

    // Nobody is paired with this device, and the key goes down the instant the screen shows.
    await rateOnClock(page, evaluator.sendCaseEvent, 'P-FLAG-1', '5');
    expect(await flagsOf('P-FLAG-1')).toEqual(expect.arrayContaining(['unpaired', 'fast-press']));
    expect(await flagsOf('P-FLAG-1')).not.toContain('burst-at-shift-end');

    // A calm rating: the citizen reads the screen first.
    const calm = await evaluator.sendCaseEvent('P-FLAG-2');
    await expect(page.locator(`[data-invitation="${calm}"]`)).toBeVisible();
    await page.clock.fastForward(5_200);
    await page.keyboard.press('4');
    await passThanks(page);
    expect(await flagsOf('P-FLAG-2')).not.toContain('fast-press');

    // The third rating inside two minutes, ten minutes before the shift ends.
    await rateOnClock(page, evaluator.sendCaseEvent, 'P-FLAG-3', '5');
    expect(await flagsOf('P-FLAG-3')).toContain('burst-at-shift-end');

    // The same case and event again, under a new event id the host cannot dedupe.
    await rateOnClock(page, (no) => evaluator.sendCaseEvent(no, { eventId: 'second-event-for-P-FLAG-1' }), 'P-FLAG-1', '5');
    const outcomes = await readOutbox(page);
    const again = outcomes.filter((o) => o.case.projectNo === 'P-FLAG-1');
    expect(again).toHaveLength(2);
    expect(again[1]?.flags).toContain('same-case-again');

    // Ten presses on one invitation: one outcome, and a late press-burst flag for it.
    const mashed = await evaluator.sendCaseEvent('P-FLAG-5');
    await expect(page.locator(`[data-invitation="${mashed}"]`)).toBeVisible();
    for (let i = 0; i < 10; i++) await page.keyboard.press('5');
    await passThanks(page);
    const all = await readOutbox(page);
    expect(all).toHaveLength(5);
    const burst = all.find((o) => o.case.projectNo === 'P-FLAG-5');
    const lateFlags = JSON.parse(await dumpDatabase(page)).lateFlags as Array<{ outcomeId: string; flag: string; count: number }>;
    expect(lateFlags).toContainEqual({ outcomeId: burst?.id, flag: 'press-burst', count: 9 });
  });
});

test.describe('anomaly flags, right after a staff login at 10:00', () => {
  test.use({ timezoneId: 'Asia/Shanghai' });

  test('three ratings inside two minutes of the login are flagged burst-after-login, and not unpaired; a colleague credited is flagged staff-mismatch', async ({ page, evaluator }) => {
    await page.clock.install({ time: new Date('2026-11-23T10:00:00+08:00') });
    await page.clock.resume();
    await openEvaluator(page, evaluator.host);
    const login = await fetch(`${evaluator.host.origin}/api/staff-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${evaluator.host.caseEventToken}` },
      body: JSON.stringify({ event: 'login', staff: { loginName: 'zhangsan', name: '张三', staffNo: 'A0123' } }),
    });
    expect(login.status).toBe(200);
    await expect(page.locator('[data-staff="zhangsan"]')).toBeVisible();
    for (const no of ['P-LOGIN-1', 'P-LOGIN-2', 'P-LOGIN-3']) await rateOnClock(page, evaluator.sendCaseEvent, no, '5');
    const outcomes = await readOutbox(page);
    expect(outcomes.map((o) => o.flags.includes('burst-after-login'))).toEqual([false, false, true]);
    for (const outcome of outcomes) expect(outcome.flags).not.toContain('unpaired');
    for (const outcome of outcomes) expect(outcome.flags).not.toContain('staff-mismatch');

    // The business system credits a colleague's case to this window while 张三 is signed in.
    await rateOnClock(page, (no) => evaluator.sendCaseEvent(no, { staff: { loginName: 'lisi', name: '李四' } }), 'P-LOGIN-4', '5');
    const credited = (await readOutbox(page)).find((o: Outcome) => o.case.projectNo === 'P-LOGIN-4');
    expect(credited?.staff.loginName).toBe('lisi');
    expect(credited?.flags).toContain('staff-mismatch');
  });
});

test.describe('in a hall that allows free rating', () => {
  test.use({ hostPolicies: { allowFreeRating: true, thanksSec: 1 } });

  test('a citizen can rate the signed-in staff member without a case; the outcome is flagged free-rating', async ({ page, evaluator }) => {
    await openEvaluator(page, evaluator.host);
    const freeButton = page.getByRole('button', { name: '评价本窗口服务' });
    await expect(freeButton).toHaveCount(0); // nobody signed in: nobody to rate
    const login = await fetch(`${evaluator.host.origin}/api/staff-session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${evaluator.host.caseEventToken}` },
      body: JSON.stringify({ event: 'login', staff: { loginName: 'lisi', name: '李四', staffNo: 'A0456' } }),
    });
    expect(login.status).toBe(200);
    await freeButton.click();
    await expect(page.locator('[data-screen="rating"]')).toContainText('李四');
    await page.getByRole('button', { name: /^满意/ }).click();
    await expect(page.locator('[data-screen="idle"]')).toBeVisible();
    const [outcome] = await readOutbox(page);
    expect(outcome).toMatchObject({ level: 4, staff: { loginName: 'lisi' }, case: { taskCode: 'WINDOW-SERVICE' } });
    expect(outcome?.flags).toContain('free-rating');
    // A case rating afterwards is not free.
    await rate(page, evaluator.sendCaseEvent, 'P-AFTER-FREE', '5');
    expect((await readOutbox(page)).find((o) => o.case.projectNo === 'P-AFTER-FREE')?.flags).not.toContain('free-rating');
  });
});
