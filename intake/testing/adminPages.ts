/** A stored record as GET /v1/admin/outcomes lists it. */
export interface ListedOutcome {
  id: string;
  seq: number;
  merge: string;
  amends: { outcomeId: string; kind: string } | null;
}

/** Every record the intake at `origin` holds for the device, following the admin list's pages (`next`). */
export async function storedOutcomes(origin: string, adminToken: string, deviceId: string): Promise<ListedOutcome[]> {
  const all: ListedOutcome[] = [];
  for (let after: string | null = ''; after !== null; ) {
    const url = `${origin}/v1/admin/outcomes?deviceId=${encodeURIComponent(deviceId)}&limit=1000${after ? `&after=${after}` : ''}`;
    const response = await fetch(url, { headers: { authorization: `Bearer ${adminToken}` } });
    if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
    const page = (await response.json()) as { outcomes: ListedOutcome[]; next: string | null };
    all.push(...page.outcomes);
    after = page.next;
  }
  return all;
}
