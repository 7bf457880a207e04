// Alerts: stored whole as JSON columns beside the columns queries filter on. A status change is a
// person's decision, so it is written together with an audit-log entry in one transaction.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Alert, AlertQuery, AlertRepository, AlertStatus, AuditLog } from '../../core/index.ts';
import { ClaimGuardError } from '../../core/index.ts';
import type { Tx } from './tx.ts';

const STATUSES: readonly AlertStatus[] = ['new', 'acknowledged', 'closed', 'false_positive'];

interface AlertRow {
  id: string; tenant: string; time: number; status: string; group_key: string | null;
  rule: string; event_ids: string; entities: string; why: string; events: string | null;
}

function toAlert(r: AlertRow): Alert {
  const a: Alert = {
    id: r.id, tenant: r.tenant, rule: JSON.parse(r.rule), time: r.time, eventIds: JSON.parse(r.event_ids),
    entities: JSON.parse(r.entities), why: JSON.parse(r.why), status: r.status as AlertStatus,
  };
  if (r.group_key !== null) a.groupKey = r.group_key;
  if (r.events !== null) a.events = JSON.parse(r.events);
  return a;
}

export class SqliteAlertRepository implements AlertRepository {
  private readonly db: DatabaseSync;
  private readonly tx: Tx;
  private readonly audit: AuditLog;
  private readonly insert: StatementSync;

  constructor(db: DatabaseSync, tx: Tx, audit: AuditLog) {
    this.db = db;
    this.tx = tx;
    this.audit = audit;
    this.insert = db.prepare(`INSERT INTO alerts (id, tenant, rule_id, level, time, status, group_key, rule, event_ids, entities, why, events)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`);
  }

  insertBatch(alerts: Alert[]): number {
    if (alerts.length === 0) return 0;
    return this.tx(() => {
      let n = 0;
      for (const a of alerts) {
        n += Number(this.insert.run(a.id, a.tenant, a.rule.id, a.rule.level, a.time, a.status, a.groupKey ?? null, JSON.stringify(a.rule),
          JSON.stringify(a.eventIds), JSON.stringify(a.entities), JSON.stringify(a.why), a.events ? JSON.stringify(a.events) : null).changes);
      }
      return n;
    });
  }

  query(q: AlertQuery): Alert[] {
    const conds: string[] = [];
    const params: SQLInputValue[] = [];
    if (q.tenant !== undefined) { conds.push('tenant = ?'); params.push(q.tenant); }
    if (q.from !== undefined) { conds.push('time >= ?'); params.push(q.from); }
    if (q.to !== undefined) { conds.push('time < ?'); params.push(q.to); }
    if (q.ruleId !== undefined) { conds.push('rule_id = ?'); params.push(q.ruleId); }
    if (q.status !== undefined) { conds.push('status = ?'); params.push(q.status); }
    let sql = `SELECT * FROM alerts${conds.length ? ' WHERE ' + conds.join(' AND ') : ''} ORDER BY time DESC, id DESC`;
    if (q.limit !== undefined) { sql += ' LIMIT ?'; params.push(Math.max(0, Math.floor(q.limit))); }
    return (this.db.prepare(sql).all(...params) as unknown as AlertRow[]).map(toAlert);
  }

  setStatus(id: string, status: AlertStatus, actor: string): void {
    if (!STATUSES.includes(status)) throw new ClaimGuardError('HTTP_VALIDATION', `unknown alert status "${status}"`);
    this.tx(() => {
      const row = this.db.prepare('SELECT status FROM alerts WHERE id = ?').get(id) as { status: string } | undefined;
      if (!row) throw new ClaimGuardError('HTTP_NOT_FOUND', `no alert with id ${id}`);
      if (row.status === status) return;
      this.db.prepare('UPDATE alerts SET status = ? WHERE id = ?').run(status, id);
      this.audit.append({ actor, action: 'alert.status', subject: id, detail: { from: row.status, to: status } });
    });
  }
}
