// What the demo expects detection to raise for each scripted attack (rule ids, all required), and
// which generated files are logs to ingest. The ids are those of ClaimGuard's rule pack (rules/),
// the login-geography watch (detect/baseline), the billing audit-trail watch and the X12 watches.
import type { AttackId } from './attacks.ts';
import { SECURITY_FILE, SYSMON_FILE } from './emit/windows.ts';
import { SFTP_LOG_FILE } from './emit/syslog.ts';
import { CEF_FILE } from './emit/cef.ts';
import { UAL_FILE, SIGNIN_FILE } from './emit/m365.ts';
import { AUDIT_FILE } from './emit/pm.ts';

export const DEMO_TENANT = 'lonestar-demo';

/** Log files ingested as events (the roster and network tables are reference data; X12 is read by the billing watches). */
export const LOG_FILES = [SECURITY_FILE, SYSMON_FILE, SFTP_LOG_FILE, UAL_FILE, SIGNIN_FILE, CEF_FILE, AUDIT_FILE];
export const X12_DIRS = ['x12/837', 'x12/835'];

/** The company's working hours as an operator would configure them for the audit-trail watch (Central time). */
export const OFFICE_SCHEDULE = { days: [1, 2, 3, 4, 5], start: 6, end: 20 };

export const EXPECTED_RULES: Record<AttackId, string[]> = {
  a: ['claimguard.identity.new_country'],
  b: ['claimguard.identity.impossible_travel'],
  c: ['claimguard.billing.audit.mass_access', 'claimguard.billing.audit.mass_export'],
  d: [],
  e: ['claimguard.billing.audit.terminated_account'],
};
