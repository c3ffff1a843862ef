/**
 * Text holding U+0000 (NUL) is refused where it comes in (contract/nulText.ts): a request with
 * 400, an outcome of a batch on its own (its answer says where). Stored by PostgreSQL, it would
 * fail the request with an internal error, and a device would send the same batch again and again.
 */


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
