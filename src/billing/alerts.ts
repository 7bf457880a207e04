// Alert construction shared by the billing watches: one RuleRef table per watch, masked account
// numbers, X12 dates to epoch ms, hashed keys so state never holds PHI or full account numbers.
import { createHash } from 'node:crypto';
import { newId, type Alert, type RuleRef, type Severity } from '../core/index.ts';

export const BILLING_DOC = 'docs/billing.md';

export interface BillingRule {
  id: string;
  title: string;
  level: Severity;
  tags: string[];
  /** Anchor in docs/billing.md. */
  anchor: string;
}

export function ruleRef(r: BillingRule): RuleRef {
  return { id: r.id, title: r.title, level: r.level, author: 'ClaimGuard', source: `${BILLING_DOC}#${r.anchor}`, license: 'Apache-2.0', tags: r.tags };
}

export interface AlertOptions {
  tenant?: string;
}

export function billingAlert(rule: BillingRule, time: number, entities: Record<string, string | undefined>, note: string, opts: AlertOptions, groupKey?: string, level?: Severity): Alert {
  const ents: Record<string, string> = {};
  for (const [k, v] of Object.entries(entities)) if (v !== undefined && v !== '') ents[k] = v;
  const ref = ruleRef(rule);
  if (level) ref.level = level;
  return {
    id: newId(time),
    tenant: opts.tenant ?? 'default',
    rule: ref,
    time,
    eventIds: [],
    ...(groupKey ? { groupKey } : {}),
    entities: ents,
    why: [{ selection: rule.id.split('.').pop() ?? rule.id, note }],
    status: 'new',
  };
}

/** "****7890": never more than the last four characters of an account number. */
export function maskAccount(account: string | undefined): string {
  if (!account) return '';
  return '****' + account.slice(-4);
}

export function last4(account: string | undefined): string {
  return account ? account.slice(-4) : '';
}

/** Short stable hash (hex) for state keys: account fingerprints, duplicate-claim keys. */
export function fingerprint(...parts: (string | number | undefined)[]): string {
  return createHash('sha256').update(parts.map((p) => (p === undefined ? '' : String(p))).join('\u001f')).digest('hex').slice(0, 24);
}

/** CCYYMMDD [+ HHMM] → epoch ms (read as UTC; X12 carries no zone). Undefined when not a date. */
export function x12Time(date: string | undefined, time?: string): number | undefined {
  if (!date) return undefined;
  let d = date;
  if (/^\d{6}$/.test(d)) d = '20' + d;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(d);
  if (!m) return undefined;
  const t = /^(\d{2})(\d{2})/.exec(time ?? '') ?? [, '00', '00'];
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(t[1]), Number(t[2]));
  return Number.isNaN(ms) ? undefined : ms;
}

/** Epoch ms → CCYYMMDD (UTC). */
export function ymd(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

export const DAY_MS = 86_400_000;

export function median(xs: number[]): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Upper-cased, whitespace-collapsed address for comparisons. */
export function normAddress(a: { line1?: string; line2?: string; city?: string; state?: string; postalCode?: string } | undefined): string | undefined {
  if (!a) return undefined;
  const s = [a.line1, a.line2, a.city, a.state, (a.postalCode ?? '').slice(0, 5)].filter(Boolean).join(', ').toUpperCase().replace(/\s+/g, ' ').trim();
  return s || undefined;
}

/** Drop the oldest keys of an insertion-ordered record until it holds at most `max`. */
export function capRecord<T>(rec: Record<string, T>, max: number): number {
  const keys = Object.keys(rec);
  let evicted = 0;
  for (let i = 0; i < keys.length - max; i++) {
    delete rec[keys[i]];
    evicted++;
  }
  return evicted;
}
