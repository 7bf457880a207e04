// Building Alerts for baseline-style detectors (no Sigma rule behind them): one place that fills the
// rule identity, entities and the `why` text the same way for every analytic.
import { newId, type Alert, type Event, type RuleRef, type Severity } from '../../core/index.ts';

export interface AnalyticRule {
  id: string;
  title: string;
  level: Severity;
  tags: string[];
  /** Where the logic lives (a source path or doc link). */
  source: string;
}

export interface AlertInput {
  rule: AnalyticRule;
  /** Level for this alert when it differs from the rule's default. */
  level?: Severity;
  events: Event[];
  entities: Record<string, string | undefined>;
  /** Sentences explaining why this fired, each one a MatchReason note. */
  why: string[];
  groupKey?: string;
  tenant?: string;
}

/** Alert for an analytic; author is always "ClaimGuard". */
export function analyticAlert(input: AlertInput): Alert {
  const last = input.events[input.events.length - 1];
  const rule: RuleRef = {
    id: input.rule.id, title: input.rule.title, level: input.level ?? input.rule.level, author: 'ClaimGuard',
    source: input.rule.source, tags: input.rule.tags,
  };
  const entities: Record<string, string> = {};
  for (const [k, v] of Object.entries(input.entities)) if (v !== undefined && v !== '') entities[k] = v;
  return {
    id: newId(last?.time ?? Date.now()),
    tenant: input.tenant ?? last?.tenant ?? 'default',
    rule,
    time: last?.time ?? 0,
    eventIds: input.events.map((e) => e.id),
    events: input.events,
    ...(input.groupKey ? { groupKey: input.groupKey } : {}),
    entities,
    why: input.why.map((note) => ({ selection: input.rule.id, note })),
    status: 'new',
  };
}

/** A string field of an event, or undefined (numbers are stringified, empty strings dropped). */
export function fieldString(e: Event, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = e.fields[n];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/** A numeric field (numbers, or strings such as "1,250.00" / "$-300"), or undefined. */
export function fieldNumber(e: Event, ...names: string[]): number | undefined {
  for (const n of names) {
    const v = e.fields[n];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
    if (typeof v === 'string') {
      const t = v.replace(/[$,\s]/g, '');
      const neg = /^\(.*\)$/.test(t);
      const num = Number(neg ? t.slice(1, -1) : t);
      if (t !== '' && Number.isFinite(num)) return neg ? -num : num;
    }
  }
  return undefined;
}

/** Suppression book: true when `key` alerted less than `ms` ago (and records it otherwise). */
export class Suppressor {
  private readonly last: Record<string, number>;
  private added = 0;
  constructor(state?: Record<string, number>) { this.last = state ?? {}; }
  state(): Record<string, number> { return this.last; }
  /** Returns true when the alert should be suppressed. */
  check(key: string, time: number, ms: number): boolean {
    const prev = this.last[key];
    if (prev !== undefined && time - prev >= 0 && time - prev < ms) return true;
    if (prev === undefined && ++this.added % 10_000 === 0) {
      // Every 10,000 new keys, forget those older than a week (the longest suppression we use).
      for (const k of Object.keys(this.last)) if (time - this.last[k] > 7 * 86_400_000) delete this.last[k];
    }
    this.last[key] = time;
    return false;
  }
}
