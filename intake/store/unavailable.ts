/**
 * Errors that say the database cannot be reached or will not take work now, not that the request
 * was wrong: a refused or cut connection, a server shutting down or starting, too many
 * connections, a new connection that took too long (the client's connectionTimeoutMillis: 'timeout
 * expired'), SQLite busy.
 * Answered 503 with Retry-After, so a device or a proxy tries again later, and counted apart.
 */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'SQLITE_BUSY']);
/** SQLSTATE: class 08 (connection exception); admin, crash and start-up shutdowns; too many connections. */
const UNAVAILABLE_STATES = new Set(['57P01', '57P02', '57P03', '53300']);
const UNAVAILABLE_MESSAGES = [/^Connection terminated/, /^timeout expired$/, /^Client has encountered a connection error/, /^Cannot use a pool after calling end/];

export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message));
}

/** SQLSTATE of a connection the server refused for its settings: password, pg_hba entry, database name, privileges. */
const SETUP_STATES = new Set(['28P01', '28000', '3D000', '42501']);

/**
 * Errors that say the configured database is set up wrong for this node (its password, its
 * name, the role's rights, TLS), by their code: the server may word its messages in another
 * language (lc_messages).
 */
export function isDatabaseSetupError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  return (typeof code === 'string' && SETUP_STATES.has(code)) || (typeof message === 'string' && /\bSSL\b/.test(message));
}
