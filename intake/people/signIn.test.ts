import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PersonSchema } from '../../contract/people';
import { hashPin } from '../../shared-node/adminPin';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqliteStore';
import { createSignIn } from './signIn';

const people = [PersonSchema.parse({ login: 'h1', name: '王经办', role: 'handler', department: '民政局', passwordHash: hashPin('right-password') })];

describe('sign-in', () => {
  let dir: string;
  let store: SqliteStore;
  let clock: number;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'signin-'));
    store = openSqliteStore(path.join(dir, 'db.sqlite'));
    clock = 1_800_000_000_000;
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('signs in with the right password and never hands out the hash', async () => {
    const signIn = createSignIn(people, store.throttles, () => clock);
    const result = await signIn.attempt('h1', 'right-password', '10.0.0.1');
    expect(result).toEqual({ ok: true, person: { login: 'h1', name: '王经办', role: 'handler', department: '民政局', staffIds: [] } });
    expect(signIn.current('h1')).not.toHaveProperty('passwordHash');
    expect(signIn.current('nobody')).toBeUndefined();
  });

  it('locks a login at one address at the third failure, answers an unknown login the same way, and a wait lets it in again', async () => {
    const signIn = createSignIn(people, store.throttles, () => clock);
    for (let i = 0; i < 2; i++) expect(await signIn.attempt('h1', 'wrong', '10.0.0.1')).toEqual({ ok: false, locked: false, retryAfterMs: 0 });
    // The third failure locks for 30 s (contract/pinLockout.ts).
    expect(await signIn.attempt('h1', 'wrong', '10.0.0.1')).toEqual({ ok: false, locked: false, retryAfterMs: 30_000 });
    // Locked: even the right password is not checked now.
    expect(await signIn.attempt('h1', 'right-password', '10.0.0.1')).toEqual({ ok: false, locked: true, retryAfterMs: 30_000 });
    // Another address is not locked out by this one.
    expect((await signIn.attempt('h1', 'right-password', '10.0.0.2')).ok).toBe(true);
    clock += 30_001;
    expect((await signIn.attempt('h1', 'right-password', '10.0.0.1')).ok).toBe(true);
    // A success forgets the failures: two free ones again.
    for (let i = 0; i < 2; i++) expect(await signIn.attempt('h1', 'wrong', '10.0.0.1')).toEqual({ ok: false, locked: false, retryAfterMs: 0 });
    for (let i = 0; i < 3; i++) await signIn.attempt('ghost', 'x', '10.0.0.1');
    expect(await signIn.attempt('ghost', 'x', '10.0.0.1')).toEqual({ ok: false, locked: true, retryAfterMs: 30_000 });
  });

  it('keeps its lockouts in the database, apart from the pairing logins', async () => {
    const first = createSignIn(people, store.throttles, () => clock);
    for (let i = 0; i < 4; i++) await first.attempt('h1', 'wrong', '10.0.0.1');
    const restarted = createSignIn(people, store.throttles, () => clock);
    expect(await restarted.attempt('h1', 'right-password', '10.0.0.1')).toMatchObject({ ok: false, locked: true });
  });
});
