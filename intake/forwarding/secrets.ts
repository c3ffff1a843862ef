import { readFileSync, statSync } from 'node:fs';

/**
 * Provincial credentials (appKey, appSecret, SM2 keys): from the environment, or from a JSON file
 * readable by its owner only (mode 0600 or stricter); never from the hall config, never logged.
 *
 * Environment: FORWARD_<NAME>_<FIELD>, e.g. FORWARD_FUJIAN_APP_KEY, FORWARD_FUJIAN_APP_SECRET.
 * File: FORWARD_SECRETS_FILE=/etc/haochaping/forward-secrets.json holding
 * `{ "fujian": { "appKey": "…", "appSecret": "…" } }`. The environment wins field by field.
 */
export type Secrets = Record<string, string>;

export class SecretsError extends Error {}

function fromFile(file: string): Record<string, Secrets> {
  const mode = statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new SecretsError(`${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    // The parser's message may quote the file's content: it is not repeated.
    throw new SecretsError(`${file} is not JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null) throw new SecretsError(`${file} is not an object of destinations`);
  return parsed as Record<string, Secrets>;
}

const envName = (destination: string, field: string) => `FORWARD_${destination.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_${field.replace(/([a-z])([A-Z])/g, '$1_$2').toUpperCase()}`;

/** The named fields of a destination's secrets; throws SecretsError naming a missing field (never a value). */
export function loadSecrets(destination: string, fields: string[], env: NodeJS.ProcessEnv = process.env): Secrets {
  const file = env.FORWARD_SECRETS_FILE ? (fromFile(env.FORWARD_SECRETS_FILE)[destination] ?? {}) : {};
  const secrets: Secrets = {};
  for (const field of fields) {
    const value = env[envName(destination, field)] ?? file[field];
    if (typeof value !== 'string' || value === '') throw new SecretsError(`no ${field} for ${destination}: set ${envName(destination, field)} or put it in FORWARD_SECRETS_FILE`);
    secrets[field] = value;
  }
  return secrets;
}
