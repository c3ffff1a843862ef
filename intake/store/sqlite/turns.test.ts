import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStore, type SqliteStore } from './sqliteStore';
import { MAX_GROUP } from './turns';

let stores: SqliteStore[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(stores.map((store) => store.close()));
  stores = [];
});

function newStore(): SqliteStore {
  const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'turns-')), 'i.sqlite'));
  stores.push(store);
  return store;
}

const binding = (deviceId: string) => ({ deviceId, hallCode: 'h1', purpose: 'enrol' as const });
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

/** Records every statement the connection executes through exec (BEGIN, SAVEPOINT, COMMIT …). */
function execLog(store: SqliteStore): string[] {
  const log: string[] = [];
  const exec = store.db.exec.bind(store.db);
  vi.spyOn(store.db, 'exec').mockImplementation((sql: string) => {
    log.push(sql);
    return exec(sql);
  });
  return log;
}

/** A transaction that writes token `name` (after a pause, so others queue behind it). */
const writeToken = (store: SqliteStore, name: string) =>
  store.transaction(async (tx) => {
    await tx.devices.addToken(name, binding(name), 1);
    await tick();
    return name;
  });

describe('group commit on the SQLite connection', () => {
  it('commits transactions that waited together in one COMMIT, each in a savepoint of its own', async () => {
    const store = newStore();
    const log = execLog(store);
    const names = ['t1', 't2', 't3', 't4', 't5'];
    expect(await Promise.all(names.map((name) => writeToken(store, name)))).toEqual(names);
    // All five queued in the same turn of the event loop: one transaction.
    expect(log.filter((sql) => sql === 'COMMIT')).toHaveLength(1);
    expect(log.filter((sql) => sql === 'BEGIN IMMEDIATE')).toHaveLength(1);
    expect(log.filter((sql) => sql.startsWith('SAVEPOINT'))).toHaveLength(5);
    for (const name of names) expect(await store.devices.findToken(name)).toBeDefined();
  });

  it('groups at most MAX_GROUP transactions', async () => {
    const store = newStore();
    const log = execLog(store);
    const names = Array.from({ length: MAX_GROUP + 1 }, (_, i) => `t${i}`);
    await Promise.all(names.map((name) => writeToken(store, name)));
    expect(log.filter((sql) => sql === 'COMMIT')).toHaveLength(2);
    expect(log.filter((sql) => sql.startsWith('SAVEPOINT')).length).toBe(MAX_GROUP + 1);
  });

  it('starts a transaction queued while a group runs in the next group', async () => {
    const store = newStore();
    const log = execLog(store);
    let late: Promise<string> | undefined;
    const first = store.transaction(async (tx) => {
      await tx.devices.addToken('first', binding('first'), 1);
      late = writeToken(store, 'late');
      await tick();
    });
    await first;
    expect(await late).toBe('late');
    expect(log.filter((sql) => sql === 'COMMIT')).toHaveLength(2);
  });

  it('rolls back only the work that rejected; the others of its group commit', async () => {
    const store = newStore();
    const failing = () =>
      store.transaction(async (tx) => {
        await tx.devices.addToken('bad', binding('bad'), 1);
        throw new Error('refused');
      });
    const [first, second, third] = await Promise.allSettled([writeToken(store, 'a'), failing(), writeToken(store, 'b')]);
    expect(first).toEqual({ status: 'fulfilled', value: 'a' });
    expect(second).toMatchObject({ status: 'rejected', reason: new Error('refused') });
    expect(third).toEqual({ status: 'fulfilled', value: 'b' });
    expect(await store.devices.findToken('bad')).toBeUndefined();
    expect(await store.devices.findToken('a')).toBeDefined();
    expect(await store.devices.findToken('b')).toBeDefined();
    expect(store.db.inTransaction).toBe(false);
  });

  it('lets a later work of the group see what an earlier one wrote, as one after another would', async () => {
    const store = newStore();
    await store.devices.addToken('once', binding('once'), Number.MAX_SAFE_INTEGER);
    const claim = (who: string) =>
      store.transaction(async (tx) => {
        const token = await tx.devices.findToken('once');
        if (token?.usedAt !== null) return `${who} found it used`;
        await tx.devices.useToken('once', 1, who);
        return `${who} used it`;
      });
    expect(await Promise.all([claim('a'), claim('b')])).toEqual(['a used it', 'b found it used']);
  });

  it('resolves no work before the COMMIT that makes it durable has returned', async () => {
    const store = newStore();
    const events: string[] = [];
    const exec = store.db.exec.bind(store.db);
    vi.spyOn(store.db, 'exec').mockImplementation((sql: string) => {
      const result = exec(sql);
      if (sql === 'COMMIT') events.push('committed');
      return result;
    });
    await Promise.all(['a', 'b', 'c'].map((name) => writeToken(store, name).then(() => void events.push(`${name} answered`))));
    expect(events).toEqual(['committed', 'a answered', 'b answered', 'c answered']);
  });

  it('rejects every work of the group, and keeps none of it, when the COMMIT fails', async () => {
    const store = newStore();
    const exec = store.db.exec.bind(store.db);
    let commits = 0;
    vi.spyOn(store.db, 'exec').mockImplementation((sql: string) => {
      if (sql === 'COMMIT' && ++commits === 1) throw new Error('disk I/O error');
      return exec(sql);
    });
    const results = await Promise.allSettled(['a', 'b', 'c'].map((name) => writeToken(store, name)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(await store.devices.findToken('a')).toBeUndefined();
    expect(await store.devices.findToken('b')).toBeUndefined();
    expect(await store.devices.findToken('c')).toBeUndefined();
    expect(store.db.inTransaction).toBe(false);
    // The connection goes on working.
    expect(await writeToken(store, 'd')).toBe('d');
  });

  it('when SQLite rolls the whole transaction back, rejects the works it lost and runs the rest again in a group of their own', async () => {
    const store = newStore();
    const aborting = () =>
      store.transaction(async (tx) => {
        await tx.devices.addToken('aborting', binding('aborting'), 1);
        // What SQLite does on a full disk or an I/O error inside a statement: the transaction is gone.
        store.db.exec('ROLLBACK');
        throw new Error('database or disk is full');
      });
    const results = await Promise.allSettled([writeToken(store, 'held'), writeToken(store, 'before'), aborting(), writeToken(store, 'after')]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected', 'fulfilled']);
    expect(await store.devices.findToken('held')).toBeUndefined();
    expect(await store.devices.findToken('before')).toBeUndefined();
    expect(await store.devices.findToken('aborting')).toBeUndefined();
    expect(await store.devices.findToken('after')).toBeDefined();
  });

  it('keeps a call made during a group out of it: the call waits and sees the committed group', async () => {
    const store = newStore();
    let seen: unknown = 'not yet';
    const group = Promise.all([
      writeToken(store, 'a'),
      store.transaction(async (tx) => {
        await tx.devices.addToken('b', binding('b'), 1);
        seen = store.devices.findToken('b').then((row) => (row ? 'after' : 'missing'));
        await tick();
      }),
    ]);
    await group;
    expect(await seen).toBe('after');
  });

  it('runs a call made after a transaction was asked for after that transaction: it sees what it wrote', async () => {
    const store = newStore();
    const written = writeToken(store, 'first');
    const seen = store.devices.findToken('first');
    expect(await seen).toBeDefined();
    await written;
  });

  it('rejects a call that fails while waiting its turn, and goes on with the next', async () => {
    const store = newStore();
    const held = writeToken(store, 'held');
    // Queued behind the transaction; SQLite refuses its statement (no key pair to bind).
    const failing = store.sealingKeys.putIfAbsent(undefined as never, 1);
    const after = store.devices.findToken('held');
    await expect(failing).rejects.toThrow();
    expect(await after).toBeDefined();
    await held;
  });

  it('rejects the group, and keeps the connection usable, when the COMMIT fails after SQLite rolled back itself', async () => {
    const store = newStore();
    const exec = store.db.exec.bind(store.db);
    let failed = false;
    vi.spyOn(store.db, 'exec').mockImplementation((sql: string) => {
      if (sql === 'COMMIT' && !failed) {
        failed = true;
        // What a full disk at commit does: the transaction is gone, then the error.
        exec('ROLLBACK');
        throw new Error('database or disk is full');
      }
      return exec(sql);
    });
    const results = await Promise.allSettled(['a', 'b'].map((name) => writeToken(store, name)));
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(await writeToken(store, 'c')).toBe('c');
    expect(await store.devices.findToken('a')).toBeUndefined();
  });

  it('closes the connection only after every transaction asked for before', async () => {
    const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'turns-')), 'i.sqlite'));
    const written = writeToken(store, 'last');
    await store.close();
    expect(await written).toBe('last');
    expect(store.db.open).toBe(false);
  });
});
