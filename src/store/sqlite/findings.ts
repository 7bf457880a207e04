// Findings: one row per (tenant, kind, subject). Re-reporting a finding keeps its id and firstSeen and
// moves lastSeen forward. A finding a person accepted keeps that status until the acceptance expires.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Finding, FindingRepository, FindingStatus } from '../../core/index.ts';
import type { Tx } from './tx.ts';

interface FindingRow {
  id: string; tenant: string; kind: string; subject: string; severity: string; title: string; detail: string;
  evidence: string; controls: string; first_seen: number; last_seen: number; state: string; status: string;
}

function toFinding(r: FindingRow): Finding {
  return {
    id: r.id, tenant: r.tenant, kind: r.kind, subject: r.subject, severity: r.severity as Finding['severity'], title: r.title,
    detail: r.detail, evidence: JSON.parse(r.evidence), controls: JSON.parse(r.controls), firstSeen: r.first_seen,
    lastSeen: r.last_seen, status: JSON.parse(r.status) as FindingStatus,
  };
}

export class SqliteFindingRepository implements FindingRepository {
  private readonly db: DatabaseSync;
  private readonly tx: Tx;
  private readonly upsertStmt: StatementSync;

  constructor(db: DatabaseSync, tx: Tx) {
    this.db = db;
    this.tx = tx;
    // An unexpired acceptance survives a re-report; otherwise the collector's status wins.
    this.upsertStmt = db.prepare(`INSERT INTO findings (id, tenant, kind, subject, severity, title, detail, evidence, controls, first_seen, last_seen, state, status)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (tenant, kind, subject) DO UPDATE SET
        severity = excluded.severity, title = excluded.title, detail = excluded.detail, evidence = excluded.evidence,
        controls = excluded.controls,
        first_seen = min(findings.first_seen, excluded.first_seen),
        last_seen = max(findings.last_seen, excluded.last_seen),
        state = CASE WHEN findings.state = 'accepted' AND json_extract(findings.status, '$.expires') > excluded.last_seen
                     THEN findings.state ELSE excluded.state END,
        status = CASE WHEN findings.state = 'accepted' AND json_extract(findings.status, '$.expires') > excluded.last_seen
                      THEN findings.status ELSE excluded.status END`);
  }

  upsert(findings: Finding[]): number {
    if (findings.length === 0) return 0;
    return this.tx(() => {
      for (const f of findings) {
        this.upsertStmt.run(f.id, f.tenant, f.kind, f.subject, f.severity, f.title, f.detail, JSON.stringify(f.evidence),
          JSON.stringify(f.controls), f.firstSeen, f.lastSeen, f.status.state, JSON.stringify(f.status));
      }
      return findings.length;
    });
  }

  query(q: { tenant?: string; kind?: string; open?: boolean; limit?: number }): Finding[] {
    const conds: string[] = [];
    const params: SQLInputValue[] = [];
    if (q.tenant !== undefined) { conds.push('tenant = ?'); params.push(q.tenant); }
    if (q.kind !== undefined) { conds.push('kind = ?'); params.push(q.kind); }
    if (q.open === true) conds.push(`state = 'open'`);
    if (q.open === false) conds.push(`state <> 'open'`);
    let sql = `SELECT * FROM findings${conds.length ? ' WHERE ' + conds.join(' AND ') : ''} ORDER BY last_seen DESC, id`;
    if (q.limit !== undefined) { sql += ' LIMIT ?'; params.push(Math.max(0, Math.floor(q.limit))); }
    return (this.db.prepare(sql).all(...params) as unknown as FindingRow[]).map(toFinding);
  }
}
