import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { keyIdOf } from '../../contract/keyId';
import type { Outcome } from '../../contract/outcome';
import { GENESIS_HASH } from '../../contract/outcomeChain';
import { startIntake, type RunningIntake } from '../server';
import { adminGet, HARNESS_ADMIN as ADMIN, HARNESS_TOKEN as TOKEN, item, upload } from '../testing/intakeHarness';
import { newDeviceKey, sealOutcome } from '../testing/signedOutcomes';

let running: RunningIntake[] = [];
afterEach(async () => {
  await Promise.all(running.map((r) => r.close()));
  running = [];
});

const ROTATE = 'token-for-dev-1-rotation';
type Key = ReturnType<typeof newDeviceKey>;

/** An intake with dev-1 enrolled under `oldKey` and a rotation token waiting. */
async function rotatingIntake() {
  const intake = await startIntake({
    dbFile: path.join(mkdtempSync(path.join(tmpdir(), 'key-rotation-')), 'i.sqlite'),
    port: 0,
    corsOrigins: [],
    adminToken: ADMIN,
    enrolmentTokens: [
      { token: TOKEN, deviceId: 'dev-1', hallCode: 'h1', expiresAtMs: Date.now() + 60_000 },
      { token: ROTATE, deviceId: 'dev-1', hallCode: 'h1', purpose: 'rotate', expiresAtMs: Date.now() + 60_000 },
    ],
    log: () => undefined,
  });
  running.push(intake);
  const enrol = async (token: string, key: Key) => {
    const answer = await intake.app.inject({ method: 'POST', url: '/v1/devices', payload: { enrolmentToken: token, deviceId: 'dev-1', publicKey: key.x } });
    expect(answer.statusCode).toBe(201);
  };
  const oldKey = newDeviceKey();
  await enrol(TOKEN, oldKey);
  return { intake, oldKey, rotate: (key: Key) => enrol(ROTATE, key) };
}

/** A device chain signed link by link by the keys given, each naming its key id when `withId` (else none, as before key ids). */
async function chainOf(signers: Array<{ key: Key; withId: boolean }>, previous?: Outcome): Promise<Outcome[]> {
  const out: Outcome[] = [];
  let prev = previous;
  for (const [i, { key, withId }] of signers.entries()) {
    const sealed = sealOutcome(
      { ...item(i % 2 === 0 ? 5 : 1), seq: (previous?.seq ?? 0) + i + 1, prevHash: prev?.hash ?? GENESIS_HASH, ...(withId ? { keyId: await keyIdOf(key.x) } : {}) },
      key.privateKey,
    );
    out.push(sealed);
    prev = sealed;
  }
  return out;
}

const report = (intake: RunningIntake) => adminGet(intake, '/v1/admin/integrity?deviceId=dev-1');
const statuses = (answer: { results: Array<{ status: string; code?: string }> }) => answer.results.map((r) => r.code ?? r.status);

describe('outcomes name the key that signed them', () => {
  it('ratings signed with the old key while the new one was enrolled are accepted after the rotation: no event, no flag', async () => {
    const { intake, oldKey, rotate } = await rotatingIntake();
    const [a, b, c] = await chainOf([{ key: oldKey, withId: true }, { key: oldKey, withId: true }, { key: oldKey, withId: true }]);
    await upload(intake, oldKey, [a]);
    const newKey = newDeviceKey();
    await rotate(newKey);
    // b and c were signed during enrolment; the batch request itself is signed by the new key.
    const [d] = await chainOf([{ key: newKey, withId: true }], c);
    expect(statuses(await upload(intake, newKey, [b, c, d]))).toEqual(['accepted', 'accepted', 'accepted']);
    const r = await report(intake);
    expect(r.events.map((e: { kind: string }) => e.kind)).toEqual(['key_rotated']);
    expect(r.flagged).toBeNull();
    // And the stored re-check agrees.
    expect(await adminGet(intake, '/v1/admin/integrity/recheck?deviceId=dev-1')).toMatchObject({ checked: 4, verified: 4, failures: [], unverifiable: [] });
  });

  it('old-key outcomes below the rotation point still count when they arrive after the new key’s first', async () => {
    const { intake, oldKey, rotate } = await rotatingIntake();
    const [a, b, c] = await chainOf([{ key: oldKey, withId: true }, { key: oldKey, withId: true }, { key: oldKey, withId: true }]);
    await upload(intake, oldKey, [a]);
    const newKey = newDeviceKey();
    await rotate(newKey);
    const [d] = await chainOf([{ key: newKey, withId: true }], c);
    expect(statuses(await upload(intake, newKey, [d]))).toEqual(['accepted']);
    expect(statuses(await upload(intake, newKey, [c, b]))).toEqual(['accepted', 'accepted']);
    const kinds = (await report(intake)).events.map((e: { kind: string }) => e.kind);
    expect(kinds).not.toContain('bad_outcome_signature');
    expect((await report(intake)).flagged).toBeNull();
  });

  it('an old-key outcome after the rotation point is refused and recorded, in a later batch or in the same one', async () => {
    const { intake, oldKey, rotate } = await rotatingIntake();
    const [a] = await chainOf([{ key: oldKey, withId: true }]);
    await upload(intake, oldKey, [a]);
    const newKey = newDeviceKey();
    await rotate(newKey);
    const [b, c] = await chainOf([{ key: newKey, withId: true }, { key: newKey, withId: true }], a);
    // Same batch: the new key signs seq 2, then an old-key outcome claims seq 3.
    const [late] = await chainOf([{ key: oldKey, withId: true }], b);
    expect(statuses(await upload(intake, newKey, [b, late]))).toEqual(['accepted', 'bad_outcome_signature']);
    // A later batch: the old key at seq 4, past the point (seq 2).
    const [later] = await chainOf([{ key: oldKey, withId: true }], c);
    expect(statuses(await upload(intake, newKey, [c, later]))).toEqual(['accepted', 'bad_outcome_signature']);
    const r = await report(intake);
    expect(r.events.filter((e: { kind: string }) => e.kind === 'bad_outcome_signature').map((e: { seq: number }) => e.seq)).toEqual([3, 4]);
    expect(r.flagged.reason).toContain('bad_outcome_signature');
    expect((await adminGet(intake, '/v1/admin/integrity/recheck?deviceId=dev-1')).keys.map((k: { firstSeq: number | null }) => k.firstSeq)).toEqual([1, 2]);
  });

  it('an unknown key id is refused, even when the signature is the current key’s', async () => {
    const { intake, oldKey } = await rotatingIntake();
    const stranger = newDeviceKey();
    const [named] = await chainOf([{ key: stranger, withId: true }]);
    // Signed by the enrolled key, but naming a key the device never enrolled.
    const misnamed = sealOutcome({ ...named!, keyId: await keyIdOf(stranger.x) }, oldKey.privateKey);
    expect(statuses(await upload(intake, oldKey, [named, misnamed].map((o, i) => ({ ...o!, seq: 1 + i }))))).toEqual(['bad_outcome_signature', 'bad_outcome_signature']);
    expect((await report(intake)).events.map((e: { kind: string }) => e.kind)).toEqual(['bad_outcome_signature', 'bad_outcome_signature']);
  });

  it('a key id of the device does not lend its name to another key’s signature', async () => {
    const { intake, oldKey, rotate } = await rotatingIntake();
    const newKey = newDeviceKey();
    await rotate(newKey);
    // Names the old key, signed by the new one: the named key decides.
    const [x] = await chainOf([{ key: newKey, withId: false }]);
    const crossed = sealOutcome({ ...x!, keyId: await keyIdOf(oldKey.x) }, newKey.privateKey);
    expect(statuses(await upload(intake, newKey, [crossed]))).toEqual(['bad_outcome_signature']);
  });

  it('an outcome without a key id is still checked against the current key, as before', async () => {
    const { intake, oldKey, rotate } = await rotatingIntake();
    const [a, b] = await chainOf([{ key: oldKey, withId: false }, { key: oldKey, withId: false }]);
    expect(statuses(await upload(intake, oldKey, [a]))).toEqual(['accepted']);
    const newKey = newDeviceKey();
    await rotate(newKey);
    const [c] = await chainOf([{ key: newKey, withId: false }], b);
    // Old key, no key id, after the rotation: refused as before key ids; the new key's is accepted.
    expect(statuses(await upload(intake, newKey, [b, c]))).toEqual(['bad_outcome_signature', 'accepted']);
    // The new key signed seq 3: its rotation point is known without key ids too.
    const keys = (await adminGet(intake, '/v1/admin/integrity/recheck?deviceId=dev-1')).keys;
    expect(keys.map((k: { firstSeq: number | null }) => k.firstSeq)).toEqual([1, 3]);
  });

  it('the stored re-check holds a keyed outcome to its key and to the rotation point', async () => {
    const { intake, oldKey, rotate } = await rotatingIntake();
    const [a, b] = await chainOf([{ key: oldKey, withId: true }, { key: oldKey, withId: true }]);
    await upload(intake, oldKey, [a]);
    const newKey = newDeviceKey();
    await rotate(newKey);
    const [c, d] = await chainOf([{ key: newKey, withId: true }, { key: newKey, withId: true }], b);
    expect(statuses(await upload(intake, newKey, [b, c, d]))).toEqual(['accepted', 'accepted', 'accepted']);
    // Someone with the database swaps seq 4 for a copy re-signed with the old key, named as such.
    const resigned = sealOutcome({ ...d!, level: 5, tags: [], keyId: await keyIdOf(oldKey.x) }, oldKey.privateKey);
    const body = JSON.stringify(resigned);
    intake.db
      .prepare('UPDATE outcomes SET body = ?, body_hash = ?, level = 5, chain_hash = ? WHERE id = ?')
      .run(body, createHash('sha256').update(body).digest('hex'), resigned.hash, d!.id);
    const found = await adminGet(intake, '/v1/admin/integrity/recheck?deviceId=dev-1');
    expect(found.failures.map((f: { seq: number; code: string }) => [f.seq, f.code])).toEqual([[4, 'bad_outcome_signature']]);
    expect(found.failures[0].reason).toMatch(/counts only below seq 3/);
    expect(found.verified).toBe(3);
  });
});
