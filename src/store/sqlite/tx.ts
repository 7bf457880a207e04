// Nested-safe transactions over one DatabaseSync: the outermost call opens BEGIN IMMEDIATE and commits;
// inner calls join it. A throw rolls the whole transaction back.
import type { DatabaseSync } from 'node:sqlite';
import { ClaimGuardError } from '../../core/index.ts';

export type Tx = <T>(fn: () => T) => T;

export function transactionRunner(db: DatabaseSync): Tx {
  return <T>(fn: () => T): T => {
    if (db.isTransaction) return fn();
    db.exec('BEGIN IMMEDIATE');
    let result: T;
    try {
      result = fn();
    } catch (e) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw e;
    }
    try {
      db.exec('COMMIT');
    } catch (e) {
      if (db.isTransaction) db.exec('ROLLBACK');
      throw new ClaimGuardError('STORE_WRITE', `commit failed: ${(e as Error).message}`, undefined, { cause: e });
    }
    return result;
  };
}
