import { afterEach, describe, expect, it } from 'vitest';
import { createDashboardQueries } from '../dashboard/aggregateQueries';
import { createDashboardTally } from '../dashboard/dashboardTally';
import type { MergeState } from '../ingest/mergeRules';
import { phoneRatingRecord, ratingRecordAsStored } from '../ingest/ratingRecord';
import { dimensionKey, phoneRatingBody, phoneRatingRow, W2 } from '../testing/phoneFollowupsFixture';
import type { CountIncrement, IntakeStore, NewOutcomeRow, PhoneRatingRow } from './store';

/**
 * The behaviour every storage engine owes the intake, registered as one Vitest suite per engine:
 * `open` gives a fresh, empty, migrated store (sqliteStore.test.ts and postgres/pgStore.test.ts
 * run it). Values are checked with their types (numbers, booleans, nulls) as the row types say.
 */
export function describeStoreSuite(engine: string, open: () => Promise<IntakeStore>): void {
  let stores: IntakeStore[] = [];
  afterEach(async () => {
    await Promise.all(stores.map((store) => store.close()));
    stores = [];
  });
  const fresh = async () => {
    const store = await open();
    stores.push(store);
    return store;
  };

  describe(`the ${engine} store`, () => {
    describe('transactions', () => {
      it('commits what a transaction wrote when its work resolves, and returns its result', async () => {
        const store = await fresh();
        const answer = await store.transaction(async (tx) => {
          await tx.devices.addToken('a', TOKEN_BINDING, 1);
          await tick();
          await tx.devices.addToken('b', { deviceId: 'dev-1', hallCode: 'h1', purpose: 'rotate' }, 2);
          return 'done';
        });
        expect(answer).toBe('done');
        expect(await store.devices.findToken('a')).toEqual({ deviceId: 'dev-0', hallCode: 'h1', purpose: 'enrol', expiresAt: 1, usedAt: null, usedBy: null, revokedAt: null, revokedBy: null });
        expect((await store.devices.findToken('b'))?.purpose).toBe('rotate');
      });

      it('rolls back everything a transaction wrote when its work rejects', async () => {
        const store = await fresh();
        await expect(
          store.transaction(async (tx) => {
            await tx.devices.addToken('a', TOKEN_BINDING, 1);
            await tx.outcomes.insert(outcomeRow({ id: 'o-1', seq: 1 }));
            await tick();
            throw new Error('refused');
          }),
        ).rejects.toThrow('refused');
        expect(await store.devices.findToken('a')).toBeUndefined();
        expect(await store.outcomes.bodyHash('o-1')).toBeUndefined();
        // The store is still usable after the rollback.
        await store.devices.addToken('c', TOKEN_BINDING, 3);
        expect(await store.devices.findToken('c')).toBeDefined();
      });

      it('lets only one of two transactions use a single-use token', async () => {
        const store = await fresh();
        await store.devices.addToken('once', TOKEN_BINDING, Number.MAX_SAFE_INTEGER);
        const claim = (who: string) => store.transaction(async (tx) => ((await tx.devices.useToken('once', 1, who)) ? `${who} used it` : `${who} found it used`));
        const answers = await Promise.all([claim('a'), claim('b')]);
        expect(answers.filter((a) => a.endsWith('used it'))).toHaveLength(1);
      });
    });

    describe('outcomes', () => {
      it('stores an outcome with its columns and reads them back with their types', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'o-1', seq: 1, level: 5 }));
        expect(await store.outcomes.bodyHash('o-1')).toBe('hash-o-1');
        expect(await store.outcomes.body('o-1')).toBe(bodyOf('o-1', 1, 5));
        expect(await store.outcomes.bodyHash('nope')).toBeUndefined();
        const [row] = await store.outcomes.chainRowsAfter('dev-0', { seq: 0, position: 0 }, 10);
        expect(row).toMatchObject({ id: 'o-1', seq: 1, level: 5, outcome: 'rated', rated_at: '2026-11-20T10:00:00+08:00', hall_code: 'h1', bodyHash: 'hash-o-1', receivedAt: RECEIVED });
        expect(typeof row?.position).toBe('number');
        expect(row?.amends_id).toBeNull();
        expect(await store.outcomes.isOfDevice('o-1', 'dev-0')).toBe(true);
        expect(await store.outcomes.isOfDevice('o-1', 'dev-9')).toBe(false);
      });

      it('refuses a second outcome with a stored id, in a transaction that then rolls back whole', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'o-1', seq: 1 }));
        await expect(
          store.transaction(async (tx) => {
            await tx.outcomes.insert(outcomeRow({ id: 'o-2', seq: 2 }));
            await tx.outcomes.insert(outcomeRow({ id: 'o-1', seq: 3 }));
          }),
        ).rejects.toThrow();
        expect(await store.outcomes.count('dev-0')).toBe(1);
        expect(await store.outcomes.bodyHash('o-2')).toBeUndefined();
      });

      it('keeps chain order (seq, then storage order) for forked seqs, and answers a seq with the first stored', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'o-3', seq: 3 }));
        await store.outcomes.insert(outcomeRow({ id: 'o-1', seq: 1, chainHash: 'c1' }));
        await store.outcomes.insert(outcomeRow({ id: 'o-1b', seq: 1, chainHash: 'c1b' }));
        await store.outcomes.insert(outcomeRow({ id: 'o-7', seq: 7 }));
        expect(await store.outcomes.maxSeq('dev-0')).toBe(7);
        expect(await store.outcomes.maxSeq('dev-none')).toBe(0);
        expect(await store.outcomes.count('dev-0')).toBe(4);
        expect(await store.outcomes.atSeq('dev-0', 1)).toEqual({ id: 'o-1', chainHash: 'c1', prevHash: 'p' });
        expect(await store.outcomes.atSeq('dev-0', 2)).toBeUndefined();
        const listed = await store.outcomes.list('dev-0', { seq: 0, position: 0 }, 10);
        expect(listed.map((r) => r.id)).toEqual(['o-1', 'o-1b', 'o-3', 'o-7']);
        // Paging from the second row's position gives the rest, no repeat.
        const second = listed[1] as { seq: number; position: number };
        expect((await store.outcomes.list('dev-0', second, 10)).map((r) => r.id)).toEqual(['o-3', 'o-7']);
        expect((await store.outcomes.chainRowsAfter('dev-0', second, 1)).map((r) => r.id)).toEqual(['o-3']);
        expect(await store.outcomes.gaps('dev-0', 10)).toEqual([
          { fromSeq: 2, toSeq: 2 },
          { fromSeq: 4, toSeq: 6 },
        ]);
      });

      it('keeps merge states: the rating in force, amendments, untrusted records and their readmission', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'press', seq: 1, invitationId: 'inv-1' }));
        await store.outcomes.insert(outcomeRow({ id: 'details', seq: 2, invitationId: 'inv-1', amends: { id: 'press', kind: 'details' }, merge: 'amendment' }));
        await store.outcomes.insert(outcomeRow({ id: 'late', seq: 3, invitationId: 'inv-2', trusted: false, merge: 'untrusted' }));
        expect(await store.outcomes.ratingInForce('dev-0', 'inv-1')).toEqual({ id: 'press', deviceId: 'dev-0', invitationId: 'inv-1', outcome: 'rated', level: 2, merge: 'rating', amendsId: null });
        expect(await store.outcomes.hasAmendment('press', 'details')).toBe(true);
        expect(await store.outcomes.hasAmendment('press', 'withdrawal')).toBe(false);
        expect((await store.outcomes.list('dev-0', { seq: 0, position: 0 }, 10))[1]).toMatchObject({ id: 'details', amends: { outcomeId: 'press', kind: 'details' }, merge: 'amendment' });
        expect(await store.outcomes.countUntrusted('dev-0')).toBe(1);
        expect(await store.outcomes.untrusted('dev-0', 10)).toEqual([{ id: 'late', seq: 3, body: bodyOf('late', 3, 2) }]);
        await store.outcomes.readmit('late', 'rating');
        expect(await store.outcomes.countUntrusted('dev-0')).toBe(0);
        expect((await store.outcomes.mergeView('late'))?.merge).toBe('rating');
        await store.outcomes.setMerge('press', 'withdrawn');
        expect(await store.outcomes.ratingInForce('dev-0', 'inv-1')).toBeUndefined();
      });

      it('pages the export by (receivedAt, id), ratings in force only, each with its details', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'b', seq: 1, receivedAt: RECEIVED }));
        await store.outcomes.insert(outcomeRow({ id: 'a', seq: 2, receivedAt: RECEIVED }));
        await store.outcomes.insert(outcomeRow({ id: 'a-details', seq: 3, receivedAt: RECEIVED, amends: { id: 'a', kind: 'details' }, merge: 'amendment' }));
        await store.outcomes.insert(outcomeRow({ id: 'c', seq: 4, receivedAt: RECEIVED + 1 }));
        await store.outcomes.insert(outcomeRow({ id: 'later', seq: 5, receivedAt: RECEIVED + 10 }));
        const first = await store.outcomes.exportPage({ receivedAt: 0, id: '' }, RECEIVED, RECEIVED + 10, 2);
        expect(first.map((r) => [r.id, r.details])).toEqual([
          ['a', bodyOf('a-details', 3, 2)],
          ['b', null],
        ]);
        expect(first[0]?.receivedAt).toBe(RECEIVED);
        const last = first[1] as { receivedAt: number; id: string };
        expect((await store.outcomes.exportPage(last, RECEIVED, RECEIVED + 10, 2)).map((r) => r.id)).toEqual(['c']);
        // An ending a phone rating superseded leaves the export: the phone rating stands for its case stage.
        await store.phone.insertRating(phoneRating({ id: 'phone-b', supersedes: 'b' }));
        expect((await store.outcomes.exportPage({ receivedAt: 0, id: '' }, RECEIVED, RECEIVED + 10, 10)).map((r) => r.id)).toEqual(['a', 'c']);
      });

      it('keeps the highest count of a late flag', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'o-1', seq: 1 }));
        await store.outcomes.addLateFlag('o-1', 'tamper', 2, RECEIVED);
        await store.outcomes.addLateFlag('o-1', 'tamper', 1, RECEIVED);
        await store.outcomes.addLateFlag('o-1', 'tamper', 3, RECEIVED);
        // A late flag names a stored outcome: one that is not stored is refused.
        await expect(store.outcomes.addLateFlag('not-stored', 'tamper', 1, RECEIVED)).rejects.toThrow();
      });
    });

    describe('devices and keys', () => {
      it('rotates a device key, keeping the history and the lowest seq each key signed', async () => {
        const store = await fresh();
        await store.devices.setKey('dev-0', 'k1', 100, 'h1');
        await store.devices.setKey('dev-0', 'k2', 200, 'h1');
        await store.devices.noteSigned('dev-0', 'k2', 9);
        await store.devices.noteSigned('dev-0', 'k2', 5);
        await store.devices.noteSigned('dev-0', 'k2', 7);
        expect(await store.devices.currentKey('dev-0')).toEqual({ publicKey: 'k2', enrolledAt: 200, hallCode: 'h1' });
        expect(await store.devices.keyHistory('dev-0')).toEqual([
          { publicKey: 'k1', enrolledAt: 100, retiredAt: 200, firstSeq: null },
          { publicKey: 'k2', enrolledAt: 200, retiredAt: null, firstSeq: 5 },
        ]);
        expect(await store.devices.currentKey('dev-x')).toBeUndefined();
      });

      it('flags a device once (the first reason stands) and clears it', async () => {
        const store = await fresh();
        await store.devices.setKey('dev-0', 'k1', 100, 'h1');
        expect(await store.devices.flagOf('dev-0')).toBeNull();
        await store.devices.flag('dev-0', 300, 'fork');
        await store.devices.flag('dev-0', 400, 'other');
        expect(await store.devices.flagOf('dev-0')).toEqual({ at: 300, reason: 'fork' });
        await store.devices.unflag('dev-0');
        expect(await store.devices.flagOf('dev-0')).toBeNull();
      });

      it('uses a token once, lists tokens newest first, and revokes older or named ones', async () => {
        const store = await fresh();
        await store.devices.addToken('aaaaaaaaaaaa-1', TOKEN_BINDING, 10);
        await store.devices.addToken('bbbbbbbbbbbb-2', TOKEN_BINDING, 20);
        await store.devices.addToken('cccccccccccc-3', TOKEN_BINDING, 30);
        expect(await store.devices.useToken('cccccccccccc-3', 5, 'dev-0')).toBe(true);
        expect(await store.devices.useToken('cccccccccccc-3', 6, 'dev-0')).toBe(false);
        expect((await store.devices.listTokens({ deviceId: 'dev-0' }, 10)).map((t) => t.id)).toEqual(['cccccccccccc', 'bbbbbbbbbbbb', 'aaaaaaaaaaaa']);
        expect((await store.devices.listTokens({ hallCode: 'h1' }, 1)).map((t) => t.id)).toEqual(['cccccccccccc']);
        expect(await store.devices.revokeOlderTokens('dev-0', 'bbbbbbbbbbbb-2', 7, 'intake')).toBe(1);
        expect((await store.devices.findToken('aaaaaaaaaaaa-1'))?.revokedBy).toBe('intake');
        expect(await store.devices.revokeToken('bbbbbbbbbbbb', 8, 'admin: lost')).toMatchObject({ id: 'bbbbbbbbbbbb', revokedAt: 8, revokedBy: 'admin: lost' });
        expect(await store.devices.revokeToken('bbbbbbbbbbbb', 9, 'again')).toBeNull();
      });
    });

    describe('integrity events', () => {
      it('lists a device’s events in the order recorded, after an id', async () => {
        const store = await fresh();
        await store.integrity.addEvent('dev-0', 'gap', 3, null, 'gap 2..2', 10);
        await store.integrity.addEvent('dev-1', 'gap', 1, null, 'other device', 11);
        await store.integrity.addEvent('dev-0', 'fork', 4, 'o-4', 'two at 4', 12);
        const events = await store.integrity.events('dev-0', 0, 10);
        expect(events.map((e) => [e.kind, e.seq, e.outcomeId, e.detail, e.at])).toEqual([
          ['gap', 3, null, 'gap 2..2', 10],
          ['fork', 4, 'o-4', 'two at 4', 12],
        ]);
        expect(typeof events[0]?.id).toBe('number');
        expect(await store.integrity.events('dev-0', (events[0] as { id: number }).id, 10)).toHaveLength(1);
      });
    });

    describe('dashboard counts', () => {
      it('adds increments to the day and month rows and reads them per bucket', async () => {
        const store = await fresh();
        await store.dashboard.addCounts([count('day', '2026-11-02', [1, 0, 0, 0, 0, 1, 0, 0, 0]), count('month', '2026-11', [1, 0, 0, 0, 0, 1, 0, 0, 0])]);
        await store.dashboard.addCounts([count('day', '2026-11-02', [1, 1, 0, 0, 0, 0, 0, 0, 1]), count('month', '2026-11', [1, 1, 0, 0, 0, 0, 0, 0, 1])]);
        await store.dashboard.addCounts([count('day', '2026-11-10', [1, 0, 0, 0, 1, 0, 0, 0, 0]), count('month', '2026-11', [1, 0, 0, 0, 1, 0, 0, 0, 0])]);
        const days = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-11-01', to: '2026-11-30', bucket: 'day' });
        expect(days).toEqual([
          { key: 'h1', label: 'Hall 1', period: '2026-11-02', total: 2, l1: 1, l2: 0, l3: 0, l4: 0, l5: 1, unrated: 0, declined: 0, opened: 1, closed: 0, closedLate: 0 },
          { key: 'h1', label: 'Hall 1', period: '2026-11-10', total: 1, l1: 0, l2: 0, l3: 0, l4: 1, l5: 0, unrated: 0, declined: 0, opened: 0, closed: 0, closedLate: 0 },
        ]);
        const weeks = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-11-01', to: '2026-11-30', bucket: 'week' });
        expect(weeks.map((r) => [r.period, r.total])).toEqual([
          ['2026-11-02', 2],
          ['2026-11-09', 1],
        ]);
        // A whole month reads the monthly row: the same sums.
        const month = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-11-01', to: '2026-11-30', bucket: 'month' });
        expect(month.map((r) => [r.period, r.total, r.l1, r.l5, r.opened])).toEqual([['2026-11', 3, 1, 1, 1]]);
        const total = await store.dashboard.counts({ hall: 'h1', by: 'hall', from: '2026-10-15', to: '2026-11-30', bucket: 'total' });
        expect(total.map((r) => [r.period, r.total])).toEqual([['', 3]]);
        expect(await store.dashboard.counts({ hall: 'h2', by: 'hall', from: '2026-11-01', to: '2026-11-30', bucket: 'day' })).toEqual([]);
      });

      it('sums hot words and lists public comments newest first', async () => {
        const store = await fresh();
        await store.dashboard.addWords([
          { hallCode: 'h1', polarity: 'bad', day: '2026-11-02', word: '排队', n: 2 },
          { hallCode: 'h1', polarity: 'bad', day: '2026-11-03', word: '排队', n: 1 },
          { hallCode: 'h1', polarity: 'bad', day: '2026-11-03', word: '材料', n: 3 },
          { hallCode: 'h1', polarity: 'good', day: '2026-11-03', word: '热情', n: 9 },
        ]);
        expect(await store.dashboard.hotWords({ hall: 'h1', from: '2026-11-01', to: '2026-11-30', polarity: 'bad', limit: 5 })).toEqual([
          { word: '排队', count: 3 },
          { word: '材料', count: 3 },
        ]);
        await store.dashboard.addComment({ outcomeId: 'o-1', hallCode: 'h1', ratedAt: '2026-11-02T09:00:00+08:00', polarity: 'bad', comment: '太慢' });
        await store.dashboard.addComment({ outcomeId: 'o-2', hallCode: 'h1', ratedAt: '2026-11-03T09:00:00+08:00', polarity: 'good', comment: '很好' });
        await store.dashboard.addComment({ outcomeId: 'o-2', hallCode: 'h1', ratedAt: '2026-11-03T09:00:00+08:00', polarity: 'good', comment: 'again' });
        expect(await store.dashboard.comments({ hall: 'h1', from: '2026-11-01', to: '2026-11-03', limit: 5 })).toEqual([
          { day: '2026-11-03', polarity: 'good', text: '很好' },
          { day: '2026-11-02', polarity: 'bad', text: '太慢' },
        ]);
      });

      it('counts a follow-up on its 差评’s day as it closes (late or not) and goes; ingest counts its opening', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'bad-1', seq: 1, level: 1 }));
        await store.outcomes.insert(outcomeRow({ id: 'bad-2', seq: 2, level: 1 }));
        await store.outcomes.insert(outcomeRow({ id: 'bad-3', seq: 3, level: 1 }));
        const opened = async () => (await store.dashboard.counts({ hall: 'h1', by: 'window', from: '2026-11-20', to: '2026-11-20', bucket: 'day' }))[0];
        // Rows with no total are not listed: give the day its ratings first.
        await store.dashboard.addCounts([{ ...count('day', '2026-11-20', [2, 2, 0, 0, 0, 0, 0, 0, 0]), dim: 'window', key: 'W1', label: '一号窗口' }]);
        expect(await store.followups.openOnIngest('bad-1', '5wd', 10, 100)).toBe(true);
        expect(await store.followups.openOnIngest('bad-1', '5wd', 10, 100)).toBe(false);
        await store.followups.openOnIngest('bad-2', 'immediate', 10, 20);
        await store.followups.openOnIngest('bad-3', 'immediate', 10, 20);
        // Ingest counts the follow-ups it opens in its own tally: the store adds nothing for them.
        expect((await opened())?.opened).toBe(0);
        await store.followups.close('bad-2', 50, 'called back late');
        await store.transaction((tx) => tx.followups.close('bad-1', 60, 'called back'));
        // The 差评 was withdrawn: its follow-up goes, and with it the one ingest counted.
        expect(await store.followups.removeUntouched('bad-3')).toBe(true);
        expect(await opened()).toMatchObject({ key: 'W1', label: '一号窗口', opened: -1, closed: 2, closedLate: 1 });
      });
    });

    describe('phone 差评 in the follow-up and ticket figures (issue 24)', () => {
      it('counts a phone 差评’s follow-up and ticket in every figure a device 差评’s is, equal to a GROUP BY over the stored rows', async () => {
        const store = await fresh();
        // A device 差评 and two phone 差评 (a case-bound link's, a window QR's), stored and counted as ingest and the phone page do.
        await store.outcomes.insert(outcomeRow({ id: 'dev-bad', seq: 1, level: 1 }));
        const phoneCase = phoneRatingBody({ kind: 'case', level: 2, ratedAt: '2026-11-20T11:00:00.000+08:00', public: false });
        const phoneWindow = phoneRatingBody({ kind: 'window', level: 1, ratedAt: '2026-11-21T09:30:00.000+08:00', public: true, window: W2 });
        const phoneLate = phoneRatingBody({ kind: 'case', level: 1, ratedAt: '2026-11-21T15:00:00.000+08:00', public: true, window: W2 });
        for (const rating of [phoneCase, phoneWindow, phoneLate]) await store.phone.insertRating(phoneRatingRow(rating));
        const tally = createDashboardTally();
        tally.count({ ...ratingRecordAsStored(bodyOf('dev-bad', 1, 1), null), outcome: 'rated', ratedAt: '2026-11-20T10:00:00+08:00' }, await store.followups.openOnIngest('dev-bad', '5wd', 10, 500));
        for (const rating of [phoneCase, phoneWindow, phoneLate]) tally.count(phoneRatingRecord(rating), await store.followups.openOnIngest(rating.id, '5wd', 10, 500));
        await tally.flush(store.dashboard);

        // Closed on time, closed late, open and not yet due at 400, open and overdue.
        await store.followups.close('dev-bad', 100, 'called back');
        await store.followups.close(phoneCase.id, 600, 'called back late');
        const now = 400;
        await store.followups.setClass(phoneLate.id, '5wd', 300);
        // Tickets: the case 差评 excluded after an upheld appeal; the window and device ones rectified, the window one public.
        const ticket = (outcomeId: string, excluded: boolean, doneAt: number | null) =>
          store.tickets.insert({
            id: `t-${outcomeId}`,
            outcomeId,
            hallCode: 'h1',
            department: 'Dept',
            stage: 'closed',
            dueAt: null,
            openedAt: RECEIVED,
            excluded,
            state: JSON.stringify(doneAt === null ? {} : { rectification: { doneAt, note: `fixed ${outcomeId}` } }),
            dispatch: null,
          });
        await ticket(phoneCase.id, true, null);
        await ticket(phoneWindow.id, false, 2000);
        await ticket('dev-bad', false, 1000);

        // The GROUP BY over what is stored: every follow-up with its rating, read back from the store.
        const stored = await store.followups.list(false, 100);
        expect(stored.map((f) => f.outcomeId).sort()).toEqual(['dev-bad', phoneCase.id, phoneWindow.id, phoneLate.id].sort());
        const period = { hall: 'h1', from: '2026-11-01', to: '2026-11-30' };
        for (const by of ['hall', 'dept', 'window', 'staff', 'item'] as const) {
          const expected = new Map<string, { opened: number; closed: number; closedLate: number; notDue: number }>();
          for (const f of stored) {
            const key = dimensionKey(ratingRecordAsStored(f.body, f.detailsBody), by);
            if (key === null) continue;
            const row = expected.get(key) ?? { opened: 0, closed: 0, closedLate: 0, notDue: 0 };
            row.opened += 1;
            row.closed += Number(f.closedAt !== null);
            row.closedLate += Number(f.closedAt !== null && f.closedAt > f.dueAt);
            row.notDue += Number(f.closedAt === null && f.dueAt >= now);
            expected.set(key, row);
          }
          const counted = await store.dashboard.counts({ ...period, by, bucket: 'total' });
          const notDue = await store.dashboard.openNotDue({ ...period, by, bucket: 'total', now });
          const figures = new Map(
            counted
              .filter((c) => c.opened !== 0 || c.closed !== 0)
              .map((c) => [c.key, { opened: c.opened, closed: c.closed, closedLate: c.closedLate, notDue: notDue.find((n) => n.key === c.key)?.n ?? 0 }]),
          );
          expect(Object.fromEntries(figures), by).toEqual(Object.fromEntries(expected));
        }
        // In numbers, by window: W1 has the device and the case 差评 (one closed late), W2 the window QR's (open, not due) and the late one (overdue).
        const queries = createDashboardQueries(store.dashboard, () => now);
        const byWindow = await queries.aggregate({ ...period, by: 'window', bucket: 'total' });
        expect(byWindow.rows.map((r) => [r.key, r.followups, r.excludedAfterAppeal, r.bad])).toEqual([
          ['W1', { opened: 2, closed: 2, overdue: 0, closedLate: 1, completionRate: 1 }, 1, 1],
          ['W2', { opened: 2, closed: 0, overdue: 1, closedLate: 0, completionRate: 0 }, 0, 2],
        ]);
        expect(await store.dashboard.excludedAfterAppeal({ ...period, by: 'item', bucket: 'day' })).toEqual([{ key: 'T1', period: '2026-11-20', l1: 0, l2: 1 }]);
        // The public rectification list, newest first: the window QR's 差评 and the device's, both public; the excluded case 差评 not.
        expect(await store.dashboard.publicRectifications({ ...period, limit: 10 })).toEqual([
          { day: '2026-11-21', department: 'Dept', item: '二号窗口服务评价', result: `fixed ${phoneWindow.id}` },
          { day: '2026-11-20', department: 'Dept', item: '办理', result: 'fixed dev-bad' },
        ]);
      });
    });

    describe('follow-ups', () => {
      it('lists open follow-ups by due time and all of them newest first, with the press and its details', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'f-a', seq: 1, level: 1 }));
        await store.outcomes.insert(outcomeRow({ id: 'f-b', seq: 2, level: 2 }));
        await store.outcomes.insert(outcomeRow({ id: 'f-b-details', seq: 3, amends: { id: 'f-b', kind: 'details' }, merge: 'amendment' }));
        await store.followups.openOnIngest('f-a', '15wd', 10, 300);
        await store.followups.openOnIngest('f-b', 'immediate', 20, 100);
        expect((await store.followups.list(true, 10)).map((f) => f.outcomeId)).toEqual(['f-b', 'f-a']);
        expect((await store.followups.list(true, 10, { at: 100, outcomeId: 'f-b' })).map((f) => f.outcomeId)).toEqual(['f-a']);
        expect((await store.followups.list(false, 10)).map((f) => f.outcomeId)).toEqual(['f-b', 'f-a']);
        expect(await store.followups.find('f-b')).toEqual({
          outcomeId: 'f-b',
          class: 'immediate',
          openedAt: 20,
          dueAt: 100,
          closedAt: null,
          note: null,
          body: bodyOf('f-b', 2, 2),
          detailsBody: bodyOf('f-b-details', 3, 2),
        });
        await store.followups.setClass('f-a', '5wd', 200);
        await store.followups.close('f-a', 150, 'done');
        expect(await store.followups.find('f-a')).toMatchObject({ class: '5wd', dueAt: 200, closedAt: 150, note: 'done' });
        expect((await store.followups.list(true, 10)).map((f) => f.outcomeId)).toEqual(['f-b']);
        expect(await store.followups.removeUntouched('f-a')).toBe(false);
        expect(await store.followups.removeUntouched('f-b')).toBe(true);
        expect(await store.followups.find('f-b')).toBeUndefined();
      });
    });

    describe('tickets', () => {
      it('stores a ticket once and writes a change only over the version it was computed from', async () => {
        const store = await fresh();
        await store.outcomes.insert(outcomeRow({ id: 'bad-1', seq: 1, level: 1 }));
        const ticket = { id: 't-1', outcomeId: 'bad-1', hallCode: 'h1', department: 'D', stage: 'opened' as const, dueAt: 100, openedAt: 10, excluded: false, state: '{"n":1}', dispatch: null };
        expect(await store.tickets.insert(ticket)).toBe(true);
        expect(await store.tickets.insert(ticket)).toBe(false);
        expect(await store.tickets.find('t-1')).toEqual({ ...ticket, version: 1 });
        expect((await store.tickets.findByOutcome('bad-1'))?.id).toBe('t-1');
        const change = { stage: 'rectifying' as const, dueAt: 200, excluded: true, state: '{"n":2}' };
        const racing = await Promise.all([store.tickets.update('t-1', 1, change), store.tickets.update('t-1', 1, { ...change, state: '{"n":3}' })]);
        expect(racing.filter(Boolean)).toHaveLength(1);
        expect(await store.tickets.find('t-1')).toMatchObject({ stage: 'rectifying', excluded: true, version: 2 });
        expect(await store.tickets.update('t-1', 1, change)).toBe(false);
        expect((await store.tickets.list({ overdue: { at: 300, is: true } }, 10)).map((t) => t.id)).toEqual(['t-1']);
        expect(await store.tickets.list({ overdue: { at: 150, is: true } }, 10)).toEqual([]);
        expect((await store.tickets.list({ stage: 'rectifying', department: 'D', dueBefore: 201 }, 10)).map((t) => t.id)).toEqual(['t-1']);
        expect(await store.tickets.list({ stage: 'closed' }, 10)).toEqual([]);
      });

      it('appends the action log in seq order and refuses a second entry at a seq', async () => {
        const store = await fresh();
        await store.tickets.insert({ id: 't-1', outcomeId: null, hallCode: 'h1', department: null, stage: 'opened', dueAt: null, openedAt: 1, excluded: false, state: '{}', dispatch: '{}' });
        expect(await store.tickets.lastAction()).toBeUndefined();
        const entry = (seq: number) => ({ seq, ticketId: 't-1', at: seq, actor: 'a', what: '{}', before: null, after: '{}', prevHash: `h${seq - 1}`, hash: `h${seq}` });
        await store.tickets.appendAction(entry(1));
        await store.tickets.appendAction(entry(2));
        await expect(store.tickets.appendAction(entry(2))).rejects.toThrow();
        expect(await store.tickets.lastAction()).toEqual({ seq: 2, hash: 'h2' });
        expect((await store.tickets.actionsOf('t-1')).map((a) => a.seq)).toEqual([1, 2]);
        expect(await store.tickets.actionsAfter(1, 10)).toEqual([entry(2)]);
      });
    });

    describe('forwarding queue', () => {
      it('queues a ticket state once per destination of its hall flagged for ticket states, and saves it only over the row it read', async () => {
        const store = await fresh();
        await store.forwarding.setDestinations([
          { name: 'reference', hallCode: 'h1', ticketState: true },
          { name: 'reference', hallCode: '*', ticketState: true },
          { name: 'province', hallCode: '*' },
          { name: 'elsewhere', hallCode: 'h2', ticketState: true },
        ]);
        await store.tickets.insert({ id: 't-1', outcomeId: null, hallCode: 'h1', department: null, stage: 'contacted', dueAt: null, openedAt: 1, excluded: false, state: '{}', dispatch: null });
        const state = { ticketId: 't-1', seq: 2, hallCode: 'h1', body: '{"stage":"contacted"}', at: 500 };
        expect(await store.tickets.queueState(state)).toBe(1);
        expect(await store.tickets.queueState(state)).toBe(0);
        expect(await store.tickets.queueState({ ...state, seq: 3, body: '{"stage":"determined"}', at: 600 })).toBe(1);
        expect(await store.forwarding.dueTicketStates('province', 1_000, 10)).toEqual([]);
        expect(await store.forwarding.dueTicketStates('reference', 550, 10)).toHaveLength(1);
        // Seq 3 waits while seq 2 of the same ticket is unsent: a ticket's states arrive in order.
        const due = await store.forwarding.dueTicketStates('reference', 1_000, 10);
        expect(due).toEqual([
          { ticketId: 't-1', seq: 2, body: '{"stage":"contacted"}', outcomeId: 't-1#2', destination: 'reference', state: 'pending', attempts: 0, nextAttemptAt: 500, lastError: null, ackId: null, ackKind: null, storedAt: 500, updatedAt: 500 },
        ]);
        const before = due[0]!;
        const { ticketId: _t, seq: _s, body: _b, ...record } = before;
        const sending = { ...record, state: 'sending' as const, attempts: 1, updatedAt: 700, nextAttemptAt: 800 };
        const claims = await Promise.all([store.forwarding.saveTicketState(before, sending), store.forwarding.saveTicketState(before, { ...sending, updatedAt: 701 })]);
        expect(claims.filter(Boolean)).toHaveLength(1);
        const current = (await store.forwarding.ticketStates('t-1'))[0]!;
        expect(current).toMatchObject({ state: 'sending', attempts: 1 });
        const depth = async () => (await store.forwarding.queueDepth()).map((d) => [d.destination, d.ticketStates.pending, d.ticketStates.sending, d.pending]);
        expect(await depth()).toEqual([
          ['elsewhere', 0, 0, 0],
          ['province', 0, 0, 0],
          ['reference', 1, 1, 0],
        ]);
        // Still sending (or backing off after a 5xx): seq 3 is not due, even long after.
        expect((await store.forwarding.dueTicketStates('reference', 1_000_000, 10)).map((q) => q.seq)).toEqual([2]);
        // Another ticket's states are not held by this one's.
        await store.tickets.insert({ id: 't-2', outcomeId: null, hallCode: 'h1', department: null, stage: 'contacted', dueAt: null, openedAt: 1, excluded: false, state: '{}', dispatch: null });
        expect(await store.tickets.queueState({ ...state, ticketId: 't-2', seq: 4, at: 700 })).toBe(1);
        expect((await store.forwarding.dueTicketStates('reference', 750, 10)).map((q) => [q.ticketId, q.seq])).toEqual([['t-2', 4]]);
        expect(await store.forwarding.saveTicketState(current, { ...sending, updatedAt: current.updatedAt, state: 'acknowledged', ackId: 'TS-1', ackKind: 'accepted' })).toBe(true);
        expect((await store.forwarding.ticketStates('t-1')).map((q) => [q.seq, q.state, q.ackId])).toEqual([
          [2, 'acknowledged', 'TS-1'],
          [3, 'pending', null],
        ]);
        expect((await depth()).find(([name]) => name === 'reference')).toEqual(['reference', 2, 0, 0]);
        expect((await store.forwarding.dueTicketStates('reference', 1_000, 10)).map((q) => [q.ticketId, q.seq])).toEqual([
          ['t-1', 3],
          ['t-2', 4],
        ]);
      });

      it('queues a stored rating once per destination of its hall and claims it only over the row it read', async () => {
        const store = await fresh();
        await store.forwarding.setDestinations([
          { name: 'province', hallCode: '*' },
          { name: 'city', hallCode: 'h1' },
          { name: 'other', hallCode: 'h2' },
        ]);
        expect(await store.forwarding.destinations()).toEqual(['city', 'other', 'province']);
        await store.outcomes.insert(outcomeRow({ id: 'r-1', seq: 1 }));
        await store.outcomes.insert(outcomeRow({ id: 'r-2', seq: 2 }));
        expect(await store.forwarding.enqueue('r-1', 'h1', RECEIVED, 500)).toBe(2);
        expect(await store.forwarding.enqueue('r-1', 'h1', RECEIVED, 500)).toBe(0);
        expect(await store.forwarding.enqueue('r-2', 'h1', RECEIVED, 400)).toBe(2);
        expect(await store.forwarding.due('province', 450, 10)).toHaveLength(1);
        const due = await store.forwarding.due('province', 600, 10);
        expect(due.map((d) => d.outcomeId)).toEqual(['r-2', 'r-1']);
        expect(due[0]).toMatchObject({ state: 'pending', attempts: 0, hallCode: 'h1', merge: 'rating', late: false, details: null, body: bodyOf('r-2', 2, 2) });
        const before = due[0] as (typeof due)[number];
        const sending = { ...before, state: 'sending' as const, attempts: 1, updatedAt: 600, nextAttemptAt: 700 };
        const claims = await Promise.all([store.forwarding.save(before, sending), store.forwarding.save(before, { ...sending, updatedAt: 601 })]);
        expect(claims.filter(Boolean)).toHaveLength(1);
        const acked = { ...sending, state: 'acknowledged' as const, ackId: 'P-1', ackKind: 'accepted' as const, updatedAt: 650 };
        const current = (await store.forwarding.get('r-2', 'province')) as typeof sending;
        expect(await store.forwarding.save(current, acked)).toBe(true);
        expect((await store.forwarding.list('acknowledged', null, 10)).map((r) => [r.outcomeId, r.ackId])).toEqual([['r-2', 'P-1']]);
        expect(await store.forwarding.list('acknowledged', 'city', 10)).toEqual([]);
        expect(await store.forwarding.report(RECEIVED, RECEIVED + 1, 480)).toEqual([
          { day: dayOf(RECEIVED, 480), destination: 'city', stored: 2, sent: 0, acknowledged: 0, refused: 0, pending: 2 },
          { day: dayOf(RECEIVED, 480), destination: 'province', stored: 2, sent: 1, acknowledged: 1, refused: 0, pending: 1 },
        ]);
        expect((await store.forwarding.stored('province', RECEIVED, RECEIVED + 1, 10)).map((r) => [r.outcomeId, r.projectNo])).toEqual([
          ['r-1', 'P-r-1'],
          ['r-2', 'P-r-2'],
        ]);
        // 补报: a destination configured later gets the ratings in force it never had, once.
        await store.forwarding.setDestinations([{ name: 'late-comer', hallCode: 'h1' }]);
        expect(await store.forwarding.enqueueLate('late-comer', RECEIVED, RECEIVED + 1, 900)).toBe(2);
        expect(await store.forwarding.enqueueLate('late-comer', RECEIVED, RECEIVED + 1, 900)).toBe(0);
        expect((await store.forwarding.due('late-comer', 900, 10)).map((d) => d.late)).toEqual([true, true]);
      });
    });

    describe('pairing codes', () => {
      it('shows a code live until confirmed, confirms it once, burns it after too many failures', async () => {
        const store = await fresh();
        await store.pairing.insert('123456', 'dev-0', 10, 100);
        expect(await store.pairing.isLive('123456', 50)).toBe(true);
        expect(await store.pairing.isLive('123456', 100)).toBe(false);
        expect(await store.pairing.confirm('dev-0', '123456', 20, 'alice', '{"name":"A"}')).toBe(true);
        expect(await store.pairing.confirm('dev-0', '123456', 21, 'bob', '{"name":"B"}')).toBe(false);
        expect(await store.pairing.isLive('123456', 50)).toBe(false);
        expect(await store.pairing.byDevice('dev-0', '123456')).toEqual({ deviceId: 'dev-0', code: '123456', createdAt: 10, expiresAt: 100, replacedAt: null, confirmedAt: 20, staff: '{"name":"A"}' });
        await store.pairing.insert('654321', 'dev-0', 30, 100);
        expect(await store.pairing.addFailure('dev-0', '654321', 31, 3)).toBe(false);
        expect(await store.pairing.addFailure('dev-0', '654321', 32, 3)).toBe(false);
        expect(await store.pairing.addFailure('dev-0', '654321', 33, 3)).toBe(true);
        expect(await store.pairing.addFailure('dev-0', '654321', 34, 3)).toBe(false);
        expect((await store.pairing.newest('654321'))?.replacedAt).toBe(33);
        await store.pairing.insert('111111', 'dev-0', 40, 100);
        await store.pairing.confirm('dev-0', '111111', 41, 'carol', '{"name":"C"}');
        const history = await store.pairing.history('dev-0', 1);
        expect(history.map((h) => [h.staff, h.confirmedAt])).toEqual([['{"name":"C"}', 41]]);
        expect((await store.pairing.history('dev-0', 5, history[0])).map((h) => h.staff)).toEqual(['{"name":"A"}']);
        await store.pairing.insert('222222', 'dev-0', 50, 100);
        await store.pairing.replaceUnconfirmed('dev-0', 51);
        expect(await store.pairing.isLive('222222', 52)).toBe(false);
      });
    });

    describe('throttles and signed requests', () => {
      it('counts failures (forgetting old ones), keeps the later lock and counts hits per window', async () => {
        const store = await fresh();
        expect(await store.throttles.addFailure('k', 1000, 0)).toBe(1);
        expect(await store.throttles.addFailure('k', 2000, 0)).toBe(2);
        expect(await store.throttles.addFailure('k', 9000, 5000)).toBe(1);
        await store.throttles.lock('k', 20_000);
        await store.throttles.lock('k', 15_000);
        expect(await store.throttles.failuresOf('k')).toEqual({ failures: 1, lockedUntil: 20_000, lastAt: 9000 });
        await store.throttles.clearFailures('k');
        expect(await store.throttles.failuresOf('k')).toBeUndefined();
        expect(await store.throttles.hit('ip', 1000, 60_000)).toEqual({ count: 1, resetAt: 61_000 });
        expect(await store.throttles.hit('ip', 2000, 60_000)).toEqual({ count: 2, resetAt: 61_000 });
        expect(await store.throttles.hit('ip', 61_000, 60_000)).toEqual({ count: 1, resetAt: 121_000 });
      });

      it('counts an attempt only when the stored count and lock allow it now, and changes nothing when not', async () => {
        const store = await fresh();
        const waits = [0, 0, 0, 30_000, 60_000];
        const reserve = (at: number) => store.throttles.reserveAttempt('r', at, at - 1_000_000, waits);
        expect([await reserve(1000), await reserve(1001), await reserve(1002)]).toEqual([1, 2, 3]);
        // Three counted: the next waits 30 s from the last, and a refusal leaves the row as it was.
        expect(await reserve(1003)).toBeNull();
        expect(await store.throttles.failuresOf('r')).toEqual({ failures: 3, lockedUntil: 0, lastAt: 1002 });
        expect(await reserve(31_002)).toBe(4);
        // A lock holds even when the wait has passed; past the list, its last wait.
        await store.throttles.lock('r', 200_000);
        expect(await reserve(199_999)).toBeNull();
        expect(await reserve(200_000)).toBe(5);
        expect(await reserve(259_999)).toBeNull();
        expect(await reserve(260_000)).toBe(6);
        expect(await reserve(320_000)).toBe(7);
        // Forgotten after the window: counting starts again.
        expect(await reserve(1_400_000)).toBe(1);
      });

      it('takes a nonce once and a feed ticket once, for its own device, before it expires', async () => {
        const store = await fresh();
        expect(await store.requests.useNonce('dev-0', 'n1', 100, 10)).toBe(true);
        expect(await store.requests.useNonce('dev-0', 'n1', 100, 11)).toBe(false);
        expect(await store.requests.useNonce('dev-1', 'n1', 100, 11)).toBe(true);
        // A nonce past its time is forgotten on the way.
        expect(await store.requests.useNonce('dev-0', 'n1', 300, 200)).toBe(true);
        await store.requests.addFeedTicket('t1', 'dev-0', 100, 10);
        expect(await store.requests.redeemFeedTicket('t1', 'dev-1', 20)).toBe(false);
        expect(await store.requests.redeemFeedTicket('t1', 'dev-0', 100)).toBe(false);
        expect(await store.requests.redeemFeedTicket('t1', 'dev-0', 20)).toBe(true);
        expect(await store.requests.redeemFeedTicket('t1', 'dev-0', 21)).toBe(false);
      });
    });

    describe('invitations and keys', () => {
      it('stores an invitation per event key once, lists pending oldest first, acknowledges once', async () => {
        const store = await fresh();
        expect(await store.invitations.insertIfNew({ id: 'i2', deviceId: 'dev-0', eventKey: 'e2', body: 'B2', createdAt: 20 })).toBe(true);
        expect(await store.invitations.insertIfNew({ id: 'i1', deviceId: 'dev-0', eventKey: 'e1', body: 'B1', createdAt: 10 })).toBe(true);
        expect(await store.invitations.insertIfNew({ id: 'i3', deviceId: 'dev-0', eventKey: 'e1', body: 'B3', createdAt: 30 })).toBe(false);
        expect(await store.invitations.bodyByEventKey('dev-0', 'e1')).toBe('B1');
        expect(await store.invitations.pending('dev-0')).toEqual(['B1', 'B2']);
        expect(await store.invitations.ack('dev-0', 'i1', 40)).toBe(true);
        expect(await store.invitations.ack('dev-0', 'i1', 41)).toBe(false);
        expect(await store.invitations.pending('dev-0')).toEqual(['B2']);
      });

      it('keeps the first sealing key pair and the first intake key set', async () => {
        const store = await fresh();
        expect(await store.sealingKeys.get()).toBeUndefined();
        expect(await store.sealingKeys.putIfAbsent({ publicKey: 'p1', secretKey: 's1' }, 1)).toEqual({ publicKey: 'p1', secretKey: 's1' });
        expect(await store.sealingKeys.putIfAbsent({ publicKey: 'p2', secretKey: 's2' }, 2)).toEqual({ publicKey: 'p1', secretKey: 's1' });
        const first = { signingKey: 'sk1', publicKey: 'pk1', linkSecret: 'ls1' };
        expect(await store.phone.putKeysIfAbsent(first, 1)).toEqual(first);
        expect(await store.phone.putKeysIfAbsent({ signingKey: 'sk2', publicKey: 'pk2', linkSecret: 'ls2' }, 2)).toEqual(first);
      });
    });

    describe('phone ratings', () => {
      it('stores phone ratings with their flags and booleans, one counted case rating per stage', async () => {
        const store = await fresh();
        const rating = phoneRating({ id: 'p-1', flags: ['late'] });
        await store.phone.insertRating(rating);
        expect(await store.phone.rating('p-1')).toEqual(rating);
        await expect(store.phone.insertRating(phoneRating({ id: 'p-2' }))).rejects.toThrow();
        await store.phone.insertRating(phoneRating({ id: 'p-3', counted: false, supersedes: 'o-1' }));
        expect(await store.phone.phoneRatingsOfStage('h1', 'P-1', 'accept')).toEqual(['p-1']);
        expect(await store.phone.supersededBy('o-1')).toEqual(['p-3']);
        expect(await store.phone.channelCounts('h1', '2026-11-20', '2026-11-20')).toEqual([{ channel: '2', kind: 'case', counted: 1, flagged: 1 }]);
      });

      it('answers the window limits and the case stage’s device endings', async () => {
        const store = await fresh();
        const windowRating = (id: string, receivedAt: number) =>
          phoneRating({ id, kind: 'window', projectNo: null, event: null, linkId: null, addressKey: 'addr', browserKey: 'cookie', receivedAt });
        await store.phone.insertRating(windowRating('w-1', 1000));
        await store.phone.insertRating(windowRating('w-2', 2000));
        expect(await store.phone.windowRecent('h1', 'W1', 'addr', 'cookie', '2026-11-20', 1500)).toEqual({ fromAddressLastHour: 1, ofWindowLastHour: 1, browserRatedToday: true });
        expect(await store.phone.windowRecent('h1', 'W1', 'other', 'other', '2026-11-21', 0)).toEqual({ fromAddressLastHour: 0, ofWindowLastHour: 2, browserRatedToday: false });
        await store.outcomes.insert(outcomeRow({ id: 'end-1', seq: 1 }));
        await store.outcomes.insert(outcomeRow({ id: 'end-1-details', seq: 2, amends: { id: 'end-1', kind: 'details' }, merge: 'amendment' }));
        expect(await store.phone.deviceEndings('h1', 'P-end-1', 'accept')).toEqual([{ id: 'end-1', outcome: 'rated', merge: 'rating', receivedAt: RECEIVED }]);
        expect(await store.phone.knownWindow('h1', 'W1')).toEqual({ windowName: '一号窗口', deptName: 'Dept' });
        expect(await store.phone.knownWindow('h1', 'W9')).toBeUndefined();
      });

      it('issues one link per device, invitation and delivery, used once', async () => {
        const store = await fresh();
        const link = {
          id: 'l-1',
          deviceId: 'dev-0',
          invitationId: 'inv-1',
          delivery: 'screen-qr',
          window: { hallCode: 'h1' },
          case: { projectNo: 'P-1' },
          event: 'accept',
          issuedAt: 1,
          expiresAt: 100,
          mac: 'm1',
          usedAt: null,
        } as unknown as Parameters<IntakeStore['phone']['issueLink']>[0];
        expect(await store.phone.issueLink(link)).toEqual(link);
        expect((await store.phone.issueLink({ ...link, id: 'l-2', mac: 'm2' })).mac).toBe('m1');
        expect(await store.phone.useLink('l-1', 5)).toBe(true);
        expect(await store.phone.useLink('l-1', 6)).toBe(false);
        expect((await store.phone.link('l-1'))?.usedAt).toBe(5);
        expect(await store.phone.link('l-2')).toBeUndefined();
      });
    });

    describe('fleet', () => {
      it('opens one flag of a kind per device at a time and tells what a device holds of its chain', async () => {
        const store = await fresh();
        await store.devices.setKey('dev-0', 'k', 1, 'h1');
        expect(await store.fleet.open('dev-0', 'device-silent', 10, 'no heartbeat')).toBe(true);
        expect(await store.fleet.open('dev-0', 'device-silent', 11, 'again')).toBe(false);
        expect((await store.fleet.openFlags('h1')).map((f) => [f.deviceId, f.kind, f.openedAt])).toEqual([['dev-0', 'device-silent', 10]]);
        expect(await store.fleet.openFlags('h2')).toEqual([]);
        expect(await store.fleet.close('dev-0', 'device-silent', 20, 'heartbeat')).toBe(true);
        expect(await store.fleet.close('dev-0', 'device-silent', 21, 'heartbeat')).toBe(false);
        expect(await store.fleet.open('dev-0', 'device-silent', 30, 'silent again')).toBe(true);
        await store.outcomes.insert(outcomeRow({ id: 'o-1', seq: 1 }));
        await store.outcomes.insert(outcomeRow({ id: 'o-3', seq: 3 }));
        await store.outcomes.insert(outcomeRow({ id: 'o-3b', seq: 3 }));
        expect(await store.fleet.heldChain('dev-0', 3)).toEqual({ maxSeq: 3, heldUpToHead: 2 });
        expect((await store.fleet.devices(null, 10)).map((d) => [d.deviceId, d.hallCode, d.enrolledAt, d.latest])).toEqual([['dev-0', 'h1', 1, null]]);
      });
    });
  });
}

const RECEIVED = Date.UTC(2026, 10, 20, 2, 0, 0);
const TOKEN_BINDING = { deviceId: 'dev-0', hallCode: 'h1', purpose: 'enrol' as const };
const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

const dayOf = (ms: number, zoneMinutes: number) => new Date(ms + zoneMinutes * 60_000).toISOString().slice(0, 10);

/** A stored body as the columns below describe it (the store keeps it as text; the dashboard and phone queries read its fields). */
function bodyOf(id: string, seq: number, level: number | null): string {
  return JSON.stringify({
    id,
    seq,
    level,
    event: 'accept',
    public: true,
    window: { hallCode: 'h1', windowNo: 'W1', windowName: '一号窗口' },
    staff: { loginName: 's1', name: '张三' },
    case: { projectNo: `P-${id}`, taskCode: 'T1', taskName: '办理', deptName: 'Dept' },
  });
}

function outcomeRow(o: {
  id: string;
  seq: number;
  level?: number;
  receivedAt?: number;
  chainHash?: string;
  invitationId?: string;
  amends?: { id: string; kind: string };
  trusted?: boolean;
  merge?: MergeState;
}): NewOutcomeRow {
  const level = o.level ?? 2;
  return {
    id: o.id,
    deviceId: 'dev-0',
    bodyHash: `hash-${o.id}`,
    body: bodyOf(o.id, o.seq, level),
    receivedAt: o.receivedAt ?? RECEIVED,
    trusted: o.trusted ?? true,
    merge: o.merge ?? 'rating',
    columns: {
      seq: o.seq,
      outcome: 'rated',
      level,
      rated_at: '2026-11-20T10:00:00+08:00',
      hall_code: 'h1',
      window_no: 'W1',
      staff_login: 's1',
      dept_name: 'Dept',
      task_code: 'T1',
      chain_hash: o.chainHash ?? `c-${o.id}`,
      prev_hash: 'p',
      flags: '',
      invitation_id: o.invitationId ?? `inv-${o.id}`,
      amends_id: o.amends?.id ?? null,
      amends_kind: o.amends?.kind ?? null,
    },
  };
}

/** counts: total, l1..l5, unrated, declined, follow-ups opened. */
function count(period: 'day' | 'month', at: string, counts: number[]): CountIncrement {
  return { period, hallCode: 'h1', dim: 'hall', at, key: 'h1', label: 'Hall 1', counts };
}

function phoneRating(o: Partial<PhoneRatingRow> & { id: string }): PhoneRatingRow {
  return {
    kind: 'case',
    channel: '2',
    hallCode: 'h1',
    windowNo: 'W1',
    projectNo: 'P-1',
    event: 'accept',
    linkId: `link-${o.id}`,
    supersedes: null,
    counted: true,
    flags: [],
    addressKey: null,
    browserKey: null,
    day: '2026-11-20',
    receivedAt: RECEIVED,
    body: `{"id":"${o.id}"}`,
    ...o,
  };
}
