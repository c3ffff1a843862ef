/** Free attempts before the first lockout; each further failure doubles the wait. */
export const FREE_ATTEMPTS = 3;
export const FIRST_LOCKOUT_MS = 30_000;
export const MAX_LOCKOUT_MS = 60 * 60 * 1000;

/** How long the PIN stays locked after this many failures in a row: none for the free ones, then 30 s doubling up to an hour. */
export function lockoutAfter(failures: number): number {
  const over = failures - FREE_ATTEMPTS;
  return over >= 0 ? Math.min(MAX_LOCKOUT_MS, FIRST_LOCKOUT_MS * 2 ** over) : 0;
}

/** The stored form `npm run pin-hash` writes: "scrypt$<N>$<salt b64>$<hash b64>" (r = 8, p = 1). */
export function parsePinHash(stored: string): { N: number; salt: string; hash: string } | null {
  const [scheme, n, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !n || !salt || !hash || !/^\d+$/.test(n)) return null;
  return { N: Number(n), salt, hash };
}
