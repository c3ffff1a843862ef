import type { SealingKeyStore } from '../store';
import type { SqliteDb } from './sqliteDb';

export function sqliteSealingKeys(db: SqliteDb): SealingKeyStore {
  const get = db.prepare<[], { public_key: string; secret_key: string }>('SELECT public_key, secret_key FROM sealing_keys WHERE id = 1');
  const insert = db.prepare('INSERT OR IGNORE INTO sealing_keys (id, public_key, secret_key, created_at) VALUES (1, ?, ?, ?)');
  const read = () => {
    const row = get.get();
    return row && { publicKey: row.public_key, secretKey: row.secret_key };
  };
  return {
    async get() {
      return read();
    },
    async putIfAbsent(pair, at) {
      insert.run(pair.publicKey, pair.secretKey, at);
      return read() as { publicKey: string; secretKey: string };
    },
  };
}
