// What an audit-trail action means. Practice-management and billing systems each name actions their
// own way ("Patient Chart Viewed", "ACCT_OPEN", "EXPORT_CSV", "Adj Posted"); the watch needs a small
// fixed vocabulary. An operator's exact mapping wins; otherwise keyword patterns decide.
import type { Event } from '../../core/index.ts';
import { fieldString } from '../../detect/baseline/index.ts';

export const ACTION_KINDS = ['login', 'login_failed', 'logout', 'view', 'search', 'print', 'export', 'edit', 'bank_change', 'adjustment', 'write_off', 'other'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** Kinds that open or copy patient/account data: they count towards mass-access volume. */
export const RECORD_ACCESS_KINDS: ReadonlySet<ActionKind> = new Set(['view', 'search', 'print', 'export', 'edit', 'bank_change', 'adjustment', 'write_off']);

// `\b` below means a letter boundary: underscores and digits separate words too ("USER_LOGIN", "ACCT_OPEN").
const LETTER_BOUNDARY = '(?:(?<![a-z])(?=[a-z])|(?<=[a-z])(?![a-z]))';
function words(re: RegExp): RegExp {
  return new RegExp(re.source.replaceAll('\\b', LETTER_BOUNDARY), 'i');
}

const BANK_WORDS = /\b(?:bank|banking|payee|routing|aba|account[\s_-]*(?:number|no)|acct[\s_-]*(?:number|no)|eft|ach|direct[\s_-]*deposit|remit(?:tance)?[\s_-]*(?:address|to|info)|pay[\s_-]*to)\b/i;
const BANK = words(BANK_WORDS);
const EDIT = words(/\b(?:edit|edited|update|updated|change|changed|modify|modified|set|add|added|create|created|replace|replaced|save|saved)\b/i);

const PATTERNS: [ActionKind, RegExp][] = ([
  ['login_failed', /\b(?:log(?:in|on)|sign[\s_-]*in|auth\w*)[\s_-]*(?:fail\w*|denied|invalid|error)|\bfailed[\s_-]*(?:log(?:in|on)|sign[\s_-]*in)/i],
  ['logout', /\blog(?:out|off)\b|sign[\s_-]*out|session[\s_-]*end/i],
  ['login', /\blog(?:in|on)\b|sign[\s_-]*in|authenticat|session[\s_-]*start/i],
  ['write_off', /write[\s_-]*off|writeoff|bad[\s_-]*debt/i],
  ['adjustment', /\badj(?:ust\w*)?\b|refund|\bvoid\b|discount|credit[\s_-]*memo|contractual/i],
  ['export', /export|download|extract|\bcsv\b|report[\s_-]*(?:run|generated|export)|bulk|mass[\s_-]*print/i],
  ['print', /print/i],
  ['search', /search|lookup|look[\s_-]*up|query|find/i],
  ['edit', /edit|update|modif|change|create|delete|\badd\b|post(?:ed)?\b/i],
  ['view', /view|open|read|access|display|\bget\b|chart|inquiry/i],
] as [ActionKind, RegExp][]).map(([k, re]) => [k, words(re)]);

/**
 * Classifies an audit event. Bank/payee edits are recognised from the action text or from the
 * changed field/object names (`field`, `object`, `table`, `detail`).
 */
export function classifyAction(e: Event, exact?: Record<string, ActionKind>): ActionKind {
  const kind = classifyActionText(e, exact);
  // A login whose outcome column says it failed is a failed login, whatever the action is called.
  return kind === 'login' && e.fields.outcome === 'failure' ? 'login_failed' : kind;
}

function classifyActionText(e: Event, exact?: Record<string, ActionKind>): ActionKind {
  const action = fieldString(e, 'action') ?? '';
  if (exact) {
    const k = exact[action] ?? exact[action.toLowerCase()];
    if (k) return k;
  }
  const target = [fieldString(e, 'field'), fieldString(e, 'object'), fieldString(e, 'table'), fieldString(e, 'detail')].filter(Boolean).join(' ');
  if (!target) {
    const hit = memo.get(action);
    if (hit) return hit;
    const kind = classifyText(action, '');
    if (memo.size > 10_000) memo.clear();
    memo.set(action, kind);
    return kind;
  }
  return classifyText(action, target);
}

const memo = new Map<string, ActionKind>();

function classifyText(action: string, target: string): ActionKind {
  const isEdit = EDIT.test(action);
  if ((BANK.test(action) && (isEdit || !/view|read|open|search|print|export/i.test(action))) || (isEdit && BANK.test(target))) return 'bank_change';
  for (const [kind, re] of PATTERNS) if (re.test(action)) return kind;
  return 'other';
}
