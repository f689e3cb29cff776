import { openPostgresStore, isPostgresUrl } from './postgres/store.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

/** Opens the store a `--db` value names: a postgres:// (or postgresql://) URL, else a SQLite file path. */
export function openStore(target: string, opts: { readOnly?: boolean } = {}): Store {
  return isPostgresUrl(target) ? openPostgresStore(target, opts) : openSqliteStore(target, opts);
}
