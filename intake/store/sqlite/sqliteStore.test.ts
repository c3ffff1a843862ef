import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { describeStoreSuite } from '../storeSuite';
import { openSqliteStore, type SqliteStore } from './sqliteStore';

let stores: SqliteStore[] = [];
afterEach(async () => {
  await Promise.all(stores.map((store) => store.close()));
  stores = [];
});

function newStore(): SqliteStore {
  const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'store-')), 'i.sqlite'));
  stores.push(store);
  return store;
}

describeStoreSuite('SQLite', async () => openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'store-')), 'i.sqlite')));

/** A token's binding: device and hall. */
const DEV_0 = { deviceId: 'dev-0', hallCode: 'h1', purpose: 'enrol' as const };

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('the SQLite store seam: callers take turns on the one connection', () => {
  it('rolls back everything a transaction wrote when its work rejects', async () => {
    const store = newStore();
    await expect(
      store.transaction(async (tx) => {
        await tx.devices.addToken('a', DEV_0, 1);
        await tick();
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await store.devices.findToken('a')).toBeUndefined();
    expect(store.db.inTransaction).toBe(false);
  });

  it('keeps a call made meanwhile out of an open transaction: it waits, and survives the rollback', async () => {
    const store = newStore();
    const order: string[] = [];
    let outside: Promise<void> | undefined;
    const failing = store.transaction(async (tx) => {
      await tx.devices.addToken('inside', DEV_0, 1);
      outside = store.devices.addToken('outside', DEV_0, 1).then(() => void order.push('outside written'));
      await tick();
      order.push('transaction ends');
      throw new Error('refused');
    });
    await expect(failing).rejects.toThrow('refused');
    await outside;
    expect(order).toEqual(['transaction ends', 'outside written']);
    expect(await store.devices.findToken('inside')).toBeUndefined();
    expect(await store.devices.findToken('outside')).toBeDefined();
  });

  it('runs transactions one after another, each seeing what the one before committed', async () => {
    const store = newStore();
    await store.devices.addToken('once', DEV_0, Number.MAX_SAFE_INTEGER);
    const claim = (who: string) =>
      store.transaction(async (tx) => {
        const token = await tx.devices.findToken('once');
        await tick();
        if (token?.usedAt !== null) return `${who} found it used`;
        await tx.devices.useToken('once', 1, who);
        return `${who} used it`;
      });
    expect(await Promise.all([claim('a'), claim('b'), claim('c')])).toEqual(['a used it', 'b found it used', 'c found it used']);
  });
});
