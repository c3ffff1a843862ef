import type { FastifyInstance } from 'fastify';
import { PROFILES, provincialWarnings, toProvincial } from '../export/provinceProfiles';
import { mergedRating } from '../ingest/mergeRules';
import { readRatingRecord } from '../ingest/ratingRecord';
import { readStoredOutcome } from '../integrity/storedOutcome';
import type { ExportCursor, IntakeStore } from '../store/store';
import { ExportQuerySchema } from '../../contract/adminApi';
import { decodeCursor, encodeCursor } from './cursor';
import { parseQuery, sendError, type RequireAdmin } from './http';

/** The province export: device ratings in force and phone ratings mapped to a province profile, in pages that follow (receivedAt, id). */
export function registerExportRoutes(app: FastifyInstance, deps: { store: IntakeStore; requireAdmin: RequireAdmin }): void {
  const { store, requireAdmin } = deps;
  app.get('/v1/export', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = parseQuery(ExportQuerySchema, request, reply);
    if (!query) return reply;
    // Own keys only: `constructor` or `__proto__` is not a profile.
    const profile = Object.hasOwn(PROFILES, query.profile) ? PROFILES[query.profile] : undefined;
    if (!profile) return sendError(reply, 400, 'unknown_profile', `profile must be one of ${Object.keys(PROFILES).join(', ')}`);
    const from = query.from ? Date.parse(query.from) : 0;
    const to = query.to ? Date.parse(query.to) : Number.MAX_SAFE_INTEGER;
    const { limit } = query;
    const after = query.after === undefined ? [-1, ''] : decodeCursor(query.after, ['n', 's']);
    if (!after) return sendError(reply, 400, 'bad_cursor', 'after must be the next value of an earlier page');
    const cursor: ExportCursor = { receivedAt: after[0] as number, id: after[1] as string };
    // One row beyond the page says whether another page follows. Device and phone ratings (issue 24)
    // share the (receivedAt, id) order, so one cursor pages through both.
    const [deviceRows, phoneRows] = await Promise.all([store.outcomes.exportPage(cursor, from, to, limit + 1), store.phone.exportPage(cursor, from, to, limit + 1)]);
    const rows = [...deviceRows.map((row) => ({ ...row, phone: null })), ...phoneRows.map((row) => ({ ...row, details: null, phone: { counted: row.counted } }))]
      .sort((a, b) => a.receivedAt - b.receivedAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
      .slice(0, limit + 1);
    const page = rows.slice(0, limit);
    const warnings: Array<{ outcomeId: string; message: string }> = [];
    const records = page.flatMap((row) => {
      if (row.phone) {
        const read = readRatingRecord(row.body, null);
        if (!read.ok) {
          warnings.push({ outcomeId: row.id, message: `${read.reason}: left out of the export` });
          return [];
        }
        const record = toProvincial(read.rating, profile);
        for (const message of provincialWarnings(record, read.rating)) warnings.push({ outcomeId: row.id, message });
        // Kept past a window QR limit: listed with its flags, but neither counted nor forwarded.
        if (!row.phone.counted) warnings.push({ outcomeId: row.id, message: `a window QR rating kept flagged (${record.phoneFlags ?? ''}): not counted and not forwarded to the province` });
        return [record];
      }
      // A stored body that no longer reads is named, not allowed to stop every later page.
      const stored = readStoredOutcome(row.body);
      if (!stored.ok) {
        warnings.push({ outcomeId: row.id, message: 'the stored outcome no longer reads as an outcome: left out of the export; run the integrity re-check for its device' });
        return [];
      }
      // One rating per invitation: its press with the details the citizen gave after it.
      const details = row.details === null ? null : readStoredOutcome(row.details);
      if (details && !details.ok) warnings.push({ outcomeId: row.id, message: 'the stored details of this rating no longer read: exported without them; run the integrity re-check for its device' });
      const rating = mergedRating(stored.outcome, details?.ok ? details.outcome : undefined);
      const record = toProvincial(rating, profile);
      for (const message of provincialWarnings(record, rating)) warnings.push({ outcomeId: row.id, message });
      return [record];
    });
    const last = page[page.length - 1];
    const next = rows.length > limit && last ? encodeCursor([last.receivedAt, last.id]) : null;
    return { profile: profile.name, records, warnings, next };
  });
}
