// Ingest bookkeeping: file-tail checkpoints and the idempotency keys of committed HTTP batches.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { CheckpointRepository } from '../../core/index.ts';

export interface Checkpoint { offset: number; inode?: string; fingerprint?: string }

export class SqliteCheckpointRepository implements CheckpointRepository {
  private readonly getStmt: StatementSync;
  private readonly setStmt: StatementSync;

  constructor(db: DatabaseSync) {
    this.getStmt = db.prepare('SELECT offset, inode, fingerprint FROM checkpoints WHERE key = ?');
    this.setStmt = db.prepare(`INSERT INTO checkpoints (key, offset, inode, fingerprint, updated) VALUES (?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET offset = excluded.offset, inode = excluded.inode, fingerprint = excluded.fingerprint, updated = excluded.updated`);
  }

  get(key: string): Checkpoint | undefined {
    const r = this.getStmt.get(key) as { offset: number; inode: string | null; fingerprint: string | null } | undefined;
    if (!r) return undefined;
    const cp: Checkpoint = { offset: r.offset };
    if (r.inode !== null) cp.inode = r.inode;
    if (r.fingerprint !== null) cp.fingerprint = r.fingerprint;
    return cp;
  }

  set(key: string, value: Checkpoint): void {
    this.setStmt.run(key, value.offset, value.inode ?? null, value.fingerprint ?? null, Date.now());
  }
}

/** Idempotency keys of committed batches, per source. */
export class SqliteIngestBatchRepository {
  private readonly getStmt: StatementSync;
  private readonly putStmt: StatementSync;
  private readonly pruneStmt: StatementSync;

  constructor(db: DatabaseSync) {
    this.getStmt = db.prepare('SELECT stored, committed FROM ingest_batches WHERE source = ? AND key = ?');
    this.putStmt = db.prepare('INSERT INTO ingest_batches (source, key, stored, committed) VALUES (?, ?, ?, ?)');
    this.pruneStmt = db.prepare('DELETE FROM ingest_batches WHERE committed < ?');
  }

  /** The earlier commit of this key, if any. */
  get(source: string, key: string): { stored: number; committed: number } | undefined {
    const r = this.getStmt.get(source, key) as { stored: number; committed: number } | undefined;
    return r ? { stored: r.stored, committed: r.committed } : undefined;
  }

  /** Records a committed batch; call inside the transaction that stores its events. */
  record(source: string, key: string, stored: number, now: number = Date.now()): void {
    this.putStmt.run(source, key, stored, now);
  }

  prune(before: number): number {
    return Number(this.pruneStmt.run(before).changes);
  }
}
