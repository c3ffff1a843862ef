import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../../contract/canonicalJson';
import type { CaseInfo, CaseEventKind, Staff } from '../../contract/caseEvent';
import type { LinkDelivery, PhoneWindow } from '../../contract/phoneRating';

/** Working days a case-bound link stays valid when the hall sets nothing else (一事一评: 5). */
export const DEFAULT_LINK_WORKING_DAYS = 5;

/** What a case-bound link is bound to; the MAC covers all of it, so no stored field can change unseen. */
export interface LinkBinding {
  id: string;
  deviceId: string;
  invitationId: string;
  event: CaseEventKind;
  case: CaseInfo;
  staff: Staff;
  window: PhoneWindow;
  delivery: LinkDelivery;
  issuedAt: number;
  expiresAt: number;
}

export interface StoredLink extends LinkBinding {
  mac: string;
  usedAt: number | null;
}

/** 16 random bytes, base64url: the link's id. */
export function newLinkId(): string {
  return randomBytes(16).toString('base64url');
}

/** HMAC-SHA-256 with the intake's link secret over the binding's canonical JSON, first 16 bytes, base64url. */
export function linkMac(secret: Buffer, binding: LinkBinding): string {
  const bound: LinkBinding = {
    id: binding.id,
    deviceId: binding.deviceId,
    invitationId: binding.invitationId,
    event: binding.event,
    case: binding.case,
    staff: binding.staff,
    window: binding.window,
    delivery: binding.delivery,
    issuedAt: binding.issuedAt,
    expiresAt: binding.expiresAt,
  };
  return createHmac('sha256', secret).update(canonicalJson(bound)).digest().subarray(0, 16).toString('base64url');
}

/** The token in the link's address: `<id>.<mac>`, 45 characters, small enough for a low-density QR. */
export function linkToken(link: Pick<StoredLink, 'id' | 'mac'>): string {
  return `${link.id}.${link.mac}`;
}

const TOKEN = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})$/;

/** The id and MAC a presented token claims, or null when it is not shaped like a token at all. */
export function parseLinkToken(token: string): { id: string; mac: string } | null {
  const match = TOKEN.exec(token);
  return match ? { id: match[1]!, mac: match[2]! } : null;
}

/** Why a link does not open the rating form; each has its own page for the citizen. */
export type LinkRefusal = 'forged' | 'expired' | 'used' | 'other-case';

/**
 * Whether a presented token opens the form of its stored link at `now`. Forged: no such link, or
 * its MAC is not the presented one, or the stored binding no longer matches its MAC (an altered
 * row). `expectedProjectNo`: the case the form was shown for, when a rating is posted.
 */
export function checkLink(
  secret: Buffer,
  presented: { id: string; mac: string },
  stored: StoredLink | undefined,
  now: number,
  expectedProjectNo?: string,
): { ok: true; link: StoredLink } | { ok: false; refusal: LinkRefusal } {
  if (!stored) return { ok: false, refusal: 'forged' };
  if (!sameMac(presented.mac, stored.mac) || !sameMac(linkMac(secret, stored), stored.mac)) return { ok: false, refusal: 'forged' };
  if (expectedProjectNo !== undefined && expectedProjectNo !== stored.case.projectNo) return { ok: false, refusal: 'other-case' };
  if (stored.usedAt !== null) return { ok: false, refusal: 'used' };
  if (now > stored.expiresAt) return { ok: false, refusal: 'expired' };
  return { ok: true, link: stored };
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
