/**
 * The seam's rows (store.ts) as every engine reads them from its columns: both engines keep the
 * same snake_case column names, so the mapping from a column row to the intake's row is written
 * once. Booleans are SQLite's 1/0 or PostgreSQL's true/false; either reads as a boolean here.
 */
import type { DashboardDimension } from '../../contract/dashboard';
import type { TicketStage } from '../../contract/tickets';
import type { ForwardRecord, ForwardState } from '../forwarding/forwardState';
import type {
  EnrolmentPurpose,
  EnrolmentTokenListing,
  EnrolmentTokenRow,
  FollowupClass,
  FollowupRow,
  PairingCodeRow,
  PhoneRatingRow,
  TicketActionRow,
  TicketRow,
  TicketStateDue,
} from './store';

/** A boolean column: SQLite stores 1/0, PostgreSQL true/false. */
type BooleanColumn = boolean | number;
const isTrue = (value: BooleanColumn) => value === true || value === 1;

export interface TokenColumns {
  token_hash: string;
  device_id: string | null;
  hall_code: string | null;
  purpose: EnrolmentPurpose;
  expires_at: number;
  used_at: number | null;
  used_by: string | null;
  revoked_at: number | null;
  revoked_by: string | null;
}
export const TOKEN_COLUMNS = 'token_hash, device_id, hall_code, purpose, expires_at, used_at, used_by, revoked_at, revoked_by';
export const tokenOf = (row: TokenColumns): EnrolmentTokenRow => ({
  deviceId: row.device_id,
  hallCode: row.hall_code,
  purpose: row.purpose,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
  usedBy: row.used_by,
  revokedAt: row.revoked_at,
  revokedBy: row.revoked_by,
});
/** A token as the admin lists it: never the token, only the first 12 hex digits of its hash as its id. */
export const tokenListingOf = (row: TokenColumns): EnrolmentTokenListing => ({ id: row.token_hash.slice(0, 12), ...tokenOf(row) });

export interface PairingCodeColumns {
  device_id: string;
  code: string;
  created_at: number;
  expires_at: number;
  replaced_at: number | null;
  confirmed_at: number | null;
  staff: string | null;
}
export const pairingCodeOf = (r: PairingCodeColumns): PairingCodeRow => ({
  deviceId: r.device_id,
  code: r.code,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  replacedAt: r.replaced_at,
  confirmedAt: r.confirmed_at,
  staff: r.staff,
});

export interface FollowupColumns {
  outcome_id: string;
  class: FollowupClass;
  opened_at: number;
  due_at: number;
  closed_at: number | null;
  note: string | null;
  body: string;
  details_body: string | null;
}
export const followupOf = (r: FollowupColumns): FollowupRow => ({
  outcomeId: r.outcome_id,
  class: r.class,
  openedAt: r.opened_at,
  dueAt: r.due_at,
  closedAt: r.closed_at,
  note: r.note,
  body: r.body,
  detailsBody: r.details_body,
});

export interface TicketColumns {
  id: string;
  outcome_id: string | null;
  hall_code: string | null;
  department: string | null;
  stage: TicketStage;
  due_at: number | null;
  opened_at: number;
  excluded: BooleanColumn;
  version: number;
  state: string;
  dispatch: string | null;
}
export const TICKET_COLUMNS = 'id, outcome_id, hall_code, department, stage, due_at, opened_at, excluded, version, state, dispatch';
export const ticketOf = (r: TicketColumns): TicketRow => ({
  id: r.id,
  outcomeId: r.outcome_id,
  hallCode: r.hall_code,
  department: r.department,
  stage: r.stage,
  dueAt: r.due_at,
  openedAt: r.opened_at,
  excluded: isTrue(r.excluded),
  version: r.version,
  state: r.state,
  dispatch: r.dispatch,
});

export interface TicketActionColumns {
  seq: number;
  ticket_id: string | null;
  at: number;
  actor: string;
  what: string;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}
export const TICKET_ACTION_COLUMNS = 'seq, ticket_id, at, actor, what, before, after, prev_hash, hash';
export const ticketActionOf = (r: TicketActionColumns): TicketActionRow => ({
  seq: r.seq,
  ticketId: r.ticket_id,
  at: r.at,
  actor: r.actor,
  what: r.what,
  before: r.before,
  after: r.after,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export interface ForwardColumns {
  outcome_id: string;
  destination: string;
  state: ForwardState;
  attempts: number;
  next_attempt_at: number;
  last_error: string | null;
  ack_id: string | null;
  ack_kind: 'accepted' | 'duplicate' | null;
  stored_at: number;
  updated_at: number;
}
/** The forwarding queue's columns, the queue aliased `q`. */
export const FORWARD_COLUMNS = 'q.outcome_id, q.destination, q.state, q.attempts, q.next_attempt_at, q.last_error, q.ack_id, q.ack_kind, q.stored_at, q.updated_at';
/**
 * A ticket's states reach a destination in their order: one waits while an earlier state of the
 * same ticket is still pending or sending there (one backing off after a 5xx would otherwise
 * arrive after a later one). Both engines' claim of due ticket states (alias q) use it.
 */
export const EARLIER_STATE_UNSENT = `SELECT 1 FROM forward_ticket_states e
  WHERE e.ticket_id = q.ticket_id AND e.destination = q.destination AND e.seq < q.seq AND e.state IN ('pending', 'sending')`;
/** A queued ticket state's columns (forward_ticket_states aliased `q`), its record id `ticketId#seq` in outcome_id. */
export const TICKET_STATE_COLUMNS = 'q.ticket_id, q.seq, q.body, q.destination, q.state, q.attempts, q.next_attempt_at, q.last_error, q.ack_id, q.ack_kind, q.stored_at, q.updated_at';
export type TicketStateColumns = Omit<ForwardColumns, 'outcome_id'> & { ticket_id: string; seq: number; body: string };
export const ticketStateOf = (row: TicketStateColumns): TicketStateDue => ({
  ...forwardRecordOf({ ...row, outcome_id: `${row.ticket_id}#${row.seq}` }),
  ticketId: row.ticket_id,
  seq: Number(row.seq),
  body: row.body,
});
export const forwardRecordOf = (row: ForwardColumns): ForwardRecord => ({
  outcomeId: row.outcome_id,
  destination: row.destination,
  state: row.state,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error,
  ackId: row.ack_id,
  ackKind: row.ack_kind,
  storedAt: row.stored_at,
  updatedAt: row.updated_at,
});

export interface PhoneRatingColumns {
  id: string;
  kind: 'case' | 'window';
  channel: string;
  hall_code: string;
  window_no: string;
  project_no: string | null;
  event: string | null;
  link_id: string | null;
  supersedes: string | null;
  counted: BooleanColumn;
  /** JSON array of the flags. */
  flags: string;
  address_key: string | null;
  browser_key: string | null;
  day: string;
  received_at: number;
  body: string;
}
export const PHONE_RATING_COLUMNS = 'id, kind, channel, hall_code, window_no, project_no, event, link_id, supersedes, counted, flags, address_key, browser_key, day, received_at, body';
export const phoneRatingOf = (row: PhoneRatingColumns): PhoneRatingRow => ({
  id: row.id,
  kind: row.kind,
  channel: row.channel,
  hallCode: row.hall_code,
  windowNo: row.window_no,
  projectNo: row.project_no,
  event: row.event,
  linkId: row.link_id,
  supersedes: row.supersedes,
  counted: isTrue(row.counted),
  flags: JSON.parse(row.flags) as string[],
  addressKey: row.address_key,
  browserKey: row.browser_key,
  day: row.day,
  receivedAt: row.received_at,
  body: row.body,
});

/**
 * The tables a rating is stored in: a device's outcome, or a rating on the citizen's phone, whose
 * table has the outcomes' key columns (hall_code, rated_at, level, dept_name, window_no,
 * staff_login, task_code) since SQLite's migration 24 and PostgreSQL's 6. A follow-up's or
 * ticket's outcome_id names a row of either; dashboard queries that start from them read both.
 */
export const RATING_TABLES = ['outcomes', 'phone_ratings'] as const;
export type RatingTable = (typeof RATING_TABLES)[number];

/** The outcomes column (aliased `o`) that holds each dashboard dimension's key; a phone rating's column of the same name holds the same. */
export const OUTCOME_KEY_COLUMN: Record<DashboardDimension, string> = {
  hall: 'o.hall_code',
  dept: 'o.dept_name',
  window: 'o.window_no',
  staff: 'o.staff_login',
  item: 'o.task_code',
};
