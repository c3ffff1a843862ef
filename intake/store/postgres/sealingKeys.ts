import type { SealingKeyStore } from '../store';
import type { PgSql } from './pgSql';

export function pgSealingKeys(sql: PgSql): SealingKeyStore {
  const read = async () => {
    const row = await sql.row<{ public_key: string; secret_key: string }>('SELECT public_key, secret_key FROM sealing_keys WHERE id = 1');
    return row && { publicKey: row.public_key, secretKey: row.secret_key };
  };
  return {
    get: read,
    async putIfAbsent(pair, at) {
      await sql.run('INSERT INTO sealing_keys (id, public_key, secret_key, created_at) VALUES (1, $1, $2, $3) ON CONFLICT DO NOTHING', [pair.publicKey, pair.secretKey, at]);
      return (await read()) as { publicKey: string; secretKey: string };
    },
  };
}
