/**
 * Page cursors: the sort key of a page's last item, as base64url JSON. A cursor is opaque to
 * callers and checked for its shape when it comes back.
 */
export function encodeCursor(key: ReadonlyArray<string | number>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The key a cursor holds, if it has the shape given ('n' an integer, 's' a string per position); null otherwise. */
export function decodeCursor(cursor: string, shape: ReadonlyArray<'n' | 's'>): Array<string | number> | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== shape.length) return null;
    const fits = value.every((v, i) => (shape[i] === 'n' ? Number.isSafeInteger(v) : typeof v === 'string'));
    return fits ? (value as Array<string | number>) : null;
  } catch {
    return null;
  }
}
