// Operator-supplied tables for the audit-trail analytics, read from small CSV files:
//   roster.csv    user, name, role, status, terminated        (HR / directory export)
//   flagged.csv   id, kind, category, user, note, allowed      (VIP, employee and family records)
//   networks.csv  cidr, country                                (optional IP → country table)
// Header names are case-insensitive and a few common aliases are accepted. Every problem is a
// CONFIG_INVALID error naming file, line and column name; good rows are kept.
import { ClaimGuardError } from '../../core/index.ts';
import { CidrTable, localTime } from '../../detect/baseline/index.ts';

export type RosterStatus = 'active' | 'terminated' | 'disabled' | 'leave';

export interface RosterEntry {
  /** Account name as it appears in the audit trail (compared case-insensitively). */
  user: string;
  name?: string;
  role?: string;
  status: RosterStatus;
  /** Epoch ms from which the account must not be used (end of the termination date). */
  terminatedAt?: number;
}

export type FlagCategory = 'vip' | 'employee' | 'family' | 'restricted';

export interface FlaggedRecord {
  /** Patient, account or claim id as it appears in the audit trail. */
  id: string;
  /** Which id field it applies to; "any" matches patient_id, account_id and claim_id. */
  kind: 'patient' | 'account' | 'claim' | 'any';
  category: FlagCategory;
  /** The workforce member the record belongs to or is related to (employee / family flags). */
  user?: string;
  note?: string;
  /** Users whose access is expected (care team, privacy officer). */
  allowed?: string[];
}

export interface TableResult<T> { rows: T[]; errors: ClaimGuardError[] }

/** RFC 4180 CSV → rows of cells, with the 1-based line each row starts on. Tolerates BOM and CRLF. */
export function parseCsv(text: string): { cells: string[]; line: number }[] {
  const out: { cells: string[]; line: number }[] = [];
  let row: string[] = [];
  let cell = '';
  let inQuotes = false;
  let line = 1;
  let rowLine = 1;
  const s = text.replace(/^\ufeff/, '');
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (inQuotes) {
      if (c === '"') {
        if (s[i + 1] === '"') { cell += '"'; i++; } else inQuotes = false;
      } else {
        if (c === '\n') line++;
        cell += c;
      }
      continue;
    }
    if (c === '"' && cell === '') { inQuotes = true; continue; }
    if (c === ',') { row.push(cell); cell = ''; continue; }
    if (c === '\r' && s[i + 1] === '\n') continue;
    if (c === '\n' || c === '\r') {
      row.push(cell); cell = '';
      if (row.some((x) => x.trim() !== '')) out.push({ cells: row, line: rowLine });
      row = []; line++; rowLine = line;
      continue;
    }
    cell += c;
  }
  row.push(cell);
  if (row.some((x) => x.trim() !== '')) out.push({ cells: row, line: rowLine });
  return out;
}

function headerIndex(header: string[], aliases: string[]): number {
  const norm = header.map((h) => h.trim().toLowerCase().replace(/[\s-]+/g, '_'));
  for (const a of aliases) {
    const i = norm.indexOf(a);
    if (i >= 0) return i;
  }
  return -1;
}

/** Start of local day `date` (YYYY-MM-DD) in `timeZone`, as epoch ms. */
export function startOfLocalDay(date: string, timeZone: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  if (!m) return undefined;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const check = new Date(guess);
  if (check.getUTCDate() !== Number(m[3]) || check.getUTCMonth() !== Number(m[2]) - 1) return undefined;
  let t = guess;
  for (let i = 0; i < 2; i++) {
    const l = localTime(t, timeZone);
    const [y, mo, d] = l.date.split('-').map(Number);
    const asUtc = Date.UTC(y, mo - 1, d, l.hour, l.minute);
    t -= asUtc - guess;
  }
  return t;
}

/** Parses a roster CSV. `terminated` may be a date (account dead from the next local midnight) or an ISO time. */
export function parseRoster(text: string, file: string, timeZone = 'UTC'): TableResult<RosterEntry> {
  const rows = parseCsv(text);
  const errors: ClaimGuardError[] = [];
  if (!rows.length) return { rows: [], errors: [new ClaimGuardError('CONFIG_INVALID', 'roster is empty (expected a header row: user,name,role,status,terminated)', { file, line: 1 })] };
  const header = rows[0].cells;
  const col = {
    user: headerIndex(header, ['user', 'username', 'user_name', 'login', 'account', 'user_id', 'userid']),
    name: headerIndex(header, ['name', 'full_name', 'display_name']),
    role: headerIndex(header, ['role', 'title', 'job', 'job_title', 'department']),
    status: headerIndex(header, ['status', 'state', 'employment_status']),
    terminated: headerIndex(header, ['terminated', 'terminated_date', 'termination_date', 'terminated_at', 'end_date', 'separation_date']),
  };
  if (col.user < 0) return { rows: [], errors: [new ClaimGuardError('CONFIG_INVALID', `roster has no user column (header: ${header.join(',')})`, { file, line: rows[0].line })] };
  const out: RosterEntry[] = [];
  for (const r of rows.slice(1)) {
    const get = (i: number): string => (i >= 0 ? (r.cells[i] ?? '').trim() : '');
    const user = get(col.user);
    if (!user) { errors.push(new ClaimGuardError('CONFIG_INVALID', 'roster row has an empty user', { file, line: r.line, path: 'user' })); continue; }
    const rawStatus = get(col.status).toLowerCase();
    const termText = get(col.terminated);
    let status: RosterStatus;
    if (!rawStatus) status = termText ? 'terminated' : 'active';
    else if (/^(active|current|employed|enabled)$/.test(rawStatus)) status = 'active';
    else if (/^(terminated|term|separated|former|inactive|left)$/.test(rawStatus)) status = 'terminated';
    else if (/^(disabled|locked|suspended)$/.test(rawStatus)) status = 'disabled';
    else if (/^(leave|loa|on_leave|on leave)$/.test(rawStatus)) status = 'leave';
    else { errors.push(new ClaimGuardError('CONFIG_INVALID', `unknown status "${rawStatus}" (active, terminated, disabled, leave)`, { file, line: r.line, path: 'status' })); continue; }
    let terminatedAt: number | undefined;
    if (termText) {
      const day = startOfLocalDay(termText, timeZone);
      const isIsoTime = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i.test(termText);
      terminatedAt = day !== undefined ? day + 86_400_000 : isIsoTime ? Date.parse(termText) : NaN;
      if (!Number.isFinite(terminatedAt)) { errors.push(new ClaimGuardError('CONFIG_INVALID', `terminated date "${termText}" is not YYYY-MM-DD or an ISO time`, { file, line: r.line, path: 'terminated' })); continue; }
    }
    const entry: RosterEntry = { user, status };
    const name = get(col.name); if (name) entry.name = name;
    const role = get(col.role); if (role) entry.role = role.toLowerCase();
    if (terminatedAt !== undefined) entry.terminatedAt = terminatedAt;
    out.push(entry);
  }
  return { rows: out, errors };
}

const CATEGORIES: Record<string, FlagCategory> = {
  vip: 'vip', celebrity: 'vip', public_figure: 'vip', employee: 'employee', staff: 'employee', workforce: 'employee',
  family: 'family', relative: 'family', restricted: 'restricted', confidential: 'restricted', sensitive: 'restricted',
};

/** Parses the flagged-records CSV (id, kind, category, user, note, allowed — allowed is ;-separated). */
export function parseFlagged(text: string, file: string): TableResult<FlaggedRecord> {
  const rows = parseCsv(text);
  const errors: ClaimGuardError[] = [];
  if (!rows.length) return { rows: [], errors: [new ClaimGuardError('CONFIG_INVALID', 'flagged-records file is empty (expected a header row: id,kind,category,user,note,allowed)', { file, line: 1 })] };
  const header = rows[0].cells;
  const col = {
    id: headerIndex(header, ['id', 'record_id', 'patient_id', 'account_id', 'mrn']),
    kind: headerIndex(header, ['kind', 'type', 'record_type']),
    category: headerIndex(header, ['category', 'flag', 'reason']),
    user: headerIndex(header, ['user', 'employee', 'related_user']),
    note: headerIndex(header, ['note', 'notes', 'comment']),
    allowed: headerIndex(header, ['allowed', 'allowed_users', 'care_team']),
  };
  if (col.id < 0 || col.category < 0) return { rows: [], errors: [new ClaimGuardError('CONFIG_INVALID', 'flagged-records file needs id and category columns', { file, line: rows[0].line })] };
  const out: FlaggedRecord[] = [];
  for (const r of rows.slice(1)) {
    const get = (i: number): string => (i >= 0 ? (r.cells[i] ?? '').trim() : '');
    const id = get(col.id);
    const cat = CATEGORIES[get(col.category).toLowerCase().replace(/\s+/g, '_')];
    if (!id) { errors.push(new ClaimGuardError('CONFIG_INVALID', 'flagged row has an empty id', { file, line: r.line, path: 'id' })); continue; }
    if (!cat) { errors.push(new ClaimGuardError('CONFIG_INVALID', `unknown category "${get(col.category)}" (vip, employee, family, restricted)`, { file, line: r.line, path: 'category' })); continue; }
    const k = get(col.kind).toLowerCase();
    const kind: FlaggedRecord['kind'] = k === 'patient' || k === 'account' || k === 'claim' ? k : 'any';
    const rec: FlaggedRecord = { id, kind, category: cat };
    const user = get(col.user); if (user) rec.user = user;
    const note = get(col.note); if (note) rec.note = note;
    const allowed = get(col.allowed); if (allowed) rec.allowed = allowed.split(/[;|]/).map((x) => x.trim()).filter(Boolean);
    out.push(rec);
  }
  return { rows: out, errors };
}

/** Parses "cidr,country" rows into a lookup table. */
export function parseNetworkTable(text: string, file: string): { table: CidrTable; errors: ClaimGuardError[] } {
  const rows = parseCsv(text);
  const errors: ClaimGuardError[] = [];
  const header = rows[0]?.cells ?? [];
  const cidrCol = headerIndex(header, ['cidr', 'network', 'prefix', 'range']);
  const valCol = headerIndex(header, ['country', 'country_code', 'cc', 'value', 'site']);
  if (cidrCol < 0 || valCol < 0) {
    return { table: new CidrTable([]), errors: [new ClaimGuardError('CONFIG_INVALID', 'network table needs cidr and country columns', { file, line: 1 })] };
  }
  const entries = rows.slice(1).map((r) => ({ cidr: (r.cells[cidrCol] ?? '').trim(), value: (r.cells[valCol] ?? '').trim().toUpperCase(), line: r.line }));
  const table = new CidrTable(entries);
  for (const bad of table.rejected) errors.push(new ClaimGuardError('CONFIG_INVALID', `"${bad.cidr}" is not a CIDR`, { file, line: entries[bad.index].line, path: 'cidr' }));
  return { table, errors };
}
