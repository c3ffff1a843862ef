import { createHash, timingSafeEqual } from 'node:crypto';
import { DispatchersSchema, type Dispatcher } from '../../contract/tickets';
import { assertTokenLength } from '../security/secrets';

/** Who dispatched a bill, as the ticket and its action log record it. */
export interface DispatcherIdentity {
  id: string;
  name: string;
  halls: ReadonlySet<string>;
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/**
 * The systems that may dispatch tickets down (转办通报单), each with its own token: the admin
 * token opens nothing here. Checked at start (a short token, a malformed hash, a repeated id or
 * a token two systems share stops the intake); a presented token is compared with every
 * dispatcher's, in constant time each and with no early exit, so neither the match nor its
 * position shows in the time taken.
 */
export function createDispatcherGate(dispatchers: readonly Dispatcher[]) {
  for (const d of dispatchers) if (d.token !== undefined) assertTokenLength(`the dispatch token of ${d.id}`, d.token);
  const parsed = DispatchersSchema.safeParse(dispatchers);
  if (!parsed.success) throw new Error(`dispatchers: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(list)'}: ${i.message}`).join('; ')}`);
  const known = parsed.data.map((d) => ({
    digest: d.token !== undefined ? sha256(d.token) : Buffer.from(d.tokenHash!, 'hex'),
    identity: { id: d.id, name: d.name, halls: new Set(d.halls) } satisfies DispatcherIdentity,
  }));
  // A hash of nothing would let an empty bearer in.
  const empty = known.find((k) => k.digest.equals(sha256('')));
  if (empty) throw new Error(`dispatchers: the tokenHash of ${empty.identity.id} is the hash of an empty token`);
  // One token for two systems would make the ticket's log name whichever comes last for both.
  for (const [i, a] of known.entries()) {
    const twin = known.slice(i + 1).find((b) => a.digest.equals(b.digest));
    if (twin) throw new Error(`dispatchers: ${a.identity.id} and ${twin.identity.id} have the same token; each dispatching system needs its own`);
  }
  return {
    /** The dispatcher whose token this is, or null. */
    identify(bearer: string | undefined): DispatcherIdentity | null {
      const given = sha256(bearer ?? '');
      let found: DispatcherIdentity | null = null;
      for (const k of known) if (timingSafeEqual(given, k.digest) && bearer !== undefined) found = k.identity;
      return found;
    },
  };
}

export type DispatcherGate = ReturnType<typeof createDispatcherGate>;
