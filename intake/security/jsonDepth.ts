/** Deeper than any body the intake takes (an outcome nests four levels, an import six). */
export const JSON_DEPTH_MAX = 32;
/** Bodies up to this size are parsed as they come: however nested, they cost little. */
const SCAN_FROM_BYTES = 64 * 1024;

/**
 * Whether a JSON text nests its arrays and objects deeper than `max`, read without parsing it.
 * The body is parsed before the caller is known (the signature covers its exact bytes), and a
 * megabyte of `[[[[…` costs JSON.parse about ten times a flat megabyte (issue 25 review): an
 * unsigned caller could keep the event loop busy with them. Only large bodies are scanned.
 */
export function nestsDeeperThan(text: string, max = JSON_DEPTH_MAX): boolean {
  if (text.length < SCAN_FROM_BYTES) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // a backslash: the next character is escaped
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) return true;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return false;
}
