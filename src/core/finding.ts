import type { Severity } from './severity.ts';

export type FindingStatus =
  | { state: 'open' }
  | { state: 'resolved'; at: number }
  | { state: 'accepted'; reason: string; owner: string; expires: number };

/** A standing condition found by a collector (assess, recover, people): not an event, a state. */
export interface Finding {
  id: string;
  tenant: string;
  /** Stable kind, e.g. "vuln.cve", "account.mfa_missing", "backup.stale". */
  kind: string;
  /** What the finding is about: a host, an account, a domain … */
  subject: string;
  severity: Severity;
  title: string;
  detail: string;
  evidence: Record<string, unknown>;
  /** Control catalog ids this finding bears on, e.g. "164.308(a)(1)(ii)(A)". */
  controls: string[];
  firstSeen: number;
  lastSeen: number;
  status: FindingStatus;
}
