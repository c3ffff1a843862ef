/**
 * Text holding U+0000 (NUL): JSON and SQLite take it, PostgreSQL's text cannot store it. It is
 * refused where it comes in: at the intake (intake/security/nulText.ts) and at a host's case-event
 * and staff-event input (host/caseEventRoute.ts), so nothing downstream (an invitation, a report,
 * an outcome's case fields) carries it to an intake that would refuse it for ever.
 */

/** Paths (`a.b.0`) of the strings and keys in a parsed JSON value that hold NUL, at most `limit` of them. */
export function nulPaths(value: unknown, limit = 5): string[] {
  const found: string[] = [];
  const walk = (node: unknown, path: string): void => {
    if (found.length >= limit) return;
    if (typeof node === 'string') {
      if (node.includes('\0')) found.push(path || '(value)');
    } else if (Array.isArray(node)) {
      node.forEach((item, i) => walk(item, path ? `${path}.${i}` : String(i)));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, item] of Object.entries(node)) {
        const at = path ? `${path}.${key}` : key;
        if (key.includes('\0')) found.push(`${at} (its name)`);
        walk(item, at);
        if (found.length >= limit) return;
      }
    }
  };
  walk(value, '');
  return found;
}

export const NUL_MESSAGE = 'holds the character U+0000 (NUL), which the intake does not store';
