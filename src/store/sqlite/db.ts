// Opening the SQLite file: pragmas for durability and speed, then the numbered migrations.
import { DatabaseSync } from 'node:sqlite';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClaimGuardError } from '../../core/index.ts';

/** File name of the store inside the data directory. */
export const DB_FILE = 'claimguard.sqlite';

const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));

/**
 * `FULL` (default): every commit is fsynced before it returns, so acknowledged data survives a power
 * loss as well as a process kill. `NORMAL`: in WAL mode commits survive a process crash (SIGKILL) but the
 * last transactions may roll back after a power loss or OS crash. See docs/durability.md.
 */
export type SyncMode = 'FULL' | 'NORMAL';

export interface OpenDbOptions {
  /** Directory that holds the database file; created if missing. */
  dataDir: string;
  synchronous?: SyncMode;
  readOnly?: boolean;
  /** How long to wait for another connection's write lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** The numbered `NNN_name.sql` files of src/store/migrations, in order. */
export function loadMigrations(dir: string = MIGRATIONS_DIR): Migration[] {
  const out: Migration[] = [];
  for (const file of readdirSync(dir).sort()) {
    const m = /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file);
    if (!m) continue;
    out.push({ version: Number(m[1]), name: m[2], sql: readFileSync(join(dir, file), 'utf8') });
  }
  for (let i = 0; i < out.length; i++) {
    if (out[i].version !== i + 1) {
      throw new ClaimGuardError('STORE_MIGRATION', `migrations must be numbered 001, 002, … without gaps; found ${String(out[i].version).padStart(3, '0')}_${out[i].name}.sql at position ${i + 1}`, { file: join(dir, `${String(out[i].version).padStart(3, '0')}_${out[i].name}.sql`) });
    }
  }
  return out;
}

/** Applies the migrations not yet recorded in `schema_version`, each in its own transaction. Returns the versions applied. */
export function migrate(db: DatabaseSync, migrations: Migration[] = loadMigrations()): number[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL)');
  const row = db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null };
  const current = row.v ?? 0;
  const latest = migrations.length ? migrations[migrations.length - 1].version : 0;
  if (current > latest) {
    throw new ClaimGuardError('STORE_MIGRATION', `the store is at schema version ${current} but this ClaimGuard knows only up to ${latest}; upgrade ClaimGuard`);
  }
  const applied: number[] = [];
  const record = db.prepare('INSERT INTO schema_version (version, name, applied) VALUES (?, ?, ?)');
  for (const m of migrations) {
    if (m.version <= current) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(m.sql);
      record.run(m.version, m.name, Date.now());
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw new ClaimGuardError('STORE_MIGRATION', `migration ${String(m.version).padStart(3, '0')}_${m.name} failed: ${(e as Error).message}`, { file: `${String(m.version).padStart(3, '0')}_${m.name}.sql` }, { cause: e });
    }
    applied.push(m.version);
  }
  return applied;
}

export function openDatabase(opts: OpenDbOptions): DatabaseSync {
  const path = join(opts.dataDir, DB_FILE);
  let db: DatabaseSync;
  try {
    if (!opts.readOnly) mkdirSync(opts.dataDir, { recursive: true });
    db = new DatabaseSync(path, { readOnly: opts.readOnly ?? false, timeout: opts.busyTimeoutMs ?? 5000 });
  } catch (e) {
    throw new ClaimGuardError('STORE_OPEN', `cannot open the store at ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  try {
    if (!opts.readOnly) {
      db.exec('PRAGMA journal_mode = WAL');
      db.exec(`PRAGMA synchronous = ${opts.synchronous ?? 'FULL'}`);
      // Bigger page cache (about 64 MiB) and in-memory temp tables help batch inserts and queries.
      db.exec('PRAGMA cache_size = -65536');
      db.exec('PRAGMA temp_store = MEMORY');
      // Checkpoint the WAL into the database every 8,192 pages (32 MiB) instead of SQLite's 1,000:
      // fewer checkpoint fsyncs, and index pages touched by many batches are written back once.
      // journal_size_limit truncates the WAL file back to 64 MiB after a checkpoint.
      db.exec('PRAGMA wal_autocheckpoint = 8192');
      db.exec('PRAGMA journal_size_limit = 67108864');
      migrate(db);
    }
  } catch (e) {
    db.close();
    if (e instanceof ClaimGuardError) throw e;
    throw new ClaimGuardError('STORE_OPEN', `cannot prepare the store at ${path}: ${(e as Error).message}`, { file: path }, { cause: e });
  }
  return db;
}
