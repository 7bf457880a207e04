// Scores detection results against the demo's ground truth: which alerts belong to which scripted
// attack, whether each attack raised the alerts it should, and which alerts are false positives
// (alerts tied to no attack), split into those on attack-free days and the rest.
import type { Alert, Severity } from '../core/index.ts';
import type { GroundTruth } from './generate.ts';
import type { AttackId, AttackTruth } from './attacks.ts';

/** Alerts up to this long before an attack's first step or after its last step can still belong to it. */
export const ATTRIBUTION_SLACK_BEFORE_MS = 10 * 60_000;
export const ATTRIBUTION_SLACK_AFTER_MS = 2 * 3_600_000;

export interface AttackScore {
  id: AttackId;
  title: string;
  detected: boolean;
  /** Rule ids that fired on this attack's records, with counts. */
  rules: Record<string, number>;
  /** Expected rule ids (all must fire) and those that did not. */
  expected: string[];
  missing: string[];
  firstAlert?: string;
  /** Minutes from the attack's first step to its first alert. */
  minutesToDetect?: number;
}

export interface Score {
  attacks: AttackScore[];
  /** Alerts on documented, legitimate changes that call for a review (not false positives), by rule. */
  reviews: Record<string, number>;
  /** Alerts on a documented change that are not among its expected reviews (counted as false positives too), by rule. */
  unexpectedOnBenign: Record<string, number>;
  /** Alerts attributed to no attack. */
  falsePositives: number;
  /** Of those, the ones on days with no attack activity at all. */
  falsePositivesOnNormalDays: number;
  normalDays: number;
  /** False-positive alerts by rule id. */
  falsePositivesByRule: Record<string, number>;
  bySeverity: Record<Severity, number>;
  byRule: Record<string, { title: string; level: Severity; count: number }>;
  total: number;
}

/** Every string value of an alert an indicator can show up in: entities, group key, why, event fields. */
function haystack(a: Alert): string {
  const parts: string[] = [a.groupKey ?? '', ...Object.values(a.entities)];
  for (const w of a.why) parts.push(w.note ?? '', w.value ?? '');
  for (const e of a.events ?? []) parts.push(JSON.stringify(e.fields));
  return parts.join('\u0000').toLowerCase();
}

/** Does the alert carry one of the attack's indicators (user, ip, host, payee, account)? */
export function matchesAttack(a: Alert, attack: Pick<AttackTruth, 'startMs' | 'endMs' | 'indicators'>, text = haystack(a)): boolean {
  if (a.time < attack.startMs - ATTRIBUTION_SLACK_BEFORE_MS || a.time > attack.endMs + ATTRIBUTION_SLACK_AFTER_MS) return false;
  const ind = attack.indicators;
  const values = [...ind.users, ...ind.ips, ...ind.hosts, ...(ind.payees ?? []), ...(ind.accounts ?? [])];
  return values.some((v) => v.length > 2 && containsToken(text, v.toLowerCase()));
}

/** Substring match on token boundaries, so "10.20.50.8" does not match "10.20.50.88" nor "era" match "operator". */
function containsToken(text: string, token: string): boolean {
  for (let i = text.indexOf(token); i !== -1; i = text.indexOf(token, i + 1)) {
    const before = i === 0 ? '' : text[i - 1];
    const after = text[i + token.length] ?? '';
    if (!/[a-z0-9]/.test(before) && !/[a-z0-9]/.test(after)) return true;
  }
  return false;
}

export function scoreAlerts(truth: GroundTruth, alerts: Alert[], expected: Partial<Record<AttackId, string[]>> = {}): Score {
  const attackDays = new Set(truth.attackDays);
  const scores: AttackScore[] = truth.attacks.map((a) => ({ id: a.id, title: a.title, detected: false, rules: {}, expected: expected[a.id] ?? [], missing: [] }));
  const bySeverity: Record<Severity, number> = { informational: 0, low: 0, medium: 0, high: 0, critical: 0 };
  const byRule: Score['byRule'] = {};
  const fpByRule: Record<string, number> = {};
  const reviews: Record<string, number> = {};
  const unexpectedOnBenign: Record<string, number> = {};
  let fp = 0, fpNormal = 0;
  for (const alert of alerts) {
    bySeverity[alert.rule.level] = (bySeverity[alert.rule.level] ?? 0) + 1;
    const r = (byRule[alert.rule.id] ??= { title: alert.rule.title, level: alert.rule.level, count: 0 });
    r.count++;
    const text = haystack(alert);
    let hit = false;
    truth.attacks.forEach((attack, i) => {
      if (!matchesAttack(alert, attack, text)) return;
      hit = true;
      const s = scores[i];
      s.rules[alert.rule.id] = (s.rules[alert.rule.id] ?? 0) + 1;
      if (!s.firstAlert || alert.time < Date.parse(s.firstAlert)) s.firstAlert = new Date(alert.time).toISOString();
    });
    if (!hit) {
      const benign = (truth.benign ?? []).find((b) => b.expectedReviews.includes(alert.rule.id) && matchesAttack(alert, b, text));
      if (benign) { reviews[alert.rule.id] = (reviews[alert.rule.id] ?? 0) + 1; continue; }
      if ((truth.benign ?? []).some((b) => matchesAttack(alert, b, text))) unexpectedOnBenign[alert.rule.id] = (unexpectedOnBenign[alert.rule.id] ?? 0) + 1;
      fp++;
      fpByRule[alert.rule.id] = (fpByRule[alert.rule.id] ?? 0) + 1;
      if (!attackDays.has(new Date(alert.time).toISOString().slice(0, 10))) fpNormal++;
    }
  }
  truth.attacks.forEach((attack, i) => {
    const s = scores[i];
    s.missing = s.expected.filter((id) => !s.rules[id]);
    s.detected = Object.keys(s.rules).length > 0 && s.missing.length === 0;
    if (s.firstAlert) s.minutesToDetect = Math.max(0, Math.round((Date.parse(s.firstAlert) - attack.startMs) / 60_000));
  });
  const days = truth.days;
  return {
    attacks: scores,
    reviews,
    unexpectedOnBenign,
    falsePositives: fp,
    falsePositivesOnNormalDays: fpNormal,
    normalDays: days - attackDays.size,
    falsePositivesByRule: fpByRule,
    bySeverity,
    byRule,
    total: alerts.length,
  };
}
