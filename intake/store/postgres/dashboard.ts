import { randomInt } from 'node:crypto';
import { splitPeriod } from '../../dashboard/splitPeriod';
import type { DashboardBucket } from '../../../contract/dashboard';
import type { CountRow, DashboardStore, TicketCounts } from '../store';
import { OUTCOME_KEY_COLUMN, RATING_TABLES, type RatingTable } from '../storeRows';
import { COUNT_SHARDS } from './migrations/008-dashboard-count-shards';
import type { PgSql } from './pgSql';

/** The period a local day (SQL expression, yyyy-MM-dd) falls in; week = ISO week named by its Monday. */
function periodOf(bucket: DashboardBucket, day: string): string {
  switch (bucket) {
    case 'total':
      return `''`;
    case 'day':
      return day;
    case 'week':
      return `to_char(date_trunc('week', (${day})::date), 'YYYY-MM-DD')`;
    case 'month':
      return `substr(${day}, 1, 7)`;
  }
}

const COUNT_COLUMNS = 'total, l1, l2, l3, l4, l5, unrated, declined, f_opened, f_closed, f_closed_late';
const COUNT_TABLES = { day: { table: 'dashboard_daily', period: 'day' }, month: { table: 'dashboard_monthly', period: 'month' } } as const;

/** Counts per key and bucket; day and week buckets read the daily table, total and month whole months from the monthly one and the edges from the daily one. */
function countsSql(bucket: DashboardBucket): string {
  // $1 hall, $2 dimension; then the period's days ($3..$4), or head days ($3..$4), tail days ($5..$6) and whole months ($7..$8).
  const daily = (from: string, to: string) =>
    `SELECT key, label, ${periodOf(bucket, 'day')} AS period, ${COUNT_COLUMNS} FROM dashboard_daily
      WHERE hall_code = $1 AND dim = $2 AND day BETWEEN ${from} AND ${to}`;
  const source =
    bucket === 'day' || bucket === 'week'
      ? daily('$3', '$4')
      : `${daily('$3', '$4')} UNION ALL ${daily('$5', '$6')} UNION ALL
         SELECT key, label, ${bucket === 'month' ? 'month' : `''`} AS period, ${COUNT_COLUMNS} FROM dashboard_monthly
          WHERE hall_code = $1 AND dim = $2 AND month BETWEEN $7 AND $8`;
  return `SELECT key, MAX(label) AS label, period, SUM(total) AS total, SUM(l1) AS l1, SUM(l2) AS l2, SUM(l3) AS l3, SUM(l4) AS l4, SUM(l5) AS l5,
                 SUM(unrated) AS unrated, SUM(declined) AS declined, SUM(f_opened) AS opened, SUM(f_closed) AS closed, SUM(f_closed_late) AS "closedLate"
            FROM (${source}) AS source GROUP BY key, period HAVING SUM(total) > 0 ORDER BY period COLLATE "C", key`;
}

/** One part per table a rating is in (a device's outcome or a phone rating, both aliased `o`), summed per key and period. */
const overRatings = (part: (ratings: RatingTable) => string, sums: string) =>
  `SELECT key, period, ${sums} FROM (${RATING_TABLES.map(part).join(' UNION ALL ')}) AS parts GROUP BY key, period`;

/** The shard the next transaction to count chooses (it keeps it for all its counts, migration 010); nodes start at a random one so that two nodes' first batches spread too. */
let nextShard = randomInt(COUNT_SHARDS);

/**
 * The dashboard tables on PostgreSQL: counts written by ingest's tally (and by the follow-up
 * trigger), read back summed per key and bucket, as store/sqlite/dashboard.ts does.
 */
export function pgDashboard(sql: PgSql): DashboardStore {
  return {
    async addCounts(increments) {
      if (increments.length === 0) return;
      // A transaction's first count chooses the next shard and its later counts keep it (migration 010), so batches running at once in this
      // process do not queue on a key's row lock; a transaction holding the ticket turn counts on the turn's own shard. One lock order for
      // every batch (the rows' keys), so batches that do meet on a shard wait for each other instead of deadlocking.
      const ordered = [...increments].sort((a, b) =>
        a.period !== b.period ? (a.period < b.period ? -1 : 1) : `${a.hallCode}\u0000${a.dim}\u0000${a.at}\u0000${a.key}` < `${b.hallCode}\u0000${b.dim}\u0000${b.at}\u0000${b.key}` ? -1 : 1,
      );
      // Every key of a batch in one statement (a round trip per key made ingest wait on the network): days, then months.
      const upsert = (table: string, column: string, period: string) =>
        `INSERT INTO ${table} AS t (hall_code, dim, ${column}, key, shard, label, total, l1, l2, l3, l4, l5, unrated, declined, f_opened)
         SELECT hall_code, dim, at, key, dashboard_ingest_shard($16::SMALLINT), label, c0, c1, c2, c3, c4, c5, c6, c7, c8 FROM increments WHERE period = '${period}' ORDER BY ord
         ON CONFLICT (hall_code, dim, ${column}, key, shard) DO UPDATE SET
           label = excluded.label, total = t.total + excluded.total, l1 = t.l1 + excluded.l1, l2 = t.l2 + excluded.l2, l3 = t.l3 + excluded.l3,
           l4 = t.l4 + excluded.l4, l5 = t.l5 + excluded.l5, unrated = t.unrated + excluded.unrated, declined = t.declined + excluded.declined,
           f_opened = t.f_opened + excluded.f_opened`;
      const shard = nextShard;
      nextShard = (nextShard + 1) % COUNT_SHARDS;
      await sql.run(
        `WITH increments AS (
           SELECT * FROM unnest($1::TEXT[], $2::TEXT[], $3::TEXT[], $4::TEXT[], $5::TEXT[], $6::TEXT[], ${Array.from({ length: 9 }, (_, i) => `$${i + 7}::BIGINT[]`).join(', ')})
             WITH ORDINALITY AS i(period, hall_code, dim, at, key, label, c0, c1, c2, c3, c4, c5, c6, c7, c8, ord)),
         days AS (${upsert(COUNT_TABLES.day.table, COUNT_TABLES.day.period, 'day')})
         ${upsert(COUNT_TABLES.month.table, COUNT_TABLES.month.period, 'month')}`,
        [
          ordered.map((i) => i.period),
          ordered.map((i) => i.hallCode),
          ordered.map((i) => i.dim),
          ordered.map((i) => i.at),
          ordered.map((i) => i.key),
          ordered.map((i) => i.label),
          ...Array.from({ length: 9 }, (_, n) => ordered.map((i) => i.counts[n] ?? 0)),
          shard,
        ],
        'dashboard_add_counts',
      );
    },
    async addWords(words) {
      for (const { hallCode, polarity, day, word, n } of words) {
        await sql.run(
          `INSERT INTO dashboard_words AS w (hall_code, polarity, day, word, n) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (hall_code, polarity, day, word) DO UPDATE SET n = w.n + excluded.n`,
          [hallCode, polarity, day, word, n],
        );
      }
    },
    async addComment(c) {
      await sql.run('INSERT INTO dashboard_comments (outcome_id, hall_code, rated_at, polarity, comment) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [
        c.outcomeId,
        c.hallCode,
        c.ratedAt,
        c.polarity,
        c.comment,
      ]);
    },
    async counts(q) {
      if (q.bucket === 'day' || q.bucket === 'week') return sql.rows<CountRow>(countsSql(q.bucket), [q.hall, q.by, q.from, q.to]);
      const split = splitPeriod(q.from, q.to);
      return sql.rows<CountRow>(countsSql(q.bucket), [q.hall, q.by, split.headFrom, split.headTo, split.tailFrom, split.tailTo, split.monthFrom, split.monthTo]);
    },
    async openNotDue(q) {
      // The still-open, not-yet-due follow-ups are few (the followups_open index finds them), of device and phone ratings.
      return sql.rows<{ key: string; period: string; n: number }>(
        overRatings(
          (ratings) => `SELECT ${OUTCOME_KEY_COLUMN[q.by]} AS key, ${periodOf(q.bucket, 'substr(o.rated_at, 1, 10)')} AS period, COUNT(*) AS n
             FROM followups f JOIN ${ratings} o ON o.id = f.outcome_id
            WHERE f.closed_at IS NULL AND f.due_at >= $4 AND o.hall_code = $1 AND substr(o.rated_at, 1, 10) BETWEEN $2 AND $3 AND ${OUTCOME_KEY_COLUMN[q.by]} IS NOT NULL
            GROUP BY 1, 2`,
          'SUM(n)::integer AS n',
        ),
        [q.hall, q.from, q.to, q.now],
      );
    },
    async hotWords(q) {
      return sql.rows<{ word: string; count: number }>(
        `SELECT word, SUM(n) AS count FROM dashboard_words
          WHERE hall_code = $1 AND polarity = $2 AND day BETWEEN $3 AND $4
          GROUP BY word ORDER BY count DESC, word LIMIT $5`,
        [q.hall, q.polarity, q.from, q.to, q.limit],
      );
    },
    async comments(q) {
      // rated_at starts with the local day, so the period is a range of the index (hall_code, rated_at).
      return sql.rows<{ day: string; polarity: 'good' | 'bad'; text: string }>(
        `SELECT substr(rated_at, 1, 10) AS day, polarity, comment AS text FROM dashboard_comments
          WHERE hall_code = $1 AND rated_at BETWEEN $2 AND $3 || '~' ORDER BY rated_at DESC LIMIT $4`,
        [q.hall, q.from, q.to, q.limit],
      );
    },
    async excludedAfterAppeal(q) {
      // 差评 excluded after an appeal are few: the tickets that say so, with their rating (issue 23), a device's press or a phone rating.
      return sql.rows<{ key: string; period: string; l1: number; l2: number }>(
        overRatings(
          (ratings) => `SELECT ${OUTCOME_KEY_COLUMN[q.by]} AS key, ${periodOf(q.bucket, 'substr(o.rated_at, 1, 10)')} AS period,
                  COUNT(*) FILTER (WHERE o.level = 1) AS l1, COUNT(*) FILTER (WHERE o.level = 2) AS l2
             FROM tickets t JOIN ${ratings} o ON o.id = t.outcome_id
            WHERE t.excluded AND o.hall_code = $1 AND substr(o.rated_at, 1, 10) BETWEEN $2 AND $3 AND ${OUTCOME_KEY_COLUMN[q.by]} IS NOT NULL
            GROUP BY 1, 2`,
          'SUM(l1)::integer AS l1, SUM(l2)::integer AS l2',
        ),
        [q.hall, q.from, q.to],
      );
    },
    async ticketCounts(q) {
      // Read from the machine's state as stored (intake/tickets/ticketMachine.ts Ticket).
      const row = await sql.row<TicketCounts>(
        `SELECT COUNT(*) AS opened,
                COUNT(*) FILTER (WHERE s #>> '{rectification}' IS NOT NULL) AS rectifying,
                COUNT(*) FILTER (WHERE s #>> '{rectification,doneAt}' IS NOT NULL) AS rectified,
                COUNT(*) FILTER (WHERE s #> '{rectification,onTime}' = 'true'::jsonb) AS "rectifiedOnTime",
                COUNT(*) FILTER (WHERE s #>> '{feedback,satisfaction}' IS NOT NULL) AS revisited,
                COUNT(*) FILTER (WHERE s #>> '{feedback,satisfaction}' IN ('satisfied', 'basically_satisfied')) AS satisfied,
                COUNT(*) FILTER (WHERE s #>> '{appeal}' IS NOT NULL) AS "appealsFiled",
                COUNT(*) FILTER (WHERE s #> '{appeal,decision,upheld}' = 'true'::jsonb) AS "appealsUpheld",
                COUNT(*) FILTER (WHERE s #> '{appeal,decision,upheld}' = 'false'::jsonb) AS "appealsRejected"
           FROM tickets, intake_json(state) AS s WHERE hall_code = $1 AND opened_at BETWEEN $2 AND $3`,
        [q.hall, q.fromMs, q.toMs],
      );
      return row as TicketCounts;
    },
    async publicRectifications(q) {
      // Public: the citizen's choice in the details they gave after the press, else the rating's own (a phone rating has no details).
      const of = (ratings: RatingTable) =>
        `SELECT substr(o.rated_at, 1, 10) AS day, t.department AS department,
                ${ratings === 'phone_ratings' ? 'o.task_name' : "intake_json(o.body) #>> '{case,taskName}'"} AS item,
                s #>> '{rectification,note}' AS result, s #> '{rectification,doneAt}' AS done_at
           FROM tickets t CROSS JOIN intake_json(t.state) AS s JOIN ${ratings} o ON o.id = t.outcome_id
          WHERE o.hall_code = $1 AND substr(o.rated_at, 1, 10) BETWEEN $2 AND $3 AND NOT t.excluded
            AND s #>> '{rectification,doneAt}' IS NOT NULL
            AND ${
              ratings === 'phone_ratings'
                ? "NULLIF(intake_json(o.body) -> 'public', 'null'::jsonb) = 'true'::jsonb"
                : `COALESCE(
                  (SELECT NULLIF(intake_json(d.body) -> 'public', 'null'::jsonb) FROM outcomes d
                    WHERE d.amends_id = t.outcome_id AND d.amends_kind = 'details' AND d.merge = 'amendment' ORDER BY d.position LIMIT 1),
                  NULLIF(intake_json(o.body) -> 'public', 'null'::jsonb)) = 'true'::jsonb`
            }`;
      return sql.rows<{ day: string; department: string | null; item: string | null; result: string }>(
        `SELECT day, department, item, result FROM (${RATING_TABLES.map(of).join(' UNION ALL ')}) AS parts ORDER BY done_at DESC LIMIT $4`,
        [q.hall, q.from, q.to, q.limit],
      );
    },
  };
}
