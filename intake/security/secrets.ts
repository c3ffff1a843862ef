import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** Every bearer token the intake accepts (admin, case-event, dashboard) is at least this long. */
export const MIN_BEARER_TOKEN_LENGTH = 32;

// Equal-length digests, so the comparison takes the same time whatever the guess and its length.
const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Whether a presented secret equals the expected one, in time that does not depend on where they differ. */
export function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token of an `Authorization: Bearer …` header, if there is one. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' && header.startsWith('Bearer ') ? header.slice(7) : undefined;
}

/** Throws unless `token` is long enough to be a bearer credential; `what` names it in the message. */
export function assertTokenLength(what: string, token: string): void {
  if (token.length < MIN_BEARER_TOKEN_LENGTH) throw new Error(`${what} must be at least ${MIN_BEARER_TOKEN_LENGTH} characters`);
}

/**
 * Secrets by a name a caller chooses (device id, hall code): a Map, so a name like `__proto__`
 * or `constructor` finds nothing instead of something every object has. Each secret is checked
 * for length here, so a short one stops the intake at start.
 */
export function secretTable(what: string, entries: Record<string, string> | undefined): ReadonlyMap<string, string> {
  const table = new Map<string, string>();
  for (const [name, secret] of Object.entries(entries ?? {})) {
    assertTokenLength(`${what} of ${name}`, secret);
    if (secret.startsWith(HASHED)) throw new Error(`${what} of ${name} must be the secret itself, not a "${HASHED}" hash`);
    table.set(name, secret);
  }
  return table;
}

/** Marks a table entry that holds the SHA-256 of a secret (as provisioning writes it), not the secret. */
const HASHED = 'sha256:';

/**
 * Secrets known only by their SHA-256 (hex), by name: `npm run provision`'s case-event token file.
 * They share a table with plain secrets; `bearerMatches` hashes the presented token to compare.
 */
export function hashedSecretTable(entries: Record<string, string>, into: Map<string, string> = new Map()): Map<string, string> {
  for (const [name, hex] of Object.entries(entries)) {
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`the hash of ${name} is not a hex SHA-256`);
    into.set(name, `${HASHED}${hex}`);
  }
  return into;
}

/** Whether the request's bearer token is the secret stored under `name` (constant time; false when there is none). */
export function bearerMatches(request: FastifyRequest, table: ReadonlyMap<string, string>, name: string): boolean {
  const expected = table.get(name);
  const given = bearerOf(request);
  // Compared even when nothing is expected, so the time does not tell which names exist.
  const same = expected?.startsWith(HASHED)
    ? timingSafeEqual(digest(given ?? ''), Buffer.from(expected.slice(HASHED.length), 'hex'))
    : sameSecret(given ?? '', expected ?? '\0');
  return expected !== undefined && given !== undefined && same;
}
