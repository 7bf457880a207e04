// Contract between the Sigma loader/detector (detect/sigma, detector.ts) and the correlation engine.
// The loader hands every document whose top-level key `correlation` is present to
// parseCorrelationRule(); the detector feeds every base-rule match to CorrelationEngine.onMatch().
//
// Extensions over the first contract (all additive): CorrelationRule.timespanText / location /
// expression, CorrelationCondition.fields, CorrelationStats counters and perRule breakdown,
// the engine options and snapshot shapes below.
import type { Event, Severity, RuleRef, Location } from '../../core/index.ts';

export const CORRELATION_TYPES = [
  'event_count', 'value_count', 'temporal', 'temporal_ordered',
  'value_sum', 'value_avg', 'value_percentile', 'value_median',
] as const;
export type CorrelationType = (typeof CORRELATION_TYPES)[number];

/** A condition such as {gte: 10} or a range {gt: 5, lte: 20}. All present operators must hold. */
export interface CorrelationCondition {
  gt?: number; gte?: number; lt?: number; lte?: number; eq?: number; neq?: number;
  /** value_* types: the field the aggregate is computed over (the first of `fields`). */
  field?: string;
  /** value_* types: every field named by `condition.field` (value_count accepts several: distinct tuples). */
  fields?: string[];
  /** value_percentile: the percentile (0–100). */
  percentile?: number;
}

/** A boolean expression over referenced rule names/ids (pySigma "extended" temporal condition). */
export type CorrelationExpression =
  | { op: 'ref'; ref: string }
  | { op: 'not'; arg: CorrelationExpression }
  | { op: 'and' | 'or'; args: CorrelationExpression[] };

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
  /** The timespan as written in the rule, e.g. "5m". */
  timespanText?: string;
  condition: CorrelationCondition;
  /** temporal / temporal_ordered with a string condition: the parsed boolean expression. */
  expression?: CorrelationExpression;
  /** aliases: alias → (rule id or name → field name in that rule's events). */
  aliases: Record<string, Record<string, string>>;
  /** `generate: true` → referenced rules also emit their own alerts. */
  generate: boolean;
  level: Severity;
  /**
   * Alert-suppression window in ms from the rule's `custom: {suppress: <timespan>}` (0 = off). Absent:
   * the engine option suppressMs, else the rule's timespan. See docs/correlation.md, "Suppression".
   */
  suppress?: number;
  /** Where the rule was read from (file, line, column of the document). */
  location?: Location;
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
  /** Start of the window that satisfied the condition (time of its oldest entry), epoch ms. */
  windowStart?: number;
  /**
   * With suppression on: further firings of this rule and group up to this time (epoch ms, inclusive)
   * are folded into this alert's episode instead of being returned (the end moves with each one).
   */
  suppressUntil?: number;
}

/** An alert episode of one correlation group: the emitted firing and the firings suppressed after it. */
export interface CorrelationEpisode {
  ruleId: string;
  groupKey: string;
  group: Record<string, string>;
  /** Time of the emitted firing. */
  start: number;
  /** Time of the newest firing (emitted or suppressed). */
  last: number;
  /** Firings up to this time (inclusive) are suppressed: last firing + the suppression window. */
  until: number;
  /** Firings in the episode: 1 + suppressed. */
  firings: number;
  suppressed: number;
  /** Aggregate value of the newest firing. */
  value: number;
}

export interface CorrelationRuleStats {
  groups: number;
  /** Entries currently held over all groups of the rule. */
  entries: number;
  /** Entries of the largest group. */
  largestGroup: number;
  watermark: number | null;
  /** Firings returned as alerts. */
  fired: number;
  /** Firings folded into an open episode instead (suppression); firings in total = fired + suppressed. */
  suppressed: number;
  /** The suppression window in ms this rule uses (0 = off). */
  suppressMs: number;
  lateDropped: number;
  evictedEntries: number;
  evictedGroups: number;
}

export interface CorrelationStats {
  rules: number;
  groups: number;
  /** Capacity evictions: evictedEntries + evictedGroups (expired state is not an eviction). */
  evictions: number;
  lateDropped: number;
  /** Firings returned as alerts. */
  fired: number;
  /** Firings not returned because an episode of the same rule and group was open (suppression). */
  suppressed?: number;
  /** Entries dropped because their group hit maxEntriesPerGroup. */
  evictedEntries?: number;
  /** Groups dropped (stalest first) because the rule hit maxGroupsPerRule. */
  evictedGroups?: number;
  /** Entries removed because no future window can contain them (not an eviction). */
  expiredEntries?: number;
  /** Groups removed because all their state expired (not an eviction). */
  expiredGroups?: number;
  /** Matches older than the last reset of their group (reset mode). */
  discardedAfterReset?: number;
  /** Matches skipped because a group-by field was absent or null. */
  missingGroupField?: number;
  /** value_* matches skipped because the value field was absent, null or (sum/avg/percentile/median) not numeric. */
  missingValue?: number;
  /** Matches skipped because the event has no finite time. */
  noTime?: number;
  /** Matches skipped because their time lies more than maxFutureMs after their `ingested` time. */
  futureDropped?: number;
  /** Second match of the same event in the same group (counting types count an event once). */
  deduplicated?: number;
  perRule?: Record<string, CorrelationRuleStats>;
}

export type AfterFire = 'reset' | 'keep-alerting';

export interface CorrelationEngineOptions {
  /**
   * Base (single-event) rules the correlations may reference, by id and optional name. A reference
   * that names neither one of these nor another correlation is SIGMA_UNKNOWN_REFERENCE.
   */
  baseRules?: Iterable<{ id: string; name?: string }>;
  /** How far (ms of event time) a match may lag the newest match of its rule and still count. Default 60,000. */
  allowedLatenessMs?: number;
  /** What a group does after its correlation fired. Default 'reset'. */
  afterFire?: AfterFire;
  /** Groups held per correlation rule. Default 10,000. */
  maxGroupsPerRule?: number;
  /** Entries (matches) held per group. Default 1,000. */
  maxEntriesPerGroup?: number;
  /** Contributing events kept per group and attached to a firing. Default 10. */
  maxEventsPerFire?: number;
  /**
   * A match whose event time is more than this many ms after the event's own `ingested` time is
   * skipped and counted (futureDropped), so one absurd timestamp cannot push the watermark ahead and
   * make every later match "late". Default 86,400,000 (24 h); Infinity disables the check.
   */
  maxFutureMs?: number;
  /**
   * Alert suppression per rule and group: after a group's firing is returned, further firings of the
   * same rule and group whose time is at most this many ms after the episode's newest firing are
   * counted (stats `suppressed`, episodes()) instead of returned; each one extends the episode.
   * Default: each rule's own timespan. 0 turns suppression off. A rule's `custom: {suppress: …}`
   * overrides this for that rule.
   */
  suppressMs?: number;
}

export const SNAPSHOT_VERSION = 1;

/** One held match: [time, sequence, rule index, value ('' when the type keeps none), event id]. */
export type SnapshotEntry = [number, number, number, string | number, string];

export interface SnapshotGroup {
  key: string;
  values: string[];
  entries: SnapshotEntry[];
  resetBefore: number | null;
  events: Event[];
  /** Open suppression episode (absent in snapshots written before suppression existed). */
  episode?: { start: number; last: number; until: number; suppressed: number; value: number } | null;
}

export interface SnapshotRule {
  /** Shape of the rule the state belongs to; state is only restored into a rule of the same shape. */
  type: CorrelationType;
  timespan: number;
  groupBy: string[];
  rules: string[];
  watermark: number | null;
  groups: SnapshotGroup[];
}

export interface CorrelationSnapshot {
  format: 'claimguard.correlation-state';
  version: number;
  seq: number;
  rules: Record<string, SnapshotRule>;
}

export interface RestoreReport {
  restored: string[];
  skipped: { id: string; reason: string }[];
}
