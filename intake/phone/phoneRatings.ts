import sodium from 'libsodium-wrappers';
import { v7 as uuidv7 } from 'uuid';
import type { Outcome } from '../../contract/outcome';
import { PhoneSchema } from '../../contract/outcome';
import type { CaseLinkRequest, PhoneRating, PhoneRatingFlag, PhoneRatingForm, PhoneWindow } from '../../contract/phoneRating';
import { CaseLinkRequestSchema } from '../../contract/phoneRating';
import { COMMENT_MAX_CHARS, isTagOfLevel, type Level } from '../../contract/ratingCodes';
import { createDashboardTally } from '../dashboard/dashboardTally';
import type { Followups } from '../followups/followups';
import type { WorkingDays } from '../followups/workingDays';
import { queuePhoneRating } from '../forwarding/enqueue';
import { phoneRatingRecord } from '../ingest/ratingRecord';
import type { IntakeData, IntakeStore } from '../store/store';
import { checkLink, DEFAULT_LINK_WORKING_DAYS, linkMac, linkToken, newLinkId, parseLinkToken, type LinkRefusal, type StoredLink } from './caseLinks';
import { decideStage } from './caseStageRules';
import type { IntakeKeys, UnsignedPhoneRating } from './intakeKey';
import { smsText, type SmsSender } from './smsOutbox';
import { countsAsRating, windowRatingFlags, type WindowLimits } from './windowLimits';

/** Every reason the phone page refuses; each has a page of its own, and none stores anything. */
export type PhoneRefusal = LinkRefusal | 'already-rated' | 'unknown-window' | 'invalid';

export interface PhoneRatingsDeps {
  store: IntakeStore;
  keys: IntakeKeys;
  /** The intake's X25519 sealing key (base64url): a callback phone is sealed to it as a PAD seals it. */
  sealingPublicKey: string;
  workingDays: WorkingDays;
  /** Working days a hall's case links stay valid (hall code → days); DEFAULT_LINK_WORKING_DAYS otherwise. */
  linkWorkingDays: Record<string, number>;
  windowLimits: WindowLimits;
  /** The intake's address as citizens' phones reach it. */
  publicUrl: () => string;
  /** The hall's time zone, for a rating's local time and calendar day. */
  timeZone: string;
  sms: SmsSender | null;
  /** A phone 差评 opens its follow-up and ticket as a device's does (followups/followups.ts). */
  followups: Followups;
  now: () => number;
}

/** The details a citizen gives on the phone page, checked against the level. */
type Details = Pick<PhoneRating, 'level' | 'tags' | 'public' | 'callback'> & { comment?: string };

/**
 * Ratings on the citizen's phone (issue 24): issuing case-bound links for devices, opening them,
 * and storing a rating — one per case stage across channels (caseStageRules.ts) — signed by the
 * intake's key, with the dashboard counts in the same transaction.
 */
export function createPhoneRatings(deps: PhoneRatingsDeps) {
  const { store, keys, workingDays, now } = deps;
  const offsetName = new Intl.DateTimeFormat('en-US', { timeZone: deps.timeZone, timeZoneName: 'longOffset' });
  const localDate = new Intl.DateTimeFormat('en-CA', { timeZone: deps.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });

  /** ISO time with the hall's offset, e.g. 2026-12-01T10:00:00.000+08:00. */
  function localIso(ms: number): string {
    const name = offsetName.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    const offsetMin = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
    const shifted = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 23);
    const sign = offsetMin < 0 ? '-' : '+';
    const abs = Math.abs(offsetMin);
    return `${shifted}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }
  const localDay = (ms: number) => localDate.format(ms);

  const linkUrl = (link: StoredLink) => new URL(`/r/${linkToken(link)}`, deps.publicUrl()).href;

  function details(form: PhoneRatingForm): Details | null {
    const level = form.level as Level;
    if (new Set(form.tags).size !== form.tags.length || !form.tags.every((code) => isTagOfLevel(code, level))) return null;
    const comment = form.comment?.trim().replace(/\r\n/g, '\n');
    if (comment !== undefined && [...comment].length > COMMENT_MAX_CHARS) return null;
    let sealedPhone: string | undefined;
    if (form.callback === 'on') {
      const phone = PhoneSchema.safeParse((form.phone ?? '').replace(/[\s-]/g, ''));
      if (!phone.success) return null;
      sealedPhone = sodium.to_base64(sodium.crypto_box_seal(phone.data, sodium.from_base64(deps.sealingPublicKey, sodium.base64_variants.URLSAFE_NO_PADDING)), sodium.base64_variants.URLSAFE_NO_PADDING);
    }
    return {
      level,
      tags: form.tags,
      ...(comment ? { comment } : {}),
      public: form.public === 'on',
      callback: { requested: form.callback === 'on', ...(sealedPhone ? { sealedPhone } : {}) },
    };
  }

  /**
   * What a rating newly in force does, in the transaction that stores it, as a device's rating
   * does at ingest: its counts (the device ending it supersedes taken out), the follow-up and
   * ticket of a 差评, and its place in the forwarding queue.
   */
  async function takeEffect(tx: IntakeData, rating: PhoneRating, supersededBody: string | null, at: number): Promise<void> {
    const record = phoneRatingRecord(rating);
    const opened = await deps.followups.openFor(tx, record, at);
    const tally = createDashboardTally();
    // Its follow-up counts as a device 差评's does: opened here, closed by the follow-up triggers,
    // which read phone_ratings too (SQLite migration 24, PostgreSQL 6).
    tally.count(record, opened);
    tally.comment(record);
    if (supersededBody) tally.count(JSON.parse(supersededBody) as Outcome, false, -1);
    await tally.flush(tx.dashboard);
    await queuePhoneRating(tx, rating.id, rating.window.hallCode, at, rating.supersedes ?? null);
  }

  return {
    /**
     * A link for a case stage a device's invitation ended without a rating (or closed, where the
     * hall asks for 一事一评 on every 办结). The same device, invitation and delivery get the same link.
     */
    async issueLink(deviceId: string, deviceHall: string | null, request: CaseLinkRequest) {
      const parsed = CaseLinkRequestSchema.parse(request);
      if (deviceHall === null || parsed.window.hallCode !== deviceHall) return { ok: false as const, status: 403, code: 'wrong_hall', message: 'the device belongs to another hall than the case link names' };
      const issuedAt = now();
      const days = deps.linkWorkingDays[parsed.window.hallCode] ?? DEFAULT_LINK_WORKING_DAYS;
      const binding = {
        id: newLinkId(),
        deviceId,
        invitationId: parsed.invitationId,
        event: parsed.event,
        case: parsed.case,
        staff: parsed.staff,
        window: parsed.window,
        delivery: parsed.delivery,
        issuedAt,
        expiresAt: workingDays.deadline(issuedAt, days),
      };
      const link = await store.phone.issueLink({ ...binding, mac: linkMac(keys.linkSecret, binding), usedAt: null });
      const url = linkUrl(link);
      if (parsed.delivery === 'sms' && parsed.phone !== undefined) {
        if (!deps.sms) return { ok: false as const, status: 501, code: 'no_sms_sender', message: 'this intake has no text message sender configured' };
        await deps.sms.send({ to: parsed.phone, text: smsText(url, parsed.case.taskName, localDay(link.expiresAt)), linkId: link.id, at: localIso(issuedAt) });
      }
      return { ok: true as const, url, expiresAt: localIso(link.expiresAt), link };
    },

    /** What the page for a case-bound link shows: the form, or why not. Nothing is written. */
    async openCaseLink(token: string): Promise<{ ok: true; link: StoredLink } | { ok: false; refusal: PhoneRefusal }> {
      const presented = parseLinkToken(token);
      if (!presented) return { ok: false, refusal: 'forged' };
      const checked = checkLink(keys.linkSecret, presented, await store.phone.link(presented.id), now());
      if (!checked.ok) return checked;
      const { link } = checked;
      const stage = decideStage(await store.phone.deviceEndings(link.window.hallCode, link.case.projectNo, link.event), await store.phone.phoneRatingsOfStage(link.window.hallCode, link.case.projectNo, link.event));
      return stage.ok ? { ok: true, link } : { ok: false, refusal: 'already-rated' };
    },

    /** Stores a rating made through a case-bound link, all in one transaction, or says why not (storing nothing). */
    async rateCase(form: PhoneRatingForm): Promise<{ ok: true; rating: PhoneRating; supersedes: string | null } | { ok: false; refusal: PhoneRefusal }> {
      const presented = parseLinkToken(form.token);
      if (!presented) return { ok: false, refusal: 'forged' };
      await sodium.ready;
      const given = details(form);
      if (!given) return { ok: false, refusal: 'invalid' };
      return store.transaction(async (tx) => {
        const at = now();
        const checked = checkLink(keys.linkSecret, presented, await tx.phone.link(presented.id), at, form.case);
        if (!checked.ok) return checked;
        const { link } = checked;
        const stage = decideStage(await tx.phone.deviceEndings(link.window.hallCode, link.case.projectNo, link.event), await tx.phone.phoneRatingsOfStage(link.window.hallCode, link.case.projectNo, link.event));
        if (!stage.ok) return { ok: false as const, refusal: 'already-rated' as const };
        const unsigned: UnsignedPhoneRating = {
          id: uuidv7(),
          kind: 'case',
          channel: link.delivery === 'sms' ? 'mobile' : 'qr-code',
          linkId: link.id,
          event: link.event,
          case: link.case,
          staff: link.staff,
          window: link.window,
          ...given,
          ratedAt: localIso(at),
          flags: [],
          ...(stage.supersedes ? { supersedes: stage.supersedes.id } : {}),
        };
        const rating = keys.sign(unsigned);
        if (!(await tx.phone.useLink(link.id, at))) return { ok: false as const, refusal: 'used' as const };
        await tx.phone.insertRating({
          id: rating.id,
          kind: 'case',
          channel: rating.channel,
          hallCode: link.window.hallCode,
          windowNo: link.window.windowNo,
          projectNo: link.case.projectNo,
          event: link.event,
          linkId: link.id,
          supersedes: stage.supersedes?.id ?? null,
          counted: true,
          flags: [],
          addressKey: null,
          browserKey: null,
          day: localDay(at),
          receivedAt: at,
          body: JSON.stringify(rating),
        });
        await takeEffect(tx, rating, stage.supersedes ? ((await tx.outcomes.body(stage.supersedes.id)) ?? null) : null, at);
        return { ok: true as const, rating, supersedes: stage.supersedes?.id ?? null };
      });
    },

    /** A window of the hall the intake has stored outcomes of, as its printed QR names it. */
    async openWindow(hallCode: string, windowNo: string): Promise<{ window: PhoneWindow; deptName: string } | null> {
      const known = await store.phone.knownWindow(hallCode, windowNo);
      return known ? { window: { hallCode, windowNo, windowName: known.windowName }, deptName: known.deptName } : null;
    },

    /**
     * Stores a rating of a window's service from its printed QR: flagged as such, and flagged
     * again (kept, not counted) past the limits per address, per window, or per browser and day.
     */
    async rateWindow(hallCode: string, windowNo: string, form: PhoneRatingForm, caller: { address: string; browser: string }): Promise<{ ok: true; rating: PhoneRating; counted: boolean } | { ok: false; refusal: PhoneRefusal }> {
      await sodium.ready;
      const given = details(form);
      if (!given) return { ok: false, refusal: 'invalid' };
      return store.transaction(async (tx) => {
        const known = await tx.phone.knownWindow(hallCode, windowNo);
        if (!known) return { ok: false as const, refusal: 'unknown-window' as const };
        const at = now();
        const addressKey = keys.privacyKey('address', caller.address);
        const browserKey = keys.privacyKey('browser', caller.browser);
        const recent = await tx.phone.windowRecent(hallCode, windowNo, addressKey, browserKey, localDay(at), at - 3_600_000);
        const flags: PhoneRatingFlag[] = windowRatingFlags(recent, deps.windowLimits);
        const counted = countsAsRating(flags);
        const rating = keys.sign({
          id: uuidv7(),
          kind: 'window',
          channel: 'qr-code',
          window: { hallCode, windowNo, windowName: known.windowName },
          deptName: known.deptName,
          ...given,
          ratedAt: localIso(at),
          flags,
        });
        await tx.phone.insertRating({
          id: rating.id,
          kind: 'window',
          channel: 'qr-code',
          hallCode,
          windowNo,
          projectNo: null,
          event: null,
          linkId: null,
          supersedes: null,
          counted,
          flags,
          addressKey,
          browserKey,
          day: localDay(at),
          receivedAt: at,
          body: JSON.stringify(rating),
        });
        // Kept flagged past a limit: not counted, followed up or forwarded (the export lists it with its flags).
        if (counted) await takeEffect(tx, rating, null, at);
        return { ok: true as const, rating, counted };
      });
    },
  };
}

export type PhoneRatings = ReturnType<typeof createPhoneRatings>;
