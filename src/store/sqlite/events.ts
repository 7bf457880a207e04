// Events table: batched inserts through one prepared statement inside one transaction; queries built
// from an EventQuery with bound parameters only.
import type { DatabaseSync, SQLInputValue, StatementSync } from 'node:sqlite';
import type { Event, EventQuery, EventRepository, Fields } from '../../core/index.ts';
import { ClaimGuardError } from '../../core/index.ts';
import type { Tx } from './tx.ts';

interface EventRow {
  id: string;
  time: number;
  ingested: number;
  tenant: string;
  source: string;
  product: string | null;
  category: string | null;
  service: string | null;
  fields: string;
  raw: string | null;
}

/** SQLite JSON path for a top-level key, quoted so dots and spaces in field names stay literal. */
export function jsonPath(key: string): string {
  return '$."' + key.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';
}

function toEvent(r: EventRow): Event {
  const ev: Event = {
    id: r.id,
    time: r.time,
    ingested: r.ingested,
    tenant: r.tenant,
    source: r.source,
    logsource: {},
    fields: JSON.parse(r.fields) as Fields,
  };
  if (r.product !== null) ev.logsource.product = r.product;
  if (r.category !== null) ev.logsource.category = r.category;
  if (r.service !== null) ev.logsource.service = r.service;
  if (r.raw !== null) ev.raw = r.raw;
  return ev;
}

/** WHERE clause and parameters for a query (shared by query and count). */
function whereOf(q: EventQuery): { sql: string; params: SQLInputValue[] } {
  const conds: string[] = [];
  const params: SQLInputValue[] = [];
  if (q.tenant !== undefined) { conds.push('tenant = ?'); params.push(q.tenant); }
  if (q.from !== undefined) { conds.push('time >= ?'); params.push(q.from); }
  if (q.to !== undefined) { conds.push('time < ?'); params.push(q.to); }
  if (q.source !== undefined) { conds.push('source = ?'); params.push(q.source); }
  if (q.logsource?.product !== undefined) { conds.push('product = ?'); params.push(q.logsource.product); }
  if (q.logsource?.category !== undefined) { conds.push('category = ?'); params.push(q.logsource.category); }
  if (q.logsource?.service !== undefined) { conds.push('service = ?'); params.push(q.logsource.service); }
  for (const [key, value] of Object.entries(q.where ?? {})) {
    const path = jsonPath(key);
    if (typeof value === 'string') {
      // Text comparison, so "4625" finds both the string and the number 4625.
      conds.push(`CAST(json_extract(fields, ?) AS TEXT) = ?`);
      params.push(path, value);
    } else if (typeof value === 'boolean') {
      conds.push(`json_type(fields, ?) = ?`);
      params.push(path, value ? 'true' : 'false');
    } else {
      conds.push(`json_extract(fields, ?) = ?`);
      params.push(path, value);
    }
  }
  if (q.text !== undefined && q.text !== '') {
    conds.push(`(instr(lower(fields), ?) > 0 OR instr(lower(coalesce(raw, '')), ?) > 0)`);
    const needle = q.text.toLowerCase();
    params.push(needle, needle);
  }
  return { sql: conds.length ? ' WHERE ' + conds.join(' AND ') : '', params };
}

export class SqliteEventRepository implements EventRepository {
  private readonly db: DatabaseSync;
  private readonly tx: Tx;
  private readonly insert: StatementSync;
  private readonly pruneStmt: StatementSync;

  constructor(db: DatabaseSync, tx: Tx) {
    this.db = db;
    this.tx = tx;
    this.insert = db.prepare('INSERT INTO events (id, time, ingested, tenant, source, product, category, service, fields, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    this.pruneStmt = db.prepare('DELETE FROM events WHERE time < ?');
  }

  insertBatch(events: Event[]): number {
    if (events.length === 0) return 0;
    const insert = this.insert;
    return this.tx(() => {
      for (let i = 0; i < events.length; i++) {
        const e = events[i];
        const ls = e.logsource;
        try {
          insert.run(e.id, e.time, e.ingested, e.tenant, e.source, ls.product ?? null, ls.category ?? null, ls.service ?? null,
            JSON.stringify(e.fields), e.raw ?? null);
        } catch (err) {
          throw new ClaimGuardError('STORE_WRITE', `cannot store event ${i + 1} of the batch: ${(err as Error).message}`, { record: i + 1 }, { cause: err });
        }
      }
      return events.length;
    });
  }

  /**
   * Like insertBatch for events already flattened to column values (10 per event: id, time, ingested,
   * tenant, source, product, category, service, fields as JSON text, raw), as the file-ingest worker
   * sends them: no per-event objects on the storing thread. One transaction; a bad row rolls back all.
   */
  insertRows(rows: readonly SQLInputValue[]): number {
    if (rows.length % 10 !== 0) throw new ClaimGuardError('STORE_WRITE', `row values come in tens (got ${rows.length})`);
    const n = rows.length / 10;
    if (n === 0) return 0;
    const insert = this.insert;
    return this.tx(() => {
      for (let i = 0, o = 0; i < n; i++, o += 10) {
        try {
          insert.run(rows[o], rows[o + 1], rows[o + 2], rows[o + 3], rows[o + 4], rows[o + 5], rows[o + 6], rows[o + 7], rows[o + 8], rows[o + 9]);
        } catch (err) {
          throw new ClaimGuardError('STORE_WRITE', `cannot store event ${i + 1} of the batch: ${(err as Error).message}`, { record: i + 1 }, { cause: err });
        }
      }
      return n;
    });
  }

  query(q: EventQuery): Event[] {
    const w = whereOf(q);
    const order = q.newestFirst ? 'DESC' : 'ASC';
    let sql = `SELECT id, time, ingested, tenant, source, product, category, service, fields, raw FROM events${w.sql} ORDER BY time ${order}, id ${order}`;
    if (q.limit !== undefined) { sql += ' LIMIT ?'; w.params.push(Math.max(0, Math.floor(q.limit))); }
    return (this.db.prepare(sql).all(...w.params) as unknown as EventRow[]).map(toEvent);
  }

  /** Like query but streams rows, for exports larger than memory. */
  *iterate(q: EventQuery): Generator<Event> {
    const w = whereOf(q);
    const order = q.newestFirst ? 'DESC' : 'ASC';
    let sql = `SELECT id, time, ingested, tenant, source, product, category, service, fields, raw FROM events${w.sql} ORDER BY time ${order}, id ${order}`;
    if (q.limit !== undefined) { sql += ' LIMIT ?'; w.params.push(Math.max(0, Math.floor(q.limit))); }
    for (const r of this.db.prepare(sql).iterate(...w.params)) yield toEvent(r as unknown as EventRow);
  }

  count(q: EventQuery = {}): number {
    const w = whereOf({ ...q, limit: undefined });
    const row = this.db.prepare(`SELECT count(*) AS n FROM events${w.sql}`).get(...w.params) as { n: number };
    return row.n;
  }

  prune(before: number): number {
    return this.tx(() => Number(this.pruneStmt.run(before).changes));
  }
}
