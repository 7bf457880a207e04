// Hash-chained audit log. Each row stores prev_hash (the hash of the row before it, or 64 zeros for the
// first) and hash = sha256(prev_hash + canonical JSON of {seq, time, actor, action, subject, detail}).
// The seq is inside the hash, so moving or renumbering a row shows. A separate one-row table holds the
// chain head (last seq and hash), written in the same transaction as every append, so rows cut from or
// added to the end are detected as well.
//
// verify() explains what it finds rather than stopping at the first bad row: for each problem it names
// the row (seq) and the kind — edited, inserted, deleted or reordered.
import { createHash } from 'node:crypto';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { AuditEntry, AuditLog, AuditVerifyResult } from '../../core/index.ts';
import { canonicalJson } from './canonical.ts';
import type { Tx } from './tx.ts';

export const GENESIS_HASH = '0'.repeat(64);

interface AuditRow {
  seq: number;
  time: number;
  actor: string;
  action: string;
  subject: string;
  detail: string;
  prev_hash: string;
  hash: string;
}

type Problem = AuditVerifyResult['problems'][number];

/** The hash of a row's content placed at `seq` after `prevHash`. */
export function auditHash(prevHash: string, row: { seq: number; time: number; actor: string; action: string; subject: string; detail: unknown }): string {
  const body = canonicalJson({ seq: row.seq, time: row.time, actor: row.actor, action: row.action, subject: row.subject, detail: row.detail });
  return createHash('sha256').update(prevHash).update(body).digest('hex');
}

function parseDetail(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function toEntry(r: AuditRow): AuditEntry {
  const d = parseDetail(r.detail);
  return {
    seq: r.seq, time: r.time, actor: r.actor, action: r.action, subject: r.subject,
    detail: d.ok && d.value !== null && typeof d.value === 'object' ? d.value as Record<string, unknown> : { unparsable: r.detail },
    prevHash: r.prev_hash, hash: r.hash,
  };
}

/** Does the row's stored content hash to its stored hash when placed at `seq`? */
function verifiesAt(r: AuditRow, seq: number): boolean {
  const d = parseDetail(r.detail);
  if (!d.ok) return false;
  try {
    return auditHash(r.prev_hash, { seq, time: r.time, actor: r.actor, action: r.action, subject: r.subject, detail: d.value }) === r.hash;
  } catch {
    return false;
  }
}

function seqRange(a: number, b: number): string {
  return a === b ? `seq ${a}` : `seq ${a}–${b}`;
}

export class SqliteAuditLog implements AuditLog {
  private readonly db: DatabaseSync;
  private readonly tx: Tx;
  private readonly headStmt: StatementSync;
  private readonly insertStmt: StatementSync;
  private readonly setHeadStmt: StatementSync;

  constructor(db: DatabaseSync, tx: Tx) {
    this.db = db;
    this.tx = tx;
    this.headStmt = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1');
    this.insertStmt = db.prepare('INSERT INTO audit_log (seq, time, actor, action, subject, detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
    this.setHeadStmt = db.prepare('INSERT INTO audit_head (id, seq, hash) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET seq = excluded.seq, hash = excluded.hash');
  }

  append(entry: { actor: string; action: string; subject: string; detail?: Record<string, unknown>; time?: number }): AuditEntry {
    return this.tx(() => {
      const head = this.headStmt.get() as { seq: number; hash: string } | undefined;
      const seq = (head?.seq ?? 0) + 1;
      const prevHash = head?.hash ?? GENESIS_HASH;
      const time = entry.time ?? Date.now();
      // Round-trip the detail through canonical JSON so what is stored is exactly what was hashed.
      const detailText = canonicalJson(entry.detail ?? {});
      const detail = JSON.parse(detailText) as Record<string, unknown>;
      const hash = auditHash(prevHash, { seq, time, actor: entry.actor, action: entry.action, subject: entry.subject, detail });
      this.insertStmt.run(seq, time, entry.actor, entry.action, entry.subject, detailText, prevHash, hash);
      this.setHeadStmt.run(seq, hash);
      return { seq, time, actor: entry.actor, action: entry.action, subject: entry.subject, detail, prevHash, hash };
    });
  }

  list(q: { from?: number; limit?: number } = {}): AuditEntry[] {
    const rows = this.db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq LIMIT ?')
      .all(q.from ?? 0, q.limit ?? -1) as unknown as AuditRow[];
    return rows.map(toEntry);
  }

  /** The chain head as recorded: what an operator can write down elsewhere to pin the log. */
  head(): { seq: number; hash: string } {
    const h = this.headStmt.get() as { seq: number; hash: string } | undefined;
    return h ? { seq: h.seq, hash: h.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  verify(): AuditVerifyResult {
    const rows = this.db.prepare('SELECT * FROM audit_log ORDER BY seq').all() as unknown as AuditRow[];
    const headRow = this.headStmt.get() as { seq: number; hash: string } | undefined;
    const problems: Problem[] = [];
    const seen = new Set<string>();
    const report = (p: Problem): void => {
      const k = `${p.kind}:${p.seq}`;
      if (!seen.has(k)) { seen.add(k); problems.push(p); }
    };
    const byHash = new Map<string, AuditRow>();
    for (const r of rows) if (!byHash.has(r.hash)) byHash.set(r.hash, r);

    // The seq at which each row's content verifies: its own, or (when it was moved) a nearby or linked one.
    const origSeq = rows.map((r): number | undefined => {
      if (verifiesAt(r, r.seq)) return r.seq;
      const candidates = new Set<number>([r.seq - 1, r.seq + 1, r.seq - 2, r.seq + 2]);
      const p = byHash.get(r.prev_hash);
      if (p) candidates.add(p.seq + 1);
      for (const s of candidates) if (s > 0 && verifiesAt(r, s)) return s;
      return undefined;
    });

    const headSeq = headRow?.seq;
    let prev: AuditRow | undefined;
    let prevHash = GENESIS_HASH;
    let prevOrig = 0;
    let shiftReported = 0;
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i];
      const next = rows[i + 1];
      if (headSeq !== undefined && r.seq > headSeq) {
        report({ seq: r.seq, kind: 'inserted', detail: `row seq ${r.seq} lies beyond the recorded chain head (seq ${headSeq})` });
        continue;
      }
      const orig = origSeq[i];
      const linked = r.prev_hash === prevHash;
      if (linked) {
        if (orig === undefined) {
          report({ seq: r.seq, kind: 'edited', detail: `row seq ${r.seq} no longer matches its hash (content changed)` });
        } else if (orig !== r.seq && r.seq - orig !== shiftReported) {
          shiftReported = r.seq - orig;
          report({ seq: r.seq, kind: 'reordered', detail: `row seq ${r.seq} was written as seq ${orig}; rows have been renumbered` });
        }
      } else {
        const p = byHash.get(r.prev_hash);
        if (p && p !== prev && orig !== undefined) {
          // The row links to another row that still exists: rows were moved.
          if (orig !== r.seq) {
            report({ seq: r.seq, kind: 'reordered', detail: `row seq ${r.seq} was written as seq ${orig} (after the row now at seq ${p.seq}) but now follows ${prev ? `seq ${prev.seq}` : 'the start'}` });
          } else if (!seen.has(`reordered:${p.seq}`)) {
            report({ seq: r.seq, kind: 'edited', detail: `row seq ${r.seq} was rewritten to link to seq ${p.seq} instead of ${prev ? `seq ${prev.seq}` : 'the start'}` });
          }
          // Otherwise this row is in place and only its predecessor moved (already reported).
        } else if (next && next.prev_hash === prevHash) {
          // The chain skips this row: the next row links straight to the one before it.
          report({ seq: r.seq, kind: 'inserted', detail: `row seq ${r.seq} is not part of the chain (the next row links to ${prev ? `seq ${prev.seq}` : 'the start'})` });
          continue;
        } else if (orig !== undefined && orig > prevOrig + 1 && !p) {
          report({ seq: prevOrig + 1, kind: 'deleted', detail: `${seqRange(prevOrig + 1, orig - 1)} missing: row seq ${r.seq} links to a row that is no longer there` });
        } else if (orig === undefined) {
          report({ seq: r.seq, kind: 'edited', detail: `row seq ${r.seq} no longer matches its hash and does not link to the row before it` });
        } else if (prev) {
          report({ seq: prev.seq, kind: 'edited', detail: `row seq ${prev.seq} was rewritten: its hash differs from the link stored in row seq ${r.seq}` });
        } else {
          report({ seq: r.seq, kind: 'edited', detail: `the first row (seq ${r.seq}) does not start the chain` });
        }
      }
      prev = r;
      prevHash = r.hash;
      prevOrig = orig ?? prevOrig + 1;
    }

    if (headRow === undefined) {
      if (rows.length > 0) report({ seq: rows[0].seq, kind: 'deleted', detail: 'the chain head record is missing' });
    } else if (headRow.seq > prevOrig) {
      report({ seq: prevOrig + 1, kind: 'deleted', detail: `${seqRange(prevOrig + 1, headRow.seq)} missing at the end of the log (head records seq ${headRow.seq})` });
    } else if (headRow.seq === prevOrig && headRow.hash !== prevHash && prev) {
      report({ seq: prev.seq, kind: 'edited', detail: `row seq ${prev.seq} was rewritten: its hash differs from the recorded chain head` });
    }
    problems.sort((a, b) => a.seq - b.seq);
    return { ok: problems.length === 0, checked: rows.length, problems };
  }
}
