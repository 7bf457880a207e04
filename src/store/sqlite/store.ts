// The SQLite implementation of core's Store: one file under the data directory, one connection,
// prepared statements, batched writes in transactions.
import type { DatabaseSync } from 'node:sqlite';
import type { Event, Store } from '../../core/index.ts';
import { SqliteAlertRepository } from './alerts.ts';
import { SqliteAuditLog } from './audit.ts';
import { openDatabase, type SyncMode } from './db.ts';
import { SqliteEventRepository } from './events.ts';
import { SqliteFindingRepository } from './findings.ts';
import { SqliteCheckpointRepository, SqliteIngestBatchRepository } from './ingest.ts';
import { transactionRunner, type Tx } from './tx.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface OpenStoreOptions {
  /** Directory holding the database file (created if missing). */
  dataDir: string;
  /** Commit durability; FULL (default) survives power loss, NORMAL only a process crash. */
  synchronous?: SyncMode;
}

export interface RetentionResult {
  events: number;
  ingestBatches: number;
}

/** Result of committing one ingest batch. */
export interface CommitResult {
  stored: number;
  /** True when the idempotency key was already committed: nothing was stored this time. */
  duplicate: boolean;
}

export class SqliteStore implements Store {
  readonly db: DatabaseSync;
  readonly dataDir: string;
  readonly events: SqliteEventRepository;
  readonly alerts: SqliteAlertRepository;
  readonly findings: SqliteFindingRepository;
  readonly audit: SqliteAuditLog;
  readonly checkpoints: SqliteCheckpointRepository;
  readonly batches: SqliteIngestBatchRepository;
  private readonly tx: Tx;
  private closed = false;

  constructor(db: DatabaseSync, dataDir: string) {
    this.db = db;
    this.dataDir = dataDir;
    this.tx = transactionRunner(db);
    this.events = new SqliteEventRepository(db, this.tx);
    this.audit = new SqliteAuditLog(db, this.tx);
    this.alerts = new SqliteAlertRepository(db, this.tx, this.audit);
    this.findings = new SqliteFindingRepository(db, this.tx);
    this.checkpoints = new SqliteCheckpointRepository(db);
    this.batches = new SqliteIngestBatchRepository(db);
  }

  transaction<T>(fn: () => T): T {
    return this.tx(fn);
  }

  /**
   * Removes one tenant's events, alerts and findings in one transaction and records who did it in the
   * audit log (the audit log itself is never pruned). Returns how many rows of each went.
   */
  deleteTenant(tenant: string, actor: string): { events: number; alerts: number; findings: number } {
    return this.tx(() => {
      const run = (table: 'events' | 'alerts' | 'findings'): number =>
        Number(this.db.prepare(`DELETE FROM ${table} WHERE tenant = ?`).run(tenant).changes);
      const removed = { events: run('events'), alerts: run('alerts'), findings: run('findings') };
      this.audit.append({ actor, action: 'tenant.delete', subject: tenant, detail: removed });
      return removed;
    });
  }

  /**
   * Stores a batch under an optional idempotency key, in one transaction: when the key was committed
   * before, nothing is stored and the earlier count is returned with duplicate = true.
   */
  commitBatch(events: Event[], opts: { source?: string; idempotencyKey?: string; now?: number } = {}): CommitResult {
    return this.tx(() => {
      if (opts.idempotencyKey !== undefined) {
        const source = opts.source ?? '';
        const prior = this.batches.get(source, opts.idempotencyKey);
        if (prior) return { stored: prior.stored, duplicate: true };
        const stored = this.events.insertBatch(events);
        this.batches.record(source, opts.idempotencyKey, stored, opts.now);
        return { stored, duplicate: false };
      }
      return { stored: this.events.insertBatch(events), duplicate: false };
    });
  }

  /**
   * Deletes events whose event time is older than `retentionDays`, and idempotency keys older than
   * `idempotencyDays` (default 7: longer than any client retries a batch).
   */
  pruneRetention(opts: { retentionDays: number; idempotencyDays?: number; now?: number }): RetentionResult {
    const now = opts.now ?? Date.now();
    return this.tx(() => ({
      events: this.events.prune(now - opts.retentionDays * DAY_MS),
      ingestBatches: this.batches.prune(now - (opts.idempotencyDays ?? 7) * DAY_MS),
    }));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }
}

export function openSqliteStore(opts: OpenStoreOptions): SqliteStore {
  const db = openDatabase({ dataDir: opts.dataDir, synchronous: opts.synchronous });
  return new SqliteStore(db, opts.dataDir);
}
