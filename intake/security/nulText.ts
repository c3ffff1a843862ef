/**
 * Text holding U+0000 (NUL): JSON and SQLite take it, PostgreSQL's text cannot store it, so a
 * request carrying it would fail in the database with an internal error, and a device would
 * send the same batch again and again. It is refused where it comes in instead: a request with
 * 400, an outcome of a batch on its own (its answer says where).
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
  return found.slice(0, limit);
}

export const NUL_MESSAGE = 'holds the character U+0000 (NUL), which the intake does not store';

/**
 * The request's own JSON without the item lists its route checks one item at a time
 * (`itemsCheckedOneByOne`, paths like `outcomes` or `batch.outcomes`): a bad item there is
 * answered on its own and never sinks the others.
 */
export function withoutItemLists(json: unknown, lists: readonly string[]): unknown {
  if (lists.length === 0 || typeof json !== 'object' || json === null || Array.isArray(json)) return json;
  const copy: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  for (const list of lists) {
    const [head, ...rest] = list.split('.');
    if (head === undefined || !(head in copy)) continue;
    copy[head] = rest.length === 0 ? [] : withoutItemLists(copy[head], [rest.join('.')]);
  }
  return copy;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Item lists of the body (paths like `outcomes`) that the route checks one item at a time. */
    itemsCheckedOneByOne?: readonly string[];
  }
}
