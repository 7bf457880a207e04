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

/**
 * Rule ids each attack must raise. Sigma ids are those of rules/ (title in the comment); the
 * claimguard.* ids are the analytics in detect/baseline and billing/.
 */
export const EXPECTED_RULES: Record<AttackId, string[]> = {
  a: [
    '3ebb6216-e477-44c3-a567-53a93bec6d68', // VPN Password Spraying From One Address (correlation)
    '0ac76952-b876-4686-9a7f-50f921c3a35a', // VPN Login From Outside The United States
    'claimguard.identity.new_country',
    '44edc793-3a6b-4d1b-8727-75199ff46683', // Member Added To The Local Administrators Group
    '744596a8-38d9-4715-925e-67b9a7034010', // Shadow Copies Deleted Or Shrunk
    '70a7835e-5067-4e47-87a1-e5c342db9e81', // Boot Recovery Or Backup Catalog Disabled
    '1777b7f7-0b60-436f-9964-37de6bd4a8b0', // Windows Event Log Cleared
  ],
  b: [
    'claimguard.identity.impossible_travel',
    '40f180a1-2336-4f3a-bff9-84978efd3eb9', // Mailbox Forwarding Or Redirect To An External Domain
    'fecb2469-05ff-48b4-a7a6-f6ce10606fe8', // Inbox Rule Hides Payment Or Remittance Mail
    'claimguard.billing.remit.new_account',
  ],
  c: [
    'claimguard.billing.audit.after_hours',
    'claimguard.billing.audit.mass_access',
    'claimguard.billing.audit.mass_export',
    'c21ebb40-a87b-45bb-8a7b-f4b197079df2', // Large Volume Of Records Exported From The Billing Application
  ],
  d: [
    '44fdb80b-0d1d-4ac4-986d-245f273e3161', // SSH Brute Force From One Source (correlation)
  ],
  e: [
    'claimguard.billing.audit.terminated_account',
  ],
};
