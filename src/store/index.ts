// Public face of store/: open the embedded store. Domain code never imports this; pipeline/, server/ and
// cli/ do, and hand the repositories (typed by core/repository.ts) to the stages that need them.
import { openSqliteStore, type OpenStoreOptions, type SqliteStore } from './sqlite/store.ts';

export { SqliteStore, type CommitResult, type OpenStoreOptions, type RetentionResult } from './sqlite/store.ts';
export { DB_FILE, loadMigrations, migrate, type Migration, type SyncMode } from './sqlite/db.ts';
export { GENESIS_HASH, auditHash } from './sqlite/audit.ts';
export { canonicalJson } from './sqlite/canonical.ts';
export type { Checkpoint } from './sqlite/ingest.ts';

/** Opens (creating and migrating when needed) the store in `dataDir`. */
export function openStore(opts: OpenStoreOptions): SqliteStore {
  return openSqliteStore(opts);
}
