import type { Staff } from '../../contract/caseEvent';
import { FREE_RATING_PROJECT_PREFIX, FREE_RATING_TASK_CODE } from '../../contract/freeRating';
import type { Outcome } from '../../contract/outcome';
import { PhoneRatingSchema, type PhoneRating, type PhoneRatingFlag } from '../../contract/phoneRating';
import { readStoredOutcome } from '../integrity/storedOutcome';
import { mergedRating } from './mergeRules';

/**
 * A rating as its consumers read it — follow-ups, tickets, the province export and forwarding:
 * a device's press merged with its details, or a rating made on the citizen's phone (issue 24).
 * A window's phone rating names no staff member; `flags` are the phone rating's own.
 */
export type RatingRecord = Pick<Outcome, 'id' | 'outcome' | 'level' | 'tags' | 'comment' | 'public' | 'callback' | 'channel' | 'ratedAt' | 'clockOffsetMs' | 'event' | 'case' | 'window'> & {
  staff?: Staff;
  phoneFlags?: PhoneRatingFlag[];
};

/**
 * A phone rating as a rating record. A window's rating rates the window's service as the PAD's
 * free rating does (a 办结 of no registered case: projectNo FREE-<its own id>, taskCode
 * WINDOW-SERVICE); its time is the intake's own clock, so nothing corrects it.
 */
export function phoneRatingRecord(rating: PhoneRating): RatingRecord {
  const caseInfo = rating.case ?? {
    projectNo: `${FREE_RATING_PROJECT_PREFIX}${rating.id.replace(/-/g, '')}`,
    taskCode: FREE_RATING_TASK_CODE,
    taskName: `${rating.window.windowName}服务评价`,
    deptName: rating.deptName ?? rating.window.windowName,
  };
  return {
    id: rating.id,
    outcome: 'rated',
    level: rating.level,
    tags: rating.tags,
    ...(rating.comment !== undefined ? { comment: rating.comment } : {}),
    public: rating.public,
    callback: rating.callback,
    channel: rating.channel,
    ratedAt: rating.ratedAt,
    clockOffsetMs: null,
    event: rating.event ?? 'closed',
    case: caseInfo,
    window: rating.window,
    ...(rating.staff ? { staff: rating.staff } : {}),
    phoneFlags: rating.flags,
  };
}

/**
 * A stored rating body (and the body of its details, for a device press) read back as a rating
 * record: a device outcome or a phone rating, whichever it is; or why it no longer reads.
 */
export function readRatingRecord(body: string, details: string | null): { ok: true; rating: RatingRecord } | { ok: false; reason: string } {
  const press = readStoredOutcome(body);
  if (press.ok) {
    const amended = details === null ? null : readStoredOutcome(details);
    if (amended && !amended.ok) return { ok: false, reason: 'the stored details of this rating no longer read: run the integrity re-check for its device' };
    return { ok: true, rating: mergedRating(press.outcome, amended?.outcome) };
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { ok: false, reason: 'the stored rating is not JSON' };
  }
  const phone = PhoneRatingSchema.safeParse(json);
  if (phone.success) return { ok: true, rating: phoneRatingRecord(phone.data) };
  return { ok: false, reason: 'the stored rating no longer reads as an outcome or a phone rating: run the integrity re-check for its device' };
}

/**
 * The rating behind a follow-up or ticket for the people who work it: read as
 * readRatingRecord reads it, or, where the stored body no longer passes its schema (the integrity
 * re-check names it), as it was stored, so that one damaged record does not hide the others.
 */
export function ratingRecordAsStored(body: string, details: string | null): RatingRecord {
  const read = readRatingRecord(body, details);
  if (read.ok) return read.rating;
  return mergedRating(JSON.parse(body) as Outcome, details === null ? undefined : (JSON.parse(details) as Outcome));
}
