import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { outcomeColumns } from '../../../integrity/storedOutcome';
import { item } from '../../../testing/intakeHarness';
import { chain, newDeviceKey } from '../../../testing/signedOutcomes';
import { sqliteDevices } from '../devices';
import { sqliteOutcomes } from '../outcomes';
import { migrate } from './index';

// Before key ids every outcome was checked against the key current when it arrived.
describe('migration 16: each key remembers the first seq it signed', () => {
  it('backfills first_seq from the outcomes that arrived while each key was current; a key that signed nothing keeps null', async () => {
    const db = new Database(path.join(mkdtempSync(path.join(tmpdir(), 'migration-16-')), 'i.sqlite'));
    migrate(db, 15);
    const key = newDeviceKey();
    const outcomes = sqliteOutcomes(db);
    const stored = chain([item(5), item(4), item(3), item(2), item(1)], key.privateKey);
    // Keys: A 100..200, B 200..300 (signed nothing), C from 300; dev-2's only key signed nothing.
    const keys = db.prepare('INSERT INTO device_keys (device_id, public_key, enrolled_at, retired_at) VALUES (?, ?, ?, ?)');
    keys.run('dev-1', 'A', 100, 200);
    keys.run('dev-1', 'B', 200, 300);
    keys.run('dev-1', 'C', 300, null);
    keys.run('dev-2', 'D', 100, null);
    // Arrival times: seq 1, 2 under A (seq 2 the millisecond before B), seq 4 then 3 (late) under C.
    for (const [o, at] of [[stored[0]!, 150], [stored[1]!, 199], [stored[3]!, 300], [stored[2]!, 400]] as const) {
      const body = JSON.stringify(o);
      await outcomes.insert({ id: o.id, deviceId: 'dev-1', bodyHash: createHash('sha256').update(body).digest('hex'), body, receivedAt: at, trusted: true, merge: 'rating', columns: outcomeColumns(o) });
    }
    migrate(db, 16);
    // Later steps leave first_seq alone; the store's statements want the whole schema.
    migrate(db);
    const devices = sqliteDevices(db);
    expect((await devices.keyHistory('dev-1')).map((k) => [k.publicKey, k.firstSeq])).toEqual([
      ['A', 1],
      ['B', null],
      ['C', 3],
    ]);
    expect((await devices.keyHistory('dev-2')).map((k) => k.firstSeq)).toEqual([null]);

    // From now on ingest keeps the lowest.
    await devices.noteSigned('dev-1', 'B', 9);
    await devices.noteSigned('dev-1', 'C', 7);
    await devices.noteSigned('dev-1', 'C', 2);
    await devices.noteSigned('dev-2', 'C', 1);
    expect((await devices.keyHistory('dev-1')).map((k) => k.firstSeq)).toEqual([1, 9, 2]);
    expect((await devices.keyHistory('dev-2')).map((k) => k.firstSeq)).toEqual([null]);
  });
});
