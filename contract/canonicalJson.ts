/**
 * Canonical JSON: object keys sorted, no whitespace, undefined members dropped. Two parties
 * that hold the same value produce the same bytes — the basis for duplicate detection and hashes.
 * Built on the native JSON.stringify (a replacer that re-inserts keys in sorted order), because
 * the intake runs this for every outcome it verifies.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortedKeys) ?? 'null';
}

function sortedKeys(_key: string, value: unknown): unknown {
  if (typeof value === 'number' && !Number.isFinite(value)) throw new Error('canonical JSON has no NaN or Infinity');
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = (value as Record<string, unknown>)[key];
  return sorted;
}
