import { createPublicKey } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Outcome } from '../../contract/outcome';
import { createFollowups } from '../followups/followups';
import { createWorkingDays, DEFAULT_CALENDAR_FILE, loadCalendar } from '../followups/workingDays';
import { createBatchIngest } from '../ingest/batchIngest';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/sqliteStore';
import { chain, newDeviceKey } from './signedOutcomes';
import { item } from './intakeHarness';

/**
 * For forwarding tests: a fresh store whose hall h1 forwards to `destinations`, and dev-1 storing
 * chained outcomes through the real ingest (signature, chain, merge rules, the forwarding hook).
 */
export function forwardingFixture(destinations: string[], now: () => number = Date.now) {
  const store = openSqliteStore(path.join(mkdtempSync(path.join(tmpdir(), 'forward-')), 'i.sqlite'));
  const key = newDeviceKey();
  const ingest = createBatchIngest(store, { followups: createFollowups(store, createWorkingDays(loadCalendar(DEFAULT_CALENDAR_FILE.pathname)), now), now });
  let last: Outcome | undefined;
  /** Chains `items` after the last stored one and ingests them; returns the outcomes and the answers. */
  const storeItems = async (items: Array<ReturnType<typeof item>>) => {
    const outcomes = chain(items, key.privateKey, last);
    last = outcomes[outcomes.length - 1] ?? last;
    const { results } = await ingest({ deviceId: 'dev-1', hallCode: 'h1', key: createPublicKey(key.privateKey) }, outcomes);
    return { outcomes, results };
  };
  const ready = store.forwarding.setDestinations(destinations.map((name) => ({ name, hallCode: 'h1' })));
  return { store: store as SqliteStore, ready, ingest: storeItems, item };
}
