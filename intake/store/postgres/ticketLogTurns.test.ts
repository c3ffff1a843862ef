import { describe, expect, it } from 'vitest';
import { postgresStoreForFile } from '../../../scripts/pgTestDatabase';

const postgres = postgresStoreForFile();

describe('the ticket action log on PostgreSQL', () => {
  it('takes appends from concurrent transactions one after another: every entry follows the head it read', async () => {
    // What ticketLog.ts does in each ticket action: read the head, pause (other work of the
    // transaction), append after it. Eight at once, as eight batches with a 差评 each would.
    const append = (n: number) =>
      postgres.store.transaction(async (tx) => {
        const head = await tx.tickets.lastAction();
        await new Promise((resolve) => setTimeout(resolve, 20));
        await tx.tickets.appendAction({ seq: (head?.seq ?? 0) + 1, ticketId: null, at: n, actor: `a${n}`, what: '{}', before: null, after: null, prevHash: head?.hash ?? 'genesis', hash: `h${n}` });
      });
    const results = await Promise.allSettled(Array.from({ length: 8 }, (_, n) => append(n)));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    const log = await postgres.store.tickets.actionsAfter(0, 100);
    expect(log.map((entry) => entry.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // A chain: each entry names the hash of the one before it.
    for (const [i, entry] of log.entries()) expect(entry.prevHash).toBe(i === 0 ? 'genesis' : log[i - 1]!.hash);
  });

  it('gives a transaction that waited for its turn the head the previous holder committed, at its first run', async () => {
    const entry = (seq: number, head: { seq: number; hash: string } | undefined, n: number) => ({ seq, ticketId: null, at: n, actor: `a${n}`, what: '{}', before: null, after: null, prevHash: head?.hash ?? 'genesis', hash: `turn-${n}` });
    const before = await postgres.store.tickets.lastAction();
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const first = postgres.store.transaction(async (tx) => {
      const head = await tx.tickets.lastAction();
      await tx.tickets.appendAction(entry((head?.seq ?? 0) + 1, head, 1));
      holding();
      // The second transaction asks for the head meanwhile and waits for this commit.
      await new Promise((resolve) => setTimeout(resolve, 200));
    });
    await held;
    let runs = 0;
    const second = postgres.store.transaction(async (tx) => {
      runs++;
      const head = await tx.tickets.lastAction();
      await tx.tickets.appendAction(entry((head?.seq ?? 0) + 1, head, 2));
      return head;
    });
    await first;
    expect(await second).toEqual({ seq: (before?.seq ?? 0) + 1, hash: 'turn-1' });
    // A head read on a snapshot older than the lock would have clashed on seq and run again.
    expect(runs).toBe(1);
  });
});
