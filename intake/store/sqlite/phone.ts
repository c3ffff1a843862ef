import type { OutcomeKind } from '../../../contract/outcome';
import type { MergeState } from '../../ingest/mergeRules';
import type { StoredLink } from '../../phone/caseLinks';
import type { PhoneStore } from '../store';
import { phoneRatingOf, type PhoneRatingColumns } from '../storeRows';
import { CASE_NO, EVENT } from './migrations/020-phone-ratings';
import type { SqliteDb } from './sqliteDb';

interface LinkRow {
  binding: string;
  mac: string;
  used_at: number | null;
}

const toLink = (row: LinkRow): StoredLink => ({ ...(JSON.parse(row.binding) as Omit<StoredLink, 'mac' | 'usedAt'>), mac: row.mac, usedAt: row.used_at });

export function sqlitePhone(db: SqliteDb): PhoneStore {
  const getKeys = db.prepare<[], { signing_key: string; public_key: string; link_secret: string }>('SELECT signing_key, public_key, link_secret FROM intake_keys WHERE id = 1');
  const putKeys = db.prepare('INSERT OR IGNORE INTO intake_keys (id, signing_key, public_key, link_secret, created_at) VALUES (1, ?, ?, ?, ?)');
  const insertLink = db.prepare(
    `INSERT OR IGNORE INTO case_links (id, device_id, invitation_id, delivery, hall_code, project_no, event, binding, mac, issued_at, expires_at)
     VALUES (@id, @deviceId, @invitationId, @delivery, @hallCode, @projectNo, @event, @binding, @mac, @issuedAt, @expiresAt)`,
  );
  const linkOf = db.prepare<[string, string, string], LinkRow>('SELECT binding, mac, used_at FROM case_links WHERE device_id = ? AND invitation_id = ? AND delivery = ?');
  const linkById = db.prepare<[string], LinkRow>('SELECT binding, mac, used_at FROM case_links WHERE id = ?');
  const useLink = db.prepare('UPDATE case_links SET used_at = ? WHERE id = ? AND used_at IS NULL');
  // The same expressions as the outcomes_case_stage index, so the index answers.
  const endings = db.prepare<[string, string, string], { id: string; outcome: OutcomeKind; merge: MergeState; received_at: number }>(
    `SELECT id, outcome, merge, received_at FROM outcomes
     WHERE hall_code = ? AND ${CASE_NO} = ? AND ${EVENT} = ? AND amends_id IS NULL`,
  );
  const ofStage = db.prepare<[string, string, string], { id: string }>("SELECT id FROM phone_ratings WHERE hall_code = ? AND project_no = ? AND event = ? AND kind = 'case' AND counted = 1 ORDER BY received_at");
  const insertRating = db.prepare(
    `INSERT INTO phone_ratings (id, kind, channel, hall_code, window_no, project_no, event, link_id, supersedes, counted, flags, address_key, browser_key, day, received_at, body)
     VALUES (@id, @kind, @channel, @hallCode, @windowNo, @projectNo, @event, @linkId, @supersedes, @counted, @flags, @addressKey, @browserKey, @day, @receivedAt, @body)`,
  );
  const ratingById = db.prepare<[string], PhoneRatingColumns>('SELECT * FROM phone_ratings WHERE id = ?');
  const supersededBy = db.prepare<[string], { id: string }>('SELECT id FROM phone_ratings WHERE supersedes = ?');
  const fromAddress = db.prepare<[string, number], { n: number }>("SELECT count(*) AS n FROM phone_ratings WHERE address_key = ? AND received_at >= ? AND kind = 'window'");
  const ofWindow = db.prepare<[string, string, number], { n: number }>("SELECT count(*) AS n FROM phone_ratings WHERE hall_code = ? AND window_no = ? AND received_at >= ? AND kind = 'window'");
  const browserToday = db.prepare<[string, string, string, string], { id: string }>(
    "SELECT id FROM phone_ratings WHERE hall_code = ? AND window_no = ? AND browser_key = ? AND day = ? AND kind = 'window' LIMIT 1",
  );
  const latestOfWindow = db.prepare<[string, string], { window_name: string | null; dept_name: string }>(
    "SELECT json_extract(body, '$.window.windowName') AS window_name, dept_name FROM outcomes WHERE hall_code = ? AND window_no = ? ORDER BY rowid DESC LIMIT 1",
  );
  const channelCounts = db.prepare<[string, string, string], { channel: string; kind: string; counted: number; flagged: number }>(
    `SELECT channel, kind, sum(counted) AS counted, sum(1 - counted) AS flagged FROM phone_ratings
     WHERE hall_code = ? AND day >= ? AND day <= ? GROUP BY channel, kind ORDER BY channel, kind`,
  );

  const exportPage = db.prepare<[number, number, number, string, number], { id: string; received_at: number; body: string; counted: number }>(
    'SELECT id, received_at, body, counted FROM phone_ratings WHERE received_at >= ? AND received_at < ? AND (received_at, id) > (?, ?) ORDER BY received_at, id LIMIT ?',
  );
  const countedTotal = db.prepare<[string, string, string], { n: number | null }>("SELECT sum(total) AS n FROM dashboard_daily WHERE hall_code = ? AND dim = 'hall' AND day >= ? AND day <= ?");

  const readKeys = () => {
    const row = getKeys.get();
    return row && { signingKey: row.signing_key, publicKey: row.public_key, linkSecret: row.link_secret };
  };

  return {
    async keys() {
      return readKeys();
    },
    async putKeysIfAbsent(keys, at) {
      putKeys.run(keys.signingKey, keys.publicKey, keys.linkSecret, at);
      return readKeys() as NonNullable<ReturnType<typeof readKeys>>;
    },
    async issueLink(link) {
      const { mac, usedAt: _unused, ...binding } = link;
      insertLink.run({
        id: link.id,
        deviceId: link.deviceId,
        invitationId: link.invitationId,
        delivery: link.delivery,
        hallCode: link.window.hallCode,
        projectNo: link.case.projectNo,
        event: link.event,
        binding: JSON.stringify(binding),
        mac,
        issuedAt: link.issuedAt,
        expiresAt: link.expiresAt,
      });
      return toLink(linkOf.get(link.deviceId, link.invitationId, link.delivery) as LinkRow);
    },
    async link(id) {
      const row = linkById.get(id);
      return row && toLink(row);
    },
    async useLink(id, at) {
      return useLink.run(at, id).changes === 1;
    },
    async deviceEndings(hallCode, projectNo, event) {
      return endings.all(hallCode, projectNo, event).map((row) => ({ id: row.id, outcome: row.outcome, merge: row.merge, receivedAt: row.received_at }));
    },
    async phoneRatingsOfStage(hallCode, projectNo, event) {
      return ofStage.all(hallCode, projectNo, event).map((row) => row.id);
    },
    async insertRating(row) {
      insertRating.run({ ...row, counted: row.counted ? 1 : 0, flags: JSON.stringify(row.flags) });
    },
    async rating(id) {
      const row = ratingById.get(id);
      return row && phoneRatingOf(row);
    },
    async supersededBy(outcomeId) {
      return supersededBy.all(outcomeId).map((row) => row.id);
    },
    async windowRecent(hallCode, windowNo, addressKey, browserKey, day, since) {
      return {
        fromAddressLastHour: fromAddress.get(addressKey, since)?.n ?? 0,
        ofWindowLastHour: ofWindow.get(hallCode, windowNo, since)?.n ?? 0,
        browserRatedToday: browserToday.get(hallCode, windowNo, browserKey, day) !== undefined,
      };
    },
    async knownWindow(hallCode, windowNo) {
      const row = latestOfWindow.get(hallCode, windowNo);
      return row?.window_name ? { windowName: row.window_name, deptName: row.dept_name } : undefined;
    },
    async channelCounts(hallCode, fromDay, toDay) {
      return channelCounts.all(hallCode, fromDay, toDay);
    },
    async exportPage(after, from, to, limit) {
      return exportPage.all(from, to, after.receivedAt, after.id, limit).map((r) => ({ id: r.id, receivedAt: r.received_at, body: r.body, counted: r.counted === 1 }));
    },
    async countedTotal(hallCode, fromDay, toDay) {
      return countedTotal.get(hallCode, fromDay, toDay)?.n ?? 0;
    },
  };
}
