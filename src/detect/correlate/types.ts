// Contract between the Sigma loader/detector (detect/sigma, detector.ts) and the correlation engine.
// The loader hands every document whose top-level key `correlation` is present to
// parseCorrelationRule(); the detector feeds every base-rule match to CorrelationEngine.onMatch().
import type { Event, Severity, RuleRef } from '../../core/index.ts';

export const CORRELATION_TYPES = [
  'event_count', 'value_count', 'temporal', 'temporal_ordered',
  'value_sum', 'value_avg', 'value_percentile', 'value_median',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

/** A condition such as {gte: 10} or a range {gt: 5, lte: 20}. */
export interface CorrelationCondition {
  gt?: number; gte?: number; lt?: number; lte?: number; eq?: number; neq?: number;
  /** value_* types: the field the aggregate is computed over. */
  field?: string;
  /** value_percentile: the percentile (0–100). */
  percentile?: number;
}

export interface CorrelationRule {
  ref: RuleRef;
  /** Optional `name` of the correlation itself (chained correlations reference it). */
  name?: string;
  type: CorrelationType;
  /** Referenced rules by id or name, as written. */
  rules: string[];
  groupBy: string[];
  /** Window length in ms. */
  timespan: number;
  condition: CorrelationCondition;
  /** aliases: alias → (rule id or name → field name in that rule's events). */
  aliases: Record<string, Record<string, string>>;
  /** `generate: true` → referenced rules also emit their own alerts. */
  generate: boolean;
  level: Severity;
}

/** A base (or correlation) rule match fed to the engine. */
export interface RuleMatch {
  /** The rule that matched: its id and optional name, so references by either resolve. */
  ruleId: string;
  ruleName?: string;
  event: Event;
}

export interface CorrelationFired {
  rule: CorrelationRule;
  groupKey: string;
  /** Group-by values. */
  group: Record<string, string>;
  /** Event time at which the condition became true. */
  time: number;
  /** Contributing events (bounded). */
  events: Event[];
  /** The aggregate that satisfied the condition (count, distinct count, sum …). */
  value: number;
}

export interface CorrelationStats {
  rules: number;
  groups: number;
  evictions: number;
  lateDropped: number;
  fired: number;
}
