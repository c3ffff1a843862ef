import type { OutcomeKind } from '../../../contract/outcome';
import type { MergeState } from '../../ingest/mergeRules';
import type { StoredLink } from '../../phone/caseLinks';
import type { PhoneStore } from '../store';
import { PHONE_RATING_COLUMNS, phoneRatingOf, type PhoneRatingColumns } from '../storeRows';
import type { PgSql } from './pgSql';

/** The expressions of the outcomes_case_stage index (migrations/001-core.ts), so the index answers. */
const CASE_NO = "(intake_json(body) #>> '{case,projectNo}')";
const EVENT = "(intake_json(body) ->> 'event')";

interface LinkRow {
  binding: string;
  mac: string;
  used_at: number | null;
}

const toLink = (row: LinkRow): StoredLink => ({ ...(JSON.parse(row.binding) as Omit<StoredLink, 'mac' | 'usedAt'>), mac: row.mac, usedAt: row.used_at });

export function pgPhone(sql: PgSql): PhoneStore {
  const readKeys = async () => {
    const row = await sql.row<{ signing_key: string; public_key: string; link_secret: string }>('SELECT signing_key, public_key, link_secret FROM intake_keys WHERE id = 1');
    return row && { signingKey: row.signing_key, publicKey: row.public_key, linkSecret: row.link_secret };
  };
  return {
    keys: readKeys,
    async putKeysIfAbsent(keys, at) {
      await sql.run('INSERT INTO intake_keys (id, signing_key, public_key, link_secret, created_at) VALUES (1, $1, $2, $3, $4) ON CONFLICT DO NOTHING', [
        keys.signingKey,
        keys.publicKey,
        keys.linkSecret,
        at,
      ]);
      return (await readKeys()) as NonNullable<Awaited<ReturnType<typeof readKeys>>>;
    },
    async issueLink(link) {
      const { mac, usedAt: _unused, ...binding } = link;
      await sql.run(
        `INSERT INTO case_links (id, device_id, invitation_id, delivery, hall_code, project_no, event, binding, mac, issued_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
        [link.id, link.deviceId, link.invitationId, link.delivery, link.window.hallCode, link.case.projectNo, link.event, JSON.stringify(binding), mac, link.issuedAt, link.expiresAt],
      );
      const row = await sql.row<LinkRow>('SELECT binding, mac, used_at FROM case_links WHERE device_id = $1 AND invitation_id = $2 AND delivery = $3', [
        link.deviceId,
        link.invitationId,
        link.delivery,
      ]);
      return toLink(row as LinkRow);
    },
    async link(id) {
      const row = await sql.row<LinkRow>('SELECT binding, mac, used_at FROM case_links WHERE id = $1', [id]);
      return row && toLink(row);
    },
    async useLink(id, at) {
      return (await sql.run('UPDATE case_links SET used_at = $1 WHERE id = $2 AND used_at IS NULL', [at, id])) === 1;
    },
    async deviceEndings(hallCode, projectNo, event) {
      const rows = await sql.rows<{ id: string; outcome: OutcomeKind; merge: MergeState; received_at: number }>(
        `SELECT id, outcome, merge, received_at FROM outcomes
          WHERE hall_code = $1 AND ${CASE_NO} = $2 AND ${EVENT} = $3 AND amends_id IS NULL ORDER BY position`,
        [hallCode, projectNo, event],
      );
      return rows.map((row) => ({ id: row.id, outcome: row.outcome, merge: row.merge, receivedAt: row.received_at }));
    },
    async phoneRatingsOfStage(hallCode, projectNo, event) {
      const rows = await sql.rows<{ id: string }>(
        "SELECT id FROM phone_ratings WHERE hall_code = $1 AND project_no = $2 AND event = $3 AND kind = 'case' AND counted ORDER BY received_at, id",
        [hallCode, projectNo, event],
      );
      return rows.map((row) => row.id);
    },
    async insertRating(row) {
      await sql.run(`INSERT INTO phone_ratings (${PHONE_RATING_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`, [
        row.id,
        row.kind,
        row.channel,
        row.hallCode,
        row.windowNo,
        row.projectNo,
        row.event,
        row.linkId,
        row.supersedes,
        row.counted,
        JSON.stringify(row.flags),
        row.addressKey,
        row.browserKey,
        row.day,
        row.receivedAt,
        row.body,
      ]);
    },
    async rating(id) {
      const row = await sql.row<PhoneRatingColumns>(`SELECT ${PHONE_RATING_COLUMNS} FROM phone_ratings WHERE id = $1`, [id]);
      return row && phoneRatingOf(row);
    },
    async supersededBy(outcomeId) {
      return (await sql.rows<{ id: string }>('SELECT id FROM phone_ratings WHERE supersedes = $1 ORDER BY received_at, id', [outcomeId])).map((row) => row.id);
    },
    async windowRecent(hallCode, windowNo, addressKey, browserKey, day, since) {
      const row = await sql.row<{ from_address: number; of_window: number; browser_today: boolean }>(
        `SELECT (SELECT count(*) FROM phone_ratings WHERE address_key = $3 AND received_at >= $6 AND kind = 'window') AS from_address,
                (SELECT count(*) FROM phone_ratings WHERE hall_code = $1 AND window_no = $2 AND received_at >= $6 AND kind = 'window') AS of_window,
                EXISTS (SELECT 1 FROM phone_ratings WHERE hall_code = $1 AND window_no = $2 AND browser_key = $4 AND day = $5 AND kind = 'window') AS browser_today`,
        [hallCode, windowNo, addressKey, browserKey, day, since],
      );
      return { fromAddressLastHour: row?.from_address ?? 0, ofWindowLastHour: row?.of_window ?? 0, browserRatedToday: row?.browser_today ?? false };
    },
    async knownWindow(hallCode, windowNo) {
      const row = await sql.row<{ window_name: string | null; dept_name: string }>(
        `SELECT intake_json(body) #>> '{window,windowName}' AS window_name, dept_name FROM outcomes WHERE hall_code = $1 AND window_no = $2 ORDER BY position DESC LIMIT 1`,
        [hallCode, windowNo],
      );
      return row?.window_name ? { windowName: row.window_name, deptName: row.dept_name } : undefined;
    },
    async channelCounts(hallCode, fromDay, toDay) {
      return sql.rows<{ channel: string; kind: string; counted: number; flagged: number }>(
        `SELECT channel, kind, count(*) FILTER (WHERE counted) AS counted, count(*) FILTER (WHERE NOT counted) AS flagged FROM phone_ratings
          WHERE hall_code = $1 AND day >= $2 AND day <= $3 GROUP BY channel, kind ORDER BY channel, kind`,
        [hallCode, fromDay, toDay],
      );
    },
    async exportPage(after, from, to, limit) {
      const rows = await sql.rows<{ id: string; received_at: number; body: string; counted: boolean }>(
        'SELECT id, received_at, body, counted FROM phone_ratings WHERE received_at >= $1 AND received_at < $2 AND (received_at, id) > ($3, $4) ORDER BY received_at, id LIMIT $5',
        [from, to, after.receivedAt, after.id, limit],
      );
      return rows.map((r) => ({ id: r.id, receivedAt: r.received_at, body: r.body, counted: r.counted }));
    },
    async countedTotal(hallCode, fromDay, toDay) {
      const row = await sql.row<{ n: number | null }>("SELECT sum(total) AS n FROM dashboard_daily WHERE hall_code = $1 AND dim = 'hall' AND day >= $2 AND day <= $3", [hallCode, fromDay, toDay]);
      return row?.n ?? 0;
    },
  };
}
