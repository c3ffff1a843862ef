import type { FastifyInstance } from 'fastify';
import { PROFILES, provincialWarnings, toProvincial } from '../export/provinceProfiles';
import { mergedRating } from '../ingest/mergeRules';
import { readStoredOutcome } from '../integrity/storedOutcome';
import type { ExportCursor, IntakeStore } from '../store/store';
import { sendError, type RequireAdmin } from './http';

/** Records per export page: a day of a large hall spans several, followed by `next`. */
const EXPORT_PAGE_MAX = 5_000;

function parseExportCursor(after: string): ExportCursor | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && Number.isInteger(value[0]) && typeof value[1] === 'string') return { receivedAt: value[0] as number, id: value[1] as string };
  } catch {
    // falls through: not a cursor this intake gave out
  }
  return null;
}

/** The province export: outcomes mapped to a province profile, in pages that follow (receivedAt, id). */
export function registerExportRoutes(app: FastifyInstance, deps: { store: IntakeStore; requireAdmin: RequireAdmin }): void {
  const { store, requireAdmin } = deps;
  app.get('/v1/export', async (request, reply) => {
    if (!requireAdmin(request, reply)) return reply;
    const query = request.query as { profile?: string; from?: string; to?: string; after?: string; limit?: string };
    // Own keys only: `constructor` or `__proto__` is not a profile.
    const profile = query.profile !== undefined && Object.hasOwn(PROFILES, query.profile) ? PROFILES[query.profile] : undefined;
    if (!profile) return sendError(reply, 400, 'unknown_profile', `profile must be one of ${Object.keys(PROFILES).join(', ')}`);
    const from = query.from ? Date.parse(query.from) : 0;
    const to = query.to ? Date.parse(query.to) : Number.MAX_SAFE_INTEGER;
    if (Number.isNaN(from) || Number.isNaN(to)) return sendError(reply, 400, 'bad_range', 'from and to must be ISO dates');
    const limit = query.limit === undefined ? EXPORT_PAGE_MAX : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > EXPORT_PAGE_MAX) return sendError(reply, 400, 'bad_limit', `limit must be an integer from 1 to ${EXPORT_PAGE_MAX}`);
    const cursor = query.after === undefined ? { receivedAt: -1, id: '' } : parseExportCursor(query.after);
    if (!cursor) return sendError(reply, 400, 'bad_cursor', 'after must be the next value of an earlier page');
    // One row beyond the page says whether another page follows.
    const rows = await store.outcomes.exportPage(cursor, from, to, limit + 1);
    const page = rows.slice(0, limit);
    const warnings: Array<{ outcomeId: string; message: string }> = [];
    const records = page.flatMap((row) => {
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
    const next = rows.length > limit && last ? Buffer.from(JSON.stringify([last.receivedAt, last.id])).toString('base64url') : null;
    return { profile: profile.name, records, warnings, next };
  });
}
