// The practice-management system's audit trail (a CSV export from the hosted "ClaimPilot PM", a
// fictitious product) and the HR staff roster CSV the audit-trail watch checks accounts against.
import type { Sink } from '../sink.ts';
import type { Company } from '../company.ts';
import { centralIso } from '../calendar.ts';

export const AUDIT_FILE = 'pm/audit-trail.csv';
export const ROSTER_FILE = 'pm/roster.csv';
export const AUDIT_HEADER = 'timestamp,user,action,patient_id,claim_id,account_id,workstation,ip,record_count,amount,detail';

export type PmAction =
  | 'LOGIN' | 'LOGOUT' | 'VIEW_PATIENT' | 'VIEW_ACCOUNT' | 'VIEW_CLAIM' | 'EDIT_CLAIM' | 'SUBMIT_CLAIM'
  | 'POST_PAYMENT' | 'ADJUSTMENT' | 'WRITE_OFF' | 'EXPORT' | 'PRINT_STATEMENT' | 'EDIT_PATIENT' | 'EDIT_PAYEE_BANK';

export function csvField(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export class PmEmitter {
  private readonly sink: Sink;

  constructor(sink: Sink) {
    this.sink = sink;
  }

  audit(t: number, r: { user: string; action: PmAction; patient?: string; claim?: string; account?: string; workstation: string; ip: string; records?: number; amount?: number; detail?: string }): void {
    const row = [centralIso(t), r.user, r.action, r.patient ?? '', r.claim ?? '', r.account ?? '', r.workstation, r.ip, r.records !== undefined ? String(r.records) : '', r.amount !== undefined ? r.amount.toFixed(2) : '', r.detail ?? ''];
    this.sink.line(AUDIT_FILE, t, row.map(csvField).join(','));
  }
}

export function rosterCsv(company: Company): string {
  const rows = ['user,name,role,status,terminated_date,hire_date,department'];
  const dept = (role: string): string => role === 'it_admin' ? 'IT' : role === 'executive' || role === 'office_manager' ? 'Administration' : role === 'medical_coder' ? 'Coding' : role === 'credentialing' ? 'Credentialing' : 'Revenue Cycle';
  for (const s of [...company.staff, ...company.former]) {
    rows.push([s.user, s.name, s.role, s.status, s.terminated ?? '', s.hired, dept(s.role)].map(csvField).join(','));
  }
  return rows.join('\n') + '\n';
}
