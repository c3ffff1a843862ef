import { describe, expect, it } from 'vitest';
import { taskLimiter } from './staffLogin';

describe('password checks at once', () => {
  it('run at most the limit at once, queue a bounded number, and refuse the rest', async () => {
    const run = taskLimiter(2, 3);
    let running = 0;
    let most = 0;
    const releases: Array<() => void> = [];
    const task = () =>
      new Promise<string>((resolve) => {
        running++;
        most = Math.max(most, running);
        releases.push(() => {
          running--;
          resolve('checked');
        });
      });
    const results = Array.from({ length: 7 }, () => run(task));
    // Two run, three wait, two are refused at once.
    expect(await Promise.all(results.slice(5))).toEqual([null, null]);
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      releases.shift()?.();
    }
    expect(await Promise.all(results.slice(0, 5))).toEqual(Array(5).fill('checked'));
    expect(most).toBe(2);
  });
});
