/**
 * The intake's storage seam: one interface per concern, every method a promise, so that an engine
 * on the network (PostgreSQL) fits behind it as well as the embedded SQLite file. No SQL outside
 * `store/<engine>/`; the rules (chain audit, ingest, enrolment, pairing, follow-ups) live in their
 * own folders and reach the data only through these interfaces.
 *
 * Rows here are the intake's own shapes (camelCase), not an engine's columns. A method that
 * writes more than one row is atomic on its own; work that must be all-or-nothing across calls
 * runs in `transaction`, through the `tx` it is given (never through the store itself, which
 * waits for the transaction to finish).
 */
import type { DashboardBucket, DashboardDimension } from '../../contract/dashboard';
import type { EnrolmentPurpose } from '../../contract/provisioning';
import type { FleetFlagKind, Heartbeat } from '../../contract/heartbeat';
import type { InvitationReport } from '../../contract/invitationReport';
import type { IntegrityEvent, IntegrityEventKind, SeqGap } from '../integrity/integrityEvents';
import type { OutcomeColumn } from '../integrity/storedOutcome';
import type { MergeState, MergeView } from '../ingest/mergeRules';
import type { TicketStage } from '../../contract/tickets';
import type { ForwardRecord, ForwardState } from '../forwarding/forwardState';
import type { StoredLink } from '../phone/caseLinks';
import type { DeviceEnding } from '../phone/caseStageRules';
import type { WindowRecent } from '../phone/windowLimits';

/** A first enrolment, or the key rotation of an enrolled device. */
export type { EnrolmentPurpose };

export interface EnrolmentTokenRow {
  /** The one device that may use the token (null only for tokens stored before tokens were bound). */
  deviceId: string | null;
  /** The hall the device belongs to (null only for tokens stored before tokens were bound). */
  hallCode: string | null;
  purpose: EnrolmentPurpose;
  expiresAt: number;
  usedAt: number | null;
  usedBy: string | null;
  /** When and by whom (a person's "by: reason", or the intake's own reason) it was revoked; null while it stands. */
  revokedAt?: number | null;
  revokedBy?: string | null;
}

/** An enrolment token as the admin lists it: never the token, only the first 12 hex digits of its hash as its id. */
export interface EnrolmentTokenListing extends EnrolmentTokenRow {
  id: string;
}

export interface DeviceKeyRecord {
  publicKey: string;
  enrolledAt: number;
  retiredAt: number | null;
  /** The lowest chain seq of a stored outcome this key signed; null while it signed none (the rotation point of the key before it). */
  firstSeq: number | null;
}

export interface DeviceStore {
  findToken(tokenHash: string): Promise<EnrolmentTokenRow | undefined>;
  /**
   * Adds a provisioned token, bound to its device and hall; one already known is left as it is,
   * except that a token stored before tokens were bound takes the binding given now.
   */
  addToken(tokenHash: string, binding: { deviceId: string; hallCode: string; purpose: EnrolmentPurpose }, expiresAt: number): Promise<void>;
  /** Marks an unused token used; false when it was used already. */
  useToken(tokenHash: string, at: number, deviceId: string): Promise<boolean>;
  /** Revokes the device's unused tokens stored before `tokenHash` (a newer token was used); returns how many. */
  revokeOlderTokens(deviceId: string, tokenHash: string, at: number, by: string): Promise<number>;
  /** The tokens of a device, or of a hall, newest first (at most `limit`). */
  listTokens(filter: { deviceId?: string; hallCode?: string }, limit: number): Promise<EnrolmentTokenListing[]>;
  /** Revokes the unused, unrevoked token whose hash starts with `id`; false when there is none (or more than one). */
  revokeToken(id: string, at: number, by: string): Promise<EnrolmentTokenListing | null>;
  /** The device's current key and hall (null: enrolled before devices had halls, and no provisioned token has named it since). */
  currentKey(deviceId: string): Promise<{ publicKey: string; enrolledAt: number; hallCode: string | null } | undefined>;
  /** Makes `publicKey` the device's current key from `at`, retiring the one before it (kept in the key history); the device is in `hallCode`. */
  setKey(deviceId: string, publicKey: string, at: number, hallCode: string): Promise<void>;
  /** Gives a device enrolled before devices had halls the hall its provisioned token names; a device with a hall keeps it. */
  adoptHall(deviceId: string, hallCode: string): Promise<void>;
  /** Every key the device has held, oldest first. */
  keyHistory(deviceId: string): Promise<DeviceKeyRecord[]>;
  /** An outcome at `seq` signed by the device's key `publicKey` was stored: the key's firstSeq becomes the lower of the two. */
  noteSigned(deviceId: string, publicKey: string, seq: number): Promise<void>;
  /** Flags the device untrusted, unless it is flagged already (the first reason stands). */
  flag(deviceId: string, at: number, reason: string): Promise<void>;
  flagOf(deviceId: string): Promise<{ at: number; reason: string } | null>;
  /** A person cleared the device: what it sends from now on is trusted again. */
  unflag(deviceId: string): Promise<void>;
}

/** An outcome as ingest stores it: the signed body as received, and the columns read from it. */
export interface NewOutcomeRow {
  id: string;
  deviceId: string;
  bodyHash: string;
  body: string;
  receivedAt: number;
  trusted: boolean;
  /** What the record is to the merged view (ingest/mergeRules.ts). */
  merge: MergeState;
  columns: Record<OutcomeColumn, string | number | null>;
}

/** A stored outcome as the re-check reads it: body, hash, columns, and its place in storage order. */
export type StoredOutcomeRow = Record<OutcomeColumn, string | number | null> & {
  /** Storage order, which breaks ties between forked rows of one seq. */
  position: number;
  id: string;
  seq: number;
  body: string;
  bodyHash: string;
  receivedAt: number;
};

export interface ExportCursor {
  receivedAt: number;
  id: string;
}

export interface OutcomeStore {
  /** The stored body's hash for an outcome id, if the id is stored. */
  bodyHash(id: string): Promise<string | undefined>;
  insert(row: NewOutcomeRow): Promise<void>;
  /** The outcome holding a seq of a device's chain (the first stored, when forked). */
  atSeq(deviceId: string, seq: number): Promise<{ id: string; chainHash: string | null; prevHash: string | null } | undefined>;
  /** The highest seq stored for the device, 0 when none. */
  maxSeq(deviceId: string): Promise<number>;
  count(deviceId: string): Promise<number>;
  /** The device's stored records in seq (then storage) order after a position, with what each is to the merged view. */
  list(
    deviceId: string,
    after: { seq: number; position: number },
    limit: number,
  ): Promise<Array<{ id: string; seq: number; position: number; merge: MergeState; amends: { outcomeId: string; kind: string } | null }>>;
  /** Whether an outcome id is stored for this device. */
  isOfDevice(id: string, deviceId: string): Promise<boolean>;
  /** A stored record as the merge rules see it. */
  mergeView(id: string): Promise<MergeView | undefined>;
  /** The invitation's ending in force (merge state `rating`), if any. */
  ratingInForce(deviceId: string, invitationId: string): Promise<MergeView | undefined>;
  /** Whether a press has an amendment of this kind in force. */
  hasAmendment(pressId: string, kind: string): Promise<boolean>;
  setMerge(id: string, merge: MergeState): Promise<void>;
  /** The stored body of a record. */
  body(id: string): Promise<string | undefined>;
  /** The device's records stored untrusted (merge state `untrusted`), in chain order, with their bodies. */
  untrusted(deviceId: string, limit: number): Promise<Array<{ id: string; seq: number; body: string }>>;
  countUntrusted(deviceId: string): Promise<number>;
  /** A person cleared an untrusted record: it is trusted, with the merge state the rules give it now. */
  readmit(id: string, merge: MergeState): Promise<void>;
  /** Records a flag the device raised after the outcome was sent (the highest count stands). */
  addLateFlag(outcomeId: string, flag: string, count: number, receivedAt: number): Promise<void>;
  /** Runs of seqs missing below the highest stored one, the first `limit` of them. */
  gaps(deviceId: string, limit: number): Promise<SeqGap[]>;
  /**
   * Ratings in force (merge state `rating`) received in [from, to), after the cursor, in
   * (receivedAt, id) order, each with the body of its details in force, if any; an ending a phone
   * rating superseded is left out (the phone rating stands for its case stage, PhoneStore.exportPage).
   */
  exportPage(after: ExportCursor, from: number, to: number, limit: number): Promise<Array<{ id: string; receivedAt: number; body: string; details: string | null }>>;
  /** A device's stored outcomes in chain order (seq, then storage order), after a position. */
  chainRowsAfter(deviceId: string, after: { seq: number; position: number }, limit: number): Promise<StoredOutcomeRow[]>;
}

export interface IntegrityStore {
  addEvent(deviceId: string, kind: IntegrityEventKind, seq: number | null, outcomeId: string | null, detail: string, at: number): Promise<void>;
  /** The device's events in the order recorded, after the event numbered `afterId`. */
  events(deviceId: string, afterId: number, limit: number): Promise<Array<IntegrityEvent & { id: number }>>;
}

export interface InvitationStore {
  /** Stores an invitation unless the device has one for the same event key; true when stored. */
  insertIfNew(row: { id: string; deviceId: string; eventKey: string; body: string; createdAt: number }): Promise<boolean>;
  bodyByEventKey(deviceId: string, eventKey: string): Promise<string | undefined>;
  /** Bodies of the device's unacknowledged invitations, oldest first. */
  pending(deviceId: string): Promise<string[]>;
  /** True when this acknowledgement was the first. */
  ack(deviceId: string, id: string, at: number): Promise<boolean>;
}

export interface PairingCodeRow {
  deviceId: string;
  code: string;
  createdAt: number;
  expiresAt: number;
  replacedAt: number | null;
  confirmedAt: number | null;
  /** The confirming staff card, as JSON. */
  staff: string | null;
}

export interface PairingStore {
  /** Marks the device's unconfirmed codes replaced. */
  replaceUnconfirmed(deviceId: string, at: number): Promise<void>;
  /** Whether some device shows this code now (not expired, replaced or confirmed). */
  isLive(code: string, at: number): Promise<boolean>;
  insert(code: string, deviceId: string, at: number, expiresAt: number): Promise<void>;
  byDevice(deviceId: string, code: string): Promise<PairingCodeRow | undefined>;
  /** The most recent row for a code, whichever device had it. */
  newest(code: string): Promise<PairingCodeRow | undefined>;
  /** Confirms an unconfirmed code; false when it was confirmed already. */
  confirm(deviceId: string, code: string, at: number, staffLogin: string, staffJson: string): Promise<boolean>;
  /**
   * Counts a wrong password tried against a code; at `burnAfter` the code is replaced (the device
   * asks for a new one). True when this attempt burned it.
   */
  addFailure(deviceId: string, code: string, at: number, burnAfter: number): Promise<boolean>;
  /** Confirmed pairings of a device, newest first, before the (confirmedAt, position) given. */
  history(deviceId: string, limit: number, before?: { confirmedAt: number; position: number }): Promise<Array<{ staff: string; confirmedAt: number; position: number }>>;
}

export type FollowupClass = 'immediate' | '5wd' | '15wd';

export interface FollowupRow {
  outcomeId: string;
  class: FollowupClass;
  openedAt: number;
  dueAt: number;
  closedAt: number | null;
  note: string | null;
  /** The 差评's stored outcome body (its press). */
  body: string;
  /** The body of the details the citizen gave after the press, if any. */
  detailsBody: string | null;
}

export interface FollowupStore {
  /** Opens a follow-up counted in ingest's own dashboard tally; false when the outcome has one. */
  openOnIngest(outcomeId: string, cls: FollowupClass, openedAt: number, dueAt: number): Promise<boolean>;
  find(outcomeId: string): Promise<FollowupRow | undefined>;
  /**
   * Open follow-ups by due time (then outcome id), or all of them newest first (opened time,
   * then outcome id), after the sort key of the last one an earlier page ended with.
   */
  list(openOnly: boolean, limit: number, after?: { at: number; outcomeId: string }): Promise<FollowupRow[]>;
  setClass(outcomeId: string, cls: FollowupClass, dueAt: number): Promise<void>;
  /** Removes a follow-up nobody has closed (its 差评 was withdrawn); false when there is none or it is closed. */
  removeUntouched(outcomeId: string): Promise<boolean>;
  close(outcomeId: string, at: number, note: string): Promise<void>;
}

/** A 差评 ticket (intake/tickets/): its state as the machine keeps it, and the columns lists filter on. */
export interface TicketRow {
  id: string;
  /** The 差评 it stands for; null for a ticket dispatched from above. */
  outcomeId: string | null;
  hallCode: string | null;
  department: string | null;
  stage: TicketStage;
  /** The running deadline (overdue is computed from it at read time, never stored). */
  dueAt: number | null;
  openedAt: number;
  excluded: boolean;
  /** Optimistic concurrency: 1 when opened, one more at every change. */
  version: number;
  /** The machine's ticket (intake/tickets/ticketMachine.ts), as JSON. */
  state: string;
  /** A ticket dispatched from above: the dispatch as received (contract/tickets.ts), as JSON; null for a 差评 rated here. */
  dispatch: string | null;
}

/**
 * One entry of the append-only action log, hash-chained over every entry in log order: an action
 * on a ticket, or a sign-in or sign-out of the work queue (no ticket, no state; migration 023).
 */
export interface TicketActionRow {
  seq: number;
  /** The ticket acted on; null for an entry about a session. */
  ticketId: string | null;
  at: number;
  actor: string;
  /** The event and its effects, as JSON. */
  what: string;
  /** The ticket's state before (null when opened) and after, as JSON; both null for a session entry. */
  before: string | null;
  after: string | null;
  prevHash: string;
  hash: string;
}

export interface TicketListFilter {
  stage?: TicketStage;
  department?: string;
  /** Only tickets whose running deadline ends before this. */
  dueBefore?: number;
  /** Only tickets overdue at `at` (opened or rectifying, past their deadline), or only those not. */
  overdue?: { at: number; is: boolean };
}

export interface TicketStore {
  /** Stores a new ticket at version 1 unless one has its id; false when it had. */
  insert(row: Omit<TicketRow, 'version'>): Promise<boolean>;
  find(id: string): Promise<TicketRow | undefined>;
  /** The ticket of a 差评, if it has one. */
  findByOutcome(outcomeId: string): Promise<TicketRow | undefined>;
  /** Writes a ticket's new state if its version is still `expectedVersion` (the version goes up by one); false when it was stale. */
  update(id: string, expectedVersion: number, change: Pick<TicketRow, 'stage' | 'dueAt' | 'excluded' | 'state'>): Promise<boolean>;
  /** Tickets matching the filter, newest first (opened time, then id), after the key an earlier page ended with. */
  list(filter: TicketListFilter, limit: number, after?: { openedAt: number; id: string }): Promise<TicketRow[]>;
  /** The newest entry of the action log (the chain's head), if any. */
  lastAction(): Promise<{ seq: number; hash: string } | undefined>;
  /** Appends an entry, its seq one above the head's; entries are never changed or removed. */
  appendAction(row: TicketActionRow): Promise<void>;
  /** insert of several tickets (ingest's 差评 of one batch); returns the ids stored, those no ticket had. */
  insertMany(rows: Array<Omit<TicketRow, 'version'>>): Promise<string[]>;
  /** appendAction of several entries, in the order given. */
  appendActions(rows: TicketActionRow[]): Promise<void>;
  /** One ticket's entries, oldest first. */
  actionsOf(ticketId: string): Promise<TicketActionRow[]>;
  /** Entries of every ticket in log order after `afterSeq`, for verification. */
  actionsAfter(afterSeq: number, limit: number): Promise<TicketActionRow[]>;
  /** Entries about sessions (no ticket: sign-ins, refusals, lockouts, sign-outs), newest first, below `beforeSeq` when given. */
  sessionActions(limit: number, beforeSeq?: number): Promise<TicketActionRow[]>;
  /**
   * Ticket state upstream (issue 23): queues the state after one transition (its action-log seq)
   * for every destination of the hall flagged for ticket states, in the transition's transaction;
   * returns how many records were added (0 when none takes them, or when queued already).
   */
  queueState(row: { ticketId: string; seq: number; hallCode: string; body: string; at: number }): Promise<number>;
  /** Follow-ups of 差评 with no ticket yet (stored before tickets existed), oldest first. */
  followupsWithoutTicket(limit: number): Promise<FollowupRow[]>;
  /** Tickets not closed, and of those the ones overdue at `now` (metrics). */
  queueDepth(now: number): Promise<{ open: number; overdue: number }>;
}

/** Counts to add to one key of a count table: total, levels 1–5, unrated, declined, follow-ups opened. */
export interface CountIncrement {
  period: 'day' | 'month';
  hallCode: string;
  dim: DashboardDimension;
  /** The day (yyyy-MM-dd) or month (yyyy-MM). */
  at: string;
  key: string;
  label: string;
  counts: number[];
}

/** Summed counts of one key and period, as the dashboard reads them. */
export interface CountRow {
  key: string;
  label: string;
  period: string;
  total: number;
  l1: number;
  l2: number;
  l3: number;
  l4: number;
  l5: number;
  unrated: number;
  declined: number;
  opened: number;
  closed: number;
  closedLate: number;
}

export interface DashboardStore {
  addCounts(increments: CountIncrement[]): Promise<void>;
  addWords(words: Array<{ hallCode: string; polarity: 'good' | 'bad'; day: string; word: string; n: number }>): Promise<void>;
  addComment(comment: { outcomeId: string; hallCode: string; ratedAt: string; polarity: 'good' | 'bad'; comment: string }): Promise<void>;
  /** Counts per key and bucket of the hall's days from..to (inclusive, yyyy-MM-dd). */
  counts(q: { hall: string; by: DashboardDimension; from: string; to: string; bucket: DashboardBucket }): Promise<CountRow[]>;
  /** Open follow-ups not yet due at `now`, per key and bucket, of 差评 rated in the period. */
  openNotDue(q: { hall: string; by: DashboardDimension; from: string; to: string; bucket: DashboardBucket; now: number }): Promise<Array<{ key: string; period: string; n: number }>>;
  hotWords(q: { hall: string; from: string; to: string; polarity: 'good' | 'bad'; limit: number }): Promise<Array<{ word: string; count: number }>>;
  /** The period's latest public comments, newest first. */
  comments(q: { hall: string; from: string; to: string; limit: number }): Promise<Array<{ day: string; polarity: 'good' | 'bad'; text: string }>>;
  /** 差评 rated in the period and excluded after an upheld appeal, per key and bucket, by level (1, 2). */
  excludedAfterAppeal(q: { hall: string; by: DashboardDimension; from: string; to: string; bucket: DashboardBucket }): Promise<Array<{ key: string; period: string; l1: number; l2: number }>>;
  /** Counts of the hall's tickets opened in [fromMs, toMs] (intake/tickets/): rectification, revisit and appeal. */
  ticketCounts(q: { hall: string; fromMs: number; toMs: number }): Promise<TicketCounts>;
  /** Rectified public 差评 rated in the period, newest rectification first (the result as written; the caller masks it). */
  publicRectifications(q: { hall: string; from: string; to: string; limit: number }): Promise<Array<{ day: string; department: string | null; item: string | null; result: string }>>;
}

export interface TicketCounts {
  opened: number;
  rectifying: number;
  rectified: number;
  rectifiedOnTime: number;
  revisited: number;
  satisfied: number;
  appealsFiled: number;
  appealsUpheld: number;
  appealsRejected: number;
}

/** What signed requests leave behind: the nonces seen, and the tickets that open invitation feeds. */
export interface RequestStore {
  /**
   * Records that the device used this nonce, remembered until `expiresAt`; false when it was
   * used already (a replay). Nonces past their time are forgotten on the way.
   */
  useNonce(deviceId: string, nonce: string, expiresAt: number, at: number): Promise<boolean>;
  /** Stores a feed ticket's hash for the device (tickets past their time are forgotten on the way). */
  addFeedTicket(ticketHash: string, deviceId: string, expiresAt: number, at: number): Promise<void>;
  /** Uses the device's ticket once, before it expires; false when it is unknown, another device's, used or expired. */
  redeemFeedTicket(ticketHash: string, deviceId: string, at: number): Promise<boolean>;
}

/** Abuse limits that must hold across restarts and intake nodes: failure counts with locks, and request counters. */
export interface ThrottleStore {
  failuresOf(key: string): Promise<{ failures: number; lockedUntil: number; lastAt: number } | undefined>;
  /** Counts a failure for the key and returns how many there are now (failures before `forgetBefore` are forgotten first). */
  addFailure(key: string, at: number, forgetBefore: number): Promise<number>;
  /**
   * Counts an attempt for the key, in one step, when what is stored allows one now: not locked,
   * and `waits[failures]` (the last wait for counts past the list) passed since the last counted
   * attempt. Returns the count with it, or null and changes nothing when not allowed.
   */
  reserveAttempt(key: string, at: number, forgetBefore: number, waits: readonly number[]): Promise<number | null>;
  /** Locks the key until `until` (a later lock already set stands). */
  lock(key: string, until: number): Promise<void>;
  clearFailures(key: string): Promise<void>;
  /** One more request for the key in its fixed window of `windowMs`: the count so far and when the window ends. */
  hit(key: string, at: number, windowMs: number): Promise<{ count: number; resetAt: number }>;
}

export interface SealingKeyStore {
  get(): Promise<{ publicKey: string; secretKey: string } | undefined>;
  /** Stores the key pair unless one is stored; returns the pair that is stored now. */
  putIfAbsent(pair: { publicKey: string; secretKey: string }, at: number): Promise<{ publicKey: string; secretKey: string }>;
}

/** A device of the fleet as the intake knows it: enrolment, hall and its latest heartbeat. */
export interface FleetDeviceRow {
  deviceId: string;
  hallCode: string | null;
  enrolledAt: number;
  latest: StoredHeartbeat | null;
}

export interface StoredHeartbeat {
  heartbeat: Heartbeat;
  receivedAt: number;
  /** Since when outcomes up to its head have been unexplained (fleet/fleetRules.ts); null: none. */
  missingSince: number | null;
}

export interface FleetFlagRow {
  deviceId: string;
  kind: FleetFlagKind;
  openedAt: number;
  detail: string;
  closedAt: number | null;
  closedBy: string | null;
}

/** Heartbeats (the latest per device) and the fleet flags raised from them; flags are kept once closed. */
export interface FleetStore {
  latest(deviceId: string): Promise<StoredHeartbeat | undefined>;
  putLatest(deviceId: string, hallCode: string, latest: StoredHeartbeat): Promise<void>;
  /** The highest seq held from the device, and how many distinct seqs up to `headSeq` it holds. */
  heldChain(deviceId: string, headSeq: number): Promise<{ maxSeq: number; heldUpToHead: number }>;
  /** Opens a flag unless one of its kind is open for the device; true when it opened one. */
  open(deviceId: string, kind: FleetFlagKind, at: number, detail: string): Promise<boolean>;
  /** Closes the device's open flag of that kind, if any; `by` says who or what closed it. True when one was open. */
  close(deviceId: string, kind: FleetFlagKind, at: number, by: string): Promise<boolean>;
  /** Open flags of the devices of a hall (every hall when null). */
  openFlags(hallCode: string | null): Promise<FleetFlagRow[]>;
  /** Enrolled devices of a hall (every hall when null), at most `limit`. */
  devices(hallCode: string | null, limit: number): Promise<FleetDeviceRow[]>;
  /** Stores the device's invitation reports (one already known stays as it was); returns how many were new. */
  addReports(deviceId: string, hallCode: string, reports: InvitationReport[], at: number): Promise<number>;
  /** Marks answered every report whose invitation now has an outcome from its device. */
  answerReports(at: number): Promise<void>;
  /** Reports still without an outcome, oldest first, at most `limit`. */
  unansweredReports(limit: number): Promise<Array<{ deviceId: string; report: InvitationReport }>>;
}

/** A forwarding record with the stored rating it carries (the press and, if any, its details). */
export interface ForwardDue extends ForwardRecord {
  body: string;
  details: string | null;
  hallCode: string;
  /** What the rating is to the merged view now (a press the citizen withdrew is no longer `rating`). */
  merge: MergeState;
  /** Queued by a late-upload run (补报), not at ingest. */
  late: boolean;
}

export interface ForwardReportRow {
  /** The day the rating was stored, yyyy-MM-dd in the zone asked for. */
  day: string;
  destination: string;
  stored: number;
  /** Sent at least once. */
  sent: number;
  acknowledged: number;
  refused: number;
  /** Pending or being sent. */
  pending: number;
}

/**
 * The forwarding queue (issue 22, intake/forwarding/): one row per stored rating and destination,
 * written in the transaction that stores the rating. State changes go through
 * forwarding/forwardState.ts; `save` writes one only over the row it was computed from.
 */
export interface ForwardingStore {
  /** The destinations each new rating is queued for: a hall code, or '*' for every hall. Replaces the list. */
  setDestinations(destinations: Array<{ name: string; hallCode: string; ticketState?: boolean }>): Promise<void>;
  /** Queues the stored rating for every destination of its hall, due at `dueAt`; returns how many rows were added (0 when queued already). */
  enqueue(outcomeId: string, hallCode: string, storedAt: number, dueAt: number): Promise<number>;
  /**
   * 补报: queues for `destination` every rating in force stored in [from, to) of a hall it serves that
   * has no record for it yet (stored before it was configured, or readmitted after a hold), marked
   * late and due at `dueAt`; returns how many were added.
   */
  enqueueLate(destination: string, from: number, to: number, dueAt: number): Promise<number>;
  /** The names of the configured destinations. */
  destinations(): Promise<string[]>;
  /** Records of a destination that may be claimed at `now` (pending and due, or sending with a lapsed lease), oldest due first. */
  due(destination: string, now: number, limit: number): Promise<ForwardDue[]>;
  /** Writes `next` if the row is still as `before` (same state, attempts and updatedAt); false when it moved meanwhile. */
  save(before: ForwardRecord, next: ForwardRecord): Promise<boolean>;
  get(outcomeId: string, destination: string): Promise<ForwardRecord | undefined>;
  /** Records in a state (every destination when null), most recently changed first. */
  list(state: ForwardState, destination: string | null, limit: number): Promise<ForwardRecord[]>;
  /** Per day (stored time shifted by `zoneMinutes`) and destination, for ratings stored in [from, to). */
  report(from: number, to: number, zoneMinutes: number): Promise<ForwardReportRow[]>;
  /** Records of ratings stored in [from, to) in every state, with the project number of each, oldest first: the reconciliation list. */
  stored(destination: string | null, from: number, to: number, limit: number): Promise<Array<ForwardRecord & { projectNo: string }>>;
  /** Records not yet answered by the province, per destination: the queue's depth (metrics); ratings, and 差评 ticket states apart. */
  queueDepth(): Promise<Array<{ destination: string; pending: number; sending: number; ticketStates: { pending: number; sending: number } }>>;
  /** Queued ticket states of a destination that may be claimed at `now`, oldest due first (their outcomeId is `ticketId#seq`). */
  dueTicketStates(destination: string, now: number, limit: number): Promise<TicketStateDue[]>;
  /** `save` for a queued ticket state. */
  saveTicketState(before: TicketStateDue, next: ForwardRecord): Promise<boolean>;
  /** A ticket's queued states, every destination, by seq. */
  ticketStates(ticketId: string): Promise<TicketStateDue[]>;
}

/** A queued ticket state (issue 23): a forwarding record keyed by ticket and action-log seq, with the state as sent. */
export type TicketStateDue = ForwardRecord & { ticketId: string; seq: number; body: string };

/** The facts one batch's ingest rules ask for, read together (ingest/batchIngest.ts) rather than outcome by outcome. */
export interface IngestQuery {
  /** Outcome ids whose stored body hash is wanted. */
  ids: string[];
  /** Seqs of the device's chain whose first stored outcome is wanted (an outcome's seq and its two neighbours). */
  seqs: number[];
  /** Invitations of the device whose ending in force is wanted. */
  invitationIds: string[];
  /** Records amended by the batch: their merge view and the kinds of amendment each has in force. */
  pressIds: string[];
  /** Case stages whose counted phone ratings are wanted. */
  stages: Array<{ hallCode: string; projectNo: string; event: string }>;
}

/** What the store holds now for an IngestQuery, as the per-outcome methods would answer each part. */
export interface IngestFacts {
  /** Of the ids asked for, those stored, with their body hash (OutcomeStore.bodyHash). */
  stored: Array<{ id: string; bodyHash: string }>;
  /** Of the seqs asked for, those held: the first stored outcome at each (OutcomeStore.atSeq). */
  chain: Array<{ seq: number; id: string; chainHash: string | null; prevHash: string | null }>;
  /** The device's highest stored seq, 0 when none (OutcomeStore.maxSeq). */
  maxSeq: number;
  /** DeviceStore.flagOf. */
  flag: { at: number; reason: string } | null;
  /** The ending in force of each invitation asked for that has one (OutcomeStore.ratingInForce). */
  inForce: MergeView[];
  /** The presses asked for that are stored, whichever device stored them (OutcomeStore.mergeView). */
  presses: MergeView[];
  /** Amendments in force of those presses, one entry per press and kind (OutcomeStore.hasAmendment). */
  amendments: Array<{ pressId: string; kind: string }>;
  /** Counted phone ratings of the stages asked for, in the order PhoneStore.phoneRatingsOfStage gives them. */
  phoneRatings: Array<{ hallCode: string; projectNo: string; event: string; id: string }>;
}

/** An integrity event as ingest writes it. */
export interface NewIntegrityEvent {
  deviceId: string;
  kind: IntegrityEventKind;
  seq: number | null;
  outcomeId: string | null;
  detail: string;
  at: number;
}

/**
 * A batch's ingest as a few statements rather than a dozen per outcome: what its rules need to
 * know read at once, and what they decided written row set by row set, in the ingest transaction.
 * Each write does what the per-row method it stands for does to each of its rows, in order.
 */
export interface IngestStore {
  /** OutcomeStore.bodyHash for several ids: those stored, with their hash. */
  storedHashes(ids: string[]): Promise<Array<{ id: string; bodyHash: string }>>;
  /** Call after DeviceStore.keyHistory in the transaction (which makes one device's batches take turns). */
  facts(deviceId: string, query: IngestQuery): Promise<IngestFacts>;
  /** OutcomeStore.insert of each row; a stored id fails the whole call. */
  insertOutcomes(rows: NewOutcomeRow[]): Promise<void>;
  /** IntegrityStore.addEvent of each event, recorded in the order given. */
  addEvents(events: NewIntegrityEvent[]): Promise<void>;
  /** FollowupStore.openOnIngest of each row; returns the outcome ids it opened a follow-up for. */
  openFollowups(rows: Array<{ outcomeId: string; cls: FollowupClass; openedAt: number; dueAt: number }>): Promise<string[]>;
  /** ForwardingStore.enqueue of each stored rating of the hall. */
  enqueueForwarding(outcomeIds: string[], hallCode: string, storedAt: number, dueAt: number): Promise<void>;
}

/** What a transaction, and the store outside one, can reach. */
export interface IntakeData {
  devices: DeviceStore;
  outcomes: OutcomeStore;
  ingest: IngestStore;
  integrity: IntegrityStore;
  invitations: InvitationStore;
  pairing: PairingStore;
  followups: FollowupStore;
  dashboard: DashboardStore;
  sealingKeys: SealingKeyStore;
  requests: RequestStore;
  throttles: ThrottleStore;
  fleet: FleetStore;
  forwarding: ForwardingStore;
  tickets: TicketStore;
  phone: PhoneStore;
}

export interface IntakeStore extends IntakeData {
  readonly engine: string;
  /**
   * Runs `work` in one transaction, committed when its promise resolves and rolled back when it
   * rejects. Inside, use only `tx`: the store's own methods wait for the transaction to end.
   */
  transaction<T>(work: (tx: IntakeData) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** A phone rating as stored (issue 24, intake/phone/): the signed body and the columns read from it. */
export interface PhoneRatingRow {
  id: string;
  kind: 'case' | 'window';
  channel: string;
  hallCode: string;
  windowNo: string;
  projectNo: string | null;
  event: string | null;
  linkId: string | null;
  supersedes: string | null;
  counted: boolean;
  flags: string[];
  /** Keyed hashes of the caller's address and browser cookie (window ratings), never the address itself. */
  addressKey: string | null;
  browserKey: string | null;
  /** The hall's calendar day of the rating. */
  day: string;
  receivedAt: number;
  body: string;
}

/** Ratings on the citizen's phone (intake/phone/): the intake's key, case-bound links, phone ratings. */
export interface PhoneStore {
  /** The intake's signing key (PKCS#8, base64) with its public key and link secret; the first stored wins. */
  keys(): Promise<{ signingKey: string; publicKey: string; linkSecret: string } | undefined>;
  putKeysIfAbsent(keys: { signingKey: string; publicKey: string; linkSecret: string }, at: number): Promise<{ signingKey: string; publicKey: string; linkSecret: string }>;
  /** Stores a link, or returns the one already issued for the same device, invitation and delivery. */
  issueLink(link: StoredLink): Promise<StoredLink>;
  link(id: string): Promise<StoredLink | undefined>;
  /** Marks a link used; false when it was used already. */
  useLink(id: string, at: number): Promise<boolean>;
  /** Every device ending stored for the case stage (all devices of the hall), with what it is to the merged view. */
  deviceEndings(hallCode: string, projectNo: string, event: string): Promise<DeviceEnding[]>;
  /** Ids of the counted phone ratings of the case stage. */
  phoneRatingsOfStage(hallCode: string, projectNo: string, event: string): Promise<string[]>;
  insertRating(row: PhoneRatingRow): Promise<void>;
  rating(id: string): Promise<PhoneRatingRow | undefined>;
  /** The ids of phone ratings that superseded this device ending. */
  supersededBy(outcomeId: string): Promise<string[]>;
  /** What the window-QR limits look at, before a new rating. */
  windowRecent(hallCode: string, windowNo: string, addressKey: string, browserKey: string, day: string, since: number): Promise<WindowRecent>;
  /** A window the intake has stored outcomes of: its name and the department of its latest outcome. */
  knownWindow(hallCode: string, windowNo: string): Promise<{ windowName: string; deptName: string } | undefined>;
  /** Phone ratings of a hall per channel and kind, counted or not, for days in [fromDay, toDay]. */
  channelCounts(hallCode: string, fromDay: string, toDay: string): Promise<Array<{ channel: string; kind: string; counted: number; flagged: number }>>;
  /** Phone ratings received in [from, to), counted or kept flagged, after the cursor, in (receivedAt, id) order: the export's phone half. */
  exportPage(after: ExportCursor, from: number, to: number, limit: number): Promise<Array<{ id: string; receivedAt: number; body: string; counted: boolean }>>;
  /** The hall's counted ratings of all channels in the dashboard counts for days in [fromDay, toDay]. */
  countedTotal(hallCode: string, fromDay: string, toDay: string): Promise<number>;
}
