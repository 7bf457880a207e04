// Streaming correlation engine: a pure step over (state, rule match, event time). It never reads a
// clock; time is the matched event's `time` (epoch ms). Semantics (docs/correlation.md has the long
// form):
//
// - Window: a sliding window of `timespan` ms, inclusive at both ends. When a match at time t arrives
//   in order, the window evaluated is [t − timespan, t]; an event exactly `timespan` ms older than t
//   is inside, one 1 ms older is outside.
// - Watermark: per correlation rule, the newest event time it has seen. A match older than
//   watermark − allowedLateness is dropped and counted (lateDropped). A match within the lateness is
//   inserted in time order, and every window that contains it and ends at a held entry no later than
//   t + timespan is evaluated (windows ending at entries that share its time include only entries
//   that arrived before it); the first window satisfying the condition fires.
// - A match whose time lies more than maxFutureMs after its own `ingested` time is skipped
//   (futureDropped), so an absurd timestamp cannot move the watermark ahead.
// - Conditions are evaluated when a match arrives, never on a timer.
// - After a firing the group resets (default): its entries are dropped, and matches older than the
//   newest entry it held are discarded (discardedAfterReset). With 'keep-alerting' state is kept and
//   every further arrival that satisfies the condition fires again.
// - Suppression (default on, window = the rule's timespan): once a group's firing is returned, later
//   firings of the same rule and group at most `suppress` ms after the episode's newest firing are
//   counted (suppressed) instead of returned, and each pushes the episode's end further. Chained
//   outer correlations still receive every firing: suppression is about alerts, not matches.
// - Bounds: entries per group and groups per rule are capped. Entries no future window can reach
//   (older than watermark − lateness − timespan) expire first; then the oldest entries of the group
//   (evictedEntries); groups first lose fully-expired members, then the stalest groups go until 90 %
//   of the cap remain (evictedGroups).
import { ClaimGuardError, type Event, type FieldValue, type Fields } from '../../core/index.ts';
import type {
  AfterFire, CorrelationEngineOptions, CorrelationEpisode, CorrelationExpression, CorrelationFired, CorrelationRule,
  CorrelationRuleStats, CorrelationSnapshot, CorrelationStats, CorrelationType, RestoreReport, RuleMatch,
  SnapshotEntry, SnapshotGroup, SnapshotRule,
} from './types.ts';
import { SNAPSHOT_VERSION } from './types.ts';

export const DEFAULT_ALLOWED_LATENESS_MS = 60_000;
export const DEFAULT_MAX_GROUPS_PER_RULE = 10_000;
export const DEFAULT_MAX_ENTRIES_PER_GROUP = 1_000;
export const DEFAULT_MAX_EVENTS_PER_FIRE = 10;
export const DEFAULT_MAX_FUTURE_MS = 86_400_000;
/** Share of maxGroupsPerRule kept when the stalest groups are evicted. */
export const GROUP_EVICTION_TARGET = 0.9;

interface Entry {
  t: number;
  /** Arrival sequence: orders entries that share a time. */
  s: number;
  /** Index of the referenced rule in the correlation's `rules`. */
  r: number;
  /** Aggregated value: string for value_count, number for numeric types, '' otherwise. */
  v: string | number;
  id: string;
}

interface Group {
  key: string;
  values: string[];
  /** Sorted by (t, s). */
  entries: Entry[];
  /** First entry of the live window [lastT − span, lastT]. */
  head: number;
  resetBefore: number;
  lastSeen: number;
  /** Ring of the newest maxEventsPerFire events: evBuf[(evStart + i) % cap] for i < evLen. */
  evBuf: Event[];
  evStart: number;
  evLen: number;
  // aggregates over entries[head..]
  distinct: Map<string, number> | null;
  sum: number;
  nonInteger: boolean;
  ruleCounts: Int32Array | null;
  seenRules: number;
  /** Open or last alert episode (suppression); null before the first firing or with suppression off. */
  ep: Episode | null;
}

interface Episode { start: number; last: number; until: number; suppressed: number; value: number }

interface Sub {
  corr: CorrState;
  r: number;
  groupFields: string[];
  valueFields: string[];
}

/** Marks which correlation a construction error belongs to (read by partition()). */
const BAD_RULE = Symbol('correlation rule');

const NUMERIC: ReadonlySet<CorrelationType> = new Set(['value_sum', 'value_avg', 'value_percentile', 'value_median']);

class CorrState {
  readonly rule: CorrelationRule;
  readonly id: string;
  readonly type: CorrelationType;
  readonly span: number;
  readonly nRules: number;
  readonly counting: boolean;
  readonly numeric: boolean;
  groups = new Map<string, Group>();
  watermark = -Infinity;
  nextSweep = -Infinity;
  emit = true;
  chained = false;
  /** Canonical ids of the referenced rules, in order. */
  refs: string[] = [];
  fired = 0;
  suppressed = 0;
  /** Suppression window in ms (0 = off), resolved at construction. */
  suppressMs = 0;
  lateDropped = 0;
  evictedEntries = 0;
  evictedGroups = 0;
  expiredEntries = 0;
  expiredGroups = 0;
  discardedAfterReset = 0;
  missingGroupField = 0;
  missingValue = 0;
  noTime = 0;
  futureDropped = 0;
  deduplicated = 0;

  constructor(rule: CorrelationRule) {
    this.rule = rule;
    this.id = rule.ref.id;
    this.type = rule.type;
    this.span = rule.timespan;
    this.nRules = rule.rules.length;
    this.counting = rule.type !== 'temporal' && rule.type !== 'temporal_ordered';
    this.numeric = NUMERIC.has(rule.type);
  }
}

function ownField(fields: Fields, name: string): FieldValue | undefined {
  if (Object.prototype.hasOwnProperty.call(fields, name)) return fields[name];
  if (!name.includes('.')) return undefined;
  // Dotted names reach nested objects when no flat key of that name exists.
  let cur: FieldValue | undefined = fields;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.prototype.hasOwnProperty.call(cur, part)) return undefined;
    cur = (cur as Record<string, FieldValue>)[part];
  }
  return cur;
}

/** Field value as a group/distinct key: strings as is, numbers and booleans via String(), null/absent → undefined. */
export function fieldString(fields: Fields, name: string): string | undefined {
  const v = ownField(fields, name);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(v);
}

/** Field value as a number: finite numbers, and strings that Number() reads as finite (after trimming). */
export function fieldNumber(fields: Fields, name: string): number | undefined {
  const v = ownField(fields, name);
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (s === '') return undefined;
    const n = Number(s);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** Linear interpolation between closest ranks (Hyndman–Fan R-7, numpy's default); p in 0–100. */
export function percentile(sorted: number[], p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  if (n === 1) return sorted[0];
  const h = (n - 1) * (p / 100);
  const lo = Math.floor(h);
  if (lo >= n - 1) return sorted[n - 1];
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

function evalExpression(e: CorrelationExpression, seen: (ref: string) => boolean): boolean {
  switch (e.op) {
    case 'ref': return seen(e.ref);
    case 'not': return !evalExpression(e.arg, seen);
    case 'and': return e.args.every((a) => evalExpression(a, seen));
    case 'or': return e.args.some((a) => evalExpression(a, seen));
  }
}

/** First index whose entry time is > t. */
function upperBound(entries: Entry[], t: number): number {
  let lo = 0, hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].t <= t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

/** Per-rule counters that stats() adds up across rules under the same name. */
const SUMMED_COUNTERS = [
  'lateDropped', 'fired', 'suppressed', 'evictedEntries', 'evictedGroups', 'expiredEntries', 'expiredGroups',
  'discardedAfterReset', 'missingGroupField', 'missingValue', 'noTime', 'futureDropped', 'deduplicated',
] as const;

/** First index whose entry time is >= t. */
function lowerBound(entries: Entry[], t: number, hi = entries.length): number {
  let lo = 0;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid].t < t) lo = mid + 1; else hi = mid;
  }
  return lo;
}

function optInt(name: string, v: number | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < min) {
    throw new ClaimGuardError('CONFIG_INVALID', `correlation option ${name} must be an integer >= ${min} (got ${v})`);
  }
  return v;
}

export class CorrelationEngine {
  private readonly corrs: CorrState[] = [];
  private readonly byId = new Map<string, CorrState>();
  private readonly subscribers = new Map<string, Sub[]>();
  private readonly nameToId = new Map<string, string>();
  /** Canonical id → correlations that reference it. */
  private readonly referencedBy = new Map<string, CorrState[]>();
  private readonly lateness: number;
  private readonly afterFire: AfterFire;
  private readonly maxGroups: number;
  private readonly maxEntries: number;
  private readonly maxEvents: number;
  private readonly maxFuture: number;
  /** Firings that were suppressed (not returned as alerts). */
  private readonly withheld = new WeakSet<CorrelationFired>();
  private seq = 0;

  constructor(rules: CorrelationRule[], opts: CorrelationEngineOptions = {}) {
    const lateness = opts.allowedLatenessMs ?? DEFAULT_ALLOWED_LATENESS_MS;
    if (typeof lateness !== 'number' || !Number.isFinite(lateness) || lateness < 0) {
      throw new ClaimGuardError('CONFIG_INVALID', `correlation option allowedLatenessMs must be a finite number >= 0 (got ${lateness})`);
    }
    this.lateness = lateness;
    const af = opts.afterFire ?? 'reset';
    if (af !== 'reset' && af !== 'keep-alerting') {
      throw new ClaimGuardError('CONFIG_INVALID', `correlation option afterFire must be 'reset' or 'keep-alerting' (got ${String(af)})`);
    }
    this.afterFire = af;
    this.maxGroups = optInt('maxGroupsPerRule', opts.maxGroupsPerRule, DEFAULT_MAX_GROUPS_PER_RULE, 1);
    this.maxEntries = optInt('maxEntriesPerGroup', opts.maxEntriesPerGroup, DEFAULT_MAX_ENTRIES_PER_GROUP, 1);
    this.maxEvents = optInt('maxEventsPerFire', opts.maxEventsPerFire, DEFAULT_MAX_EVENTS_PER_FIRE, 0);
    const future = opts.maxFutureMs ?? DEFAULT_MAX_FUTURE_MS;
    if (typeof future !== 'number' || Number.isNaN(future) || future < 0) {
      throw new ClaimGuardError('CONFIG_INVALID', `correlation option maxFutureMs must be a number >= 0 or Infinity (got ${future})`);
    }
    this.maxFuture = future;
    const sup = opts.suppressMs;
    if (sup !== undefined && (typeof sup !== 'number' || !Number.isFinite(sup) || sup < 0)) {
      throw new ClaimGuardError('CONFIG_INVALID', `correlation option suppressMs must be a finite number >= 0 (got ${sup})`);
    }
    this.resolve(rules, opts.baseRules ?? []);
    for (const c of this.corrs) c.suppressMs = c.rule.suppress ?? sup ?? c.span;
  }

  // ---------------------------------------------------------------- construction

  /**
   * Split correlations into those that can run together and those that cannot (unknown reference,
   * cycle, duplicate id/name, alias problems), rejecting a correlation whose inner correlation was
   * rejected too. Lets a loader report each bad correlation and still run the good ones.
   */
  static partition(rules: CorrelationRule[], opts: CorrelationEngineOptions = {}): {
    accepted: CorrelationRule[]; rejected: { rule: CorrelationRule; error: ClaimGuardError }[];
  } {
    let pending = [...rules];
    const rejected: { rule: CorrelationRule; error: ClaimGuardError }[] = [];
    for (;;) {
      try {
        new CorrelationEngine(pending, opts);
        return { accepted: pending, rejected };
      } catch (e) {
        const bad = e instanceof ClaimGuardError ? (e as ClaimGuardError & { [BAD_RULE]?: CorrelationRule })[BAD_RULE] : undefined;
        if (!bad) throw e; // an option or base-rule problem, not one correlation's
        rejected.push({ rule: bad, error: e as ClaimGuardError });
        pending = pending.filter((r) => r !== bad);
      }
    }
  }

  private resolve(rules: CorrelationRule[], baseRules: Iterable<{ id: string; name?: string }>): void {
    let current: CorrelationRule | undefined;
    try {
      this.resolveAll(rules, baseRules, (r) => { current = r; });
    } catch (e) {
      if (e instanceof ClaimGuardError && current) Object.defineProperty(e, BAD_RULE, { value: current, enumerable: false });
      throw e;
    }
  }

  private resolveAll(rules: CorrelationRule[], baseRules: Iterable<{ id: string; name?: string }>, at: (r: CorrelationRule | undefined) => void): void {
    const baseIds = new Set<string>();
    const nameOwner = new Map<string, string>();
    const claimName = (name: string, id: string, rule?: CorrelationRule): void => {
      const prev = nameOwner.get(name);
      if (prev !== undefined && prev !== id) {
        throw new ClaimGuardError('SIGMA_CORRELATION', `rule name ${JSON.stringify(name)} is used by two rules (${prev} and ${id}); names must be unique`,
          rule?.location ? { ...rule.location, path: 'name' } : undefined);
      }
      nameOwner.set(name, id);
    };
    at(undefined);
    for (const b of baseRules) {
      baseIds.add(b.id);
      if (b.name !== undefined) claimName(b.name, b.id);
    }
    for (const rule of rules) {
      at(rule);
      const id = rule.ref.id;
      if (this.byId.has(id) || baseIds.has(id)) {
        throw new ClaimGuardError('SIGMA_CORRELATION', `rule id ${id} is used by two rules`, rule.location ? { ...rule.location, path: 'id' } : undefined);
      }
      const cs = new CorrState(rule);
      this.byId.set(id, cs);
      this.corrs.push(cs);
      if (rule.name !== undefined) claimName(rule.name, id, rule);
    }
    for (const [n, id] of nameOwner) this.nameToId.set(n, id);

    const canonical = (ref: string): string | undefined => {
      if (this.byId.has(ref) || baseIds.has(ref)) return ref;
      return this.nameToId.get(ref);
    };
    for (const cs of this.corrs) {
      const rule = cs.rule;
      at(rule);
      const where = (path: string) => (rule.location ? { ...rule.location, path } : { path });
      cs.refs = rule.rules.map((ref, i) => {
        const id = canonical(ref);
        if (id === undefined) {
          throw new ClaimGuardError('SIGMA_UNKNOWN_REFERENCE',
            `correlation ${JSON.stringify(rule.ref.title)} references ${JSON.stringify(ref)}, which is neither a loaded rule id/name nor a correlation`,
            where(`correlation.rules[${i}]`));
        }
        if (id === cs.id) throw new ClaimGuardError('SIGMA_CORRELATION', 'a correlation cannot reference itself', where(`correlation.rules[${i}]`));
        return id;
      });
      cs.refs.forEach((id, i) => {
        if (cs.refs.indexOf(id) !== i) {
          throw new ClaimGuardError('SIGMA_CORRELATION', `rule ${JSON.stringify(rule.rules[i])} is referenced twice (by id and by name)`, where(`correlation.rules[${i}]`));
        }
      });
      // aliases: every rule key must be one of the referenced rules
      const aliasField = new Map<string, Map<string, string>>();
      for (const [alias, mapping] of Object.entries(rule.aliases)) {
        const m = new Map<string, string>();
        for (const [ref, field] of Object.entries(mapping)) {
          const id = canonical(ref);
          if (id === undefined) {
            throw new ClaimGuardError('SIGMA_UNKNOWN_REFERENCE', `alias ${JSON.stringify(alias)} names rule ${JSON.stringify(ref)}, which is not loaded`, where(`correlation.aliases.${alias}.${ref}`));
          }
          if (!cs.refs.includes(id)) {
            throw new ClaimGuardError('SIGMA_CORRELATION', `alias ${JSON.stringify(alias)} names rule ${JSON.stringify(ref)}, which is not in correlation.rules`, where(`correlation.aliases.${alias}.${ref}`));
          }
          m.set(id, field);
        }
        aliasField.set(alias, m);
      }
      const fieldFor = (name: string, id: string): string => aliasField.get(name)?.get(id) ?? name;
      cs.refs.forEach((id, r) => {
        const sub: Sub = {
          corr: cs, r,
          groupFields: rule.groupBy.map((g) => fieldFor(g, id)),
          valueFields: (rule.condition.fields ?? (rule.condition.field ? [rule.condition.field] : [])).map((f) => fieldFor(f, id)),
        };
        let list = this.subscribers.get(id);
        if (!list) this.subscribers.set(id, (list = []));
        list.push(sub);
        let by = this.referencedBy.get(id);
        if (!by) this.referencedBy.set(id, (by = []));
        by.push(cs);
      });
    }
    // chains must be acyclic
    const state = new Map<string, 1 | 2>();
    const visit = (cs: CorrState, path: string[]): void => {
      const st = state.get(cs.id);
      if (st === 2) return;
      if (st === 1) {
        at(cs.rule);
        throw new ClaimGuardError('SIGMA_CORRELATION', `correlation chain forms a cycle: ${[...path, cs.id].join(' → ')}`,
          cs.rule.location ? { ...cs.rule.location, path: 'correlation.rules' } : undefined);
      }
      state.set(cs.id, 1);
      for (const id of cs.refs) {
        const inner = this.byId.get(id);
        if (inner) visit(inner, [...path, cs.id]);
      }
      state.set(cs.id, 2);
    };
    for (const cs of this.corrs) visit(cs, []);
    for (const cs of this.corrs) {
      cs.emit = this.emitsStandalone(cs.id);
      cs.chained = this.referencedBy.has(cs.id);
    }
  }

  /**
   * Whether a rule (base or correlation, by id or name) should raise its own alerts: yes unless some
   * correlation references it and none of those sets `generate: true` (the specification's default
   * is that only the correlation is produced).
   */
  emitsStandalone(ruleIdOrName: string): boolean {
    const id = this.byId.has(ruleIdOrName) || this.referencedBy.has(ruleIdOrName) ? ruleIdOrName : this.nameToId.get(ruleIdOrName) ?? ruleIdOrName;
    const by = this.referencedBy.get(id);
    if (!by || by.length === 0) return true;
    return by.some((c) => c.rule.generate);
  }

  /** Whether any correlation references this rule (by id, or by name when given). */
  references(ruleId: string, ruleName?: string): boolean {
    return this.lookup(ruleId, ruleName) !== undefined;
  }

  private lookup(ruleId: string, ruleName?: string): Sub[] | undefined {
    const subs = this.subscribers.get(ruleId);
    if (subs || ruleName === undefined) return subs;
    const id = this.nameToId.get(ruleName);
    return id === undefined ? undefined : this.subscribers.get(id);
  }

  // ---------------------------------------------------------------- streaming

  /**
   * Feed one rule match. Returns the correlations that fired and should become alerts (chained
   * inner correlations are fed on to their outer correlation and returned only when they emit on
   * their own, see emitsStandalone).
   */
  onMatch(m: RuleMatch): CorrelationFired[] {
    const first = this.lookup(m.ruleId, m.ruleName);
    if (!first) return [];
    const out: CorrelationFired[] = [];
    // Fast path: feed the direct subscribers; only a firing correlation that is itself referenced
    // needs the breadth-first walk below.
    let queue: { subs: Sub[]; ev: Event }[] | undefined;
    for (const sub of first) {
      const f = this.feed(sub, m.event);
      if (!f) continue;
      const cs = sub.corr;
      if (cs.emit && !this.withheld.has(f)) out.push(f);
      if (cs.chained) {
        const outer = this.subscribers.get(cs.id);
        if (outer) (queue ??= []).push({ subs: outer, ev: this.chainEvent(f) });
      }
    }
    if (!queue) return out;
    while (queue.length) {
      const next: { subs: Sub[]; ev: Event }[] = [];
      for (const { subs, ev } of queue) {
        for (const sub of subs) {
          const f = this.feed(sub, ev);
          if (!f) continue;
          const cs = sub.corr;
          if (cs.emit && !this.withheld.has(f)) out.push(f);
          if (cs.chained) {
            const outer = this.subscribers.get(cs.id);
            if (outer) next.push({ subs: outer, ev: this.chainEvent(f) });
          }
        }
      }
      queue = next;
    }
    return out;
  }

  /** The event a firing presents to an outer correlation: its newest event, with the group values as fields. */
  private chainEvent(f: CorrelationFired): Event {
    const last = f.events[f.events.length - 1];
    const fields: Fields = { ...(last ? last.fields : {}) };
    for (const [k, v] of Object.entries(f.group)) fields[k] = v;
    return {
      id: `${f.rule.ref.id}#${++this.seq}`,
      time: f.time,
      ingested: last ? last.ingested : f.time,
      tenant: last ? last.tenant : '',
      source: last ? last.source : 'correlation',
      logsource: last ? last.logsource : {},
      fields,
    };
  }

  private feed(sub: Sub, ev: Event): CorrelationFired | undefined {
    const c = sub.corr;
    const t = ev.time;
    if (typeof t !== 'number' || !Number.isFinite(t)) { c.noTime++; return undefined; }
    const ing = ev.ingested;
    if (typeof ing === 'number' && ing > 0 && t - ing > this.maxFuture) { c.futureDropped++; return undefined; }
    if (t < c.watermark - this.lateness) { c.lateDropped++; return undefined; }
    if (t > c.watermark) c.watermark = t;
    const fields = ev.fields ?? {};

    // group key
    // (one group-by field: the value itself is the key; several: length-prefixed so values cannot collide)
    const gf = sub.groupFields;
    let key = '';
    if (gf.length === 1) {
      const v = fieldString(fields, gf[0]);
      if (v === undefined) { c.missingGroupField++; return undefined; }
      key = v;
    } else if (gf.length > 1) {
      for (let i = 0; i < gf.length; i++) {
        const v = fieldString(fields, gf[i]);
        if (v === undefined) { c.missingGroupField++; return undefined; }
        key += v.length + ':' + v + ';';
      }
    }

    // aggregated value
    let v: string | number = '';
    if (c.numeric) {
      const n = fieldNumber(fields, sub.valueFields[0]);
      if (n === undefined) { c.missingValue++; return undefined; }
      v = n;
    } else if (c.type === 'value_count') {
      const vf = sub.valueFields;
      if (vf.length === 1) {
        const s = fieldString(fields, vf[0]);
        if (s === undefined) { c.missingValue++; return undefined; }
        v = s;
      } else {
        let k = '';
        for (const f of vf) {
          const s = fieldString(fields, f);
          if (s === undefined) { c.missingValue++; return undefined; }
          k += s.length + ':' + s + ';';
        }
        v = k;
      }
    }

    let g = c.groups.get(key);
    if (!g) {
      if (c.groups.size >= this.maxGroups) this.makeRoom(c);
      g = {
        key, values: gf.map((f) => fieldString(fields, f)!), entries: [], head: 0, resetBefore: -Infinity, lastSeen: t, evBuf: [], evStart: 0, evLen: 0,
        distinct: c.type === 'value_count' ? new Map() : null, sum: 0, nonInteger: false,
        ruleCounts: c.counting ? null : new Int32Array(c.nRules), seenRules: 0, ep: null,
      };
      c.groups.set(key, g);
    }
    if (t < g.resetBefore) { c.discardedAfterReset++; return undefined; }

    const entries = g.entries;
    const n = entries.length;
    const id = ev.id;
    // An event matched by two referenced rules counts once for counting types.
    if (c.counting && n > 0 && entries[n - 1].t >= t) {
      for (let i = upperBound(entries, t) - 1; i >= 0 && entries[i].t === t; i--) {
        if (entries[i].id === id) { c.deduplicated++; return undefined; }
      }
    }

    const e: Entry = { t, s: ++this.seq, r: sub.r, v, id };
    if (t > g.lastSeen) g.lastSeen = t;
    if (this.maxEvents > 0) {
      // The newest maxEvents events of the group (a firing keeps those inside its window); idle
      // groups lose theirs with the group when it expires.
      const cap = this.maxEvents;
      if (g.evLen < cap) g.evBuf[(g.evStart + g.evLen++) % cap] = ev;
      else { g.evBuf[g.evStart] = ev; g.evStart = (g.evStart + 1) % cap; }
    }

    let fired: CorrelationFired | undefined;
    if (n === 0 || t >= entries[n - 1].t) {
      entries.push(e);
      this.add(c, g, e);
      this.advanceHead(c, g, t - c.span);
      // Bounds hold before evaluation: the window never sees more than maxEntriesPerGroup entries.
      if (entries.length > this.maxEntries) this.capEntries(c, g);
      // Drop expired matches in batches (splice is a copy): once 16 are waiting, or half the group.
      else if (g.head > 0 && (g.head >= 16 || g.head * 2 >= entries.length) && entries[0].t < this.expiryBound(c)) this.pruneExpired(c, g);
      const es = g.entries;
      const value = this.liveValue(c, g);
      if (this.satisfied(c, g, value, g.head, es.length - 1)) fired = this.fire(c, g, g.head, es.length - 1, value);
    } else {
      entries.splice(upperBound(entries, t), 0, e);
      const lastT = entries[entries.length - 1].t;
      if (t >= lastT - c.span) this.add(c, g, e); else g.head++;
      if (entries.length > this.maxEntries) this.capEntries(c, g);
      // Re-evaluate every window that contains the late entry: those ending at it and at later entries
      // up to t + span. (If the cap just evicted it, there is nothing to evaluate.)
      const es = g.entries;
      const pos = es.indexOf(e);
      const limit = t + c.span;
      for (let j = pos; pos >= 0 && j < es.length && es[j].t <= limit; j++) {
        const lo = lowerBound(es, es[j].t - c.span, j + 1);
        const value = this.scanValue(c, es, lo, j);
        if (this.satisfied(c, g, value, lo, j)) { fired = this.fire(c, g, lo, j, value); break; }
      }
    }

    if (c.watermark >= c.nextSweep) {
      this.sweepExpired(c);
      c.nextSweep = c.watermark + c.span + this.lateness;
    }
    return fired;
  }

  // ---------------------------------------------------------------- aggregates

  private add(c: CorrState, g: Group, e: Entry): void {
    switch (c.type) {
      case 'value_count': g.distinct!.set(e.v as string, (g.distinct!.get(e.v as string) ?? 0) + 1); break;
      case 'value_sum': case 'value_avg':
        g.sum += e.v as number;
        if (!Number.isInteger(e.v)) g.nonInteger = true;
        break;
      case 'temporal': case 'temporal_ordered':
        if (g.ruleCounts![e.r]++ === 0) g.seenRules++;
        break;
      default: break;
    }
  }

  private remove(c: CorrState, g: Group, e: Entry): void {
    switch (c.type) {
      case 'value_count': {
        const k = e.v as string;
        const left = g.distinct!.get(k)! - 1;
        if (left <= 0) g.distinct!.delete(k); else g.distinct!.set(k, left);
        break;
      }
      case 'value_sum': case 'value_avg': g.sum -= e.v as number; break;
      case 'temporal': case 'temporal_ordered':
        if (--g.ruleCounts![e.r] === 0) g.seenRules--;
        break;
      default: break;
    }
  }

  private advanceHead(c: CorrState, g: Group, bound: number): void {
    const entries = g.entries;
    while (g.head < entries.length && entries[g.head].t < bound) {
      this.remove(c, g, entries[g.head]);
      g.head++;
    }
  }

  private liveValue(c: CorrState, g: Group): number {
    const count = g.entries.length - g.head;
    switch (c.type) {
      case 'event_count': return count;
      case 'value_count': return g.distinct!.size;
      case 'temporal': return g.seenRules;
      case 'value_sum':
        return g.nonInteger ? this.scanValue(c, g.entries, g.head, g.entries.length - 1) : g.sum;
      case 'value_avg':
        return g.nonInteger ? this.scanValue(c, g.entries, g.head, g.entries.length - 1) : g.sum / count;
      default: return this.scanValue(c, g.entries, g.head, g.entries.length - 1);
    }
  }

  /** The aggregate over entries[lo..hi] (inclusive), computed from scratch. */
  private scanValue(c: CorrState, entries: Entry[], lo: number, hi: number): number {
    switch (c.type) {
      case 'event_count': return hi - lo + 1;
      case 'value_count': {
        const s = new Set<string | number>();
        for (let i = lo; i <= hi; i++) s.add(entries[i].v);
        return s.size;
      }
      case 'value_sum': case 'value_avg': {
        // Neumaier-compensated sum so ranges and eq on fractional values are not thrown off by drift.
        let sum = 0, comp = 0;
        for (let i = lo; i <= hi; i++) {
          const x = entries[i].v as number;
          const tt = sum + x;
          comp += Math.abs(sum) >= Math.abs(x) ? (sum - tt) + x : (x - tt) + sum;
          sum = tt;
        }
        const total = sum + comp;
        return c.type === 'value_sum' ? total : total / (hi - lo + 1);
      }
      case 'value_percentile': case 'value_median': {
        const xs: number[] = [];
        for (let i = lo; i <= hi; i++) xs.push(entries[i].v as number);
        xs.sort((a, b) => a - b);
        return percentile(xs, c.type === 'value_median' ? 50 : c.rule.condition.percentile ?? 50);
      }
      case 'temporal': {
        const seen = new Uint8Array(c.nRules);
        let k = 0;
        for (let i = lo; i <= hi; i++) if (seen[entries[i].r]++ === 0) k++;
        return k;
      }
      case 'temporal_ordered': {
        // Longest prefix of `rules` seen in order (greedy earliest match is optimal for a subsequence).
        let p = 0;
        for (let i = lo; i <= hi && p < c.nRules; i++) if (entries[i].r === p) p++;
        return p;
      }
    }
  }

  private satisfied(c: CorrState, g: Group, value: number, lo: number, hi: number): boolean {
    const expr = c.rule.expression;
    if (expr && c.type === 'temporal') {
      // Which referenced rules occur in entries[lo..hi].
      if (lo === g.head && hi === g.entries.length - 1) {
        const counts = g.ruleCounts!;
        return evalExpression(expr, (ref) => counts[c.rule.rules.indexOf(ref)] > 0);
      }
      const seenAt = new Uint8Array(c.nRules);
      for (let i = lo; i <= hi; i++) seenAt[g.entries[i].r] = 1;
      return evalExpression(expr, (ref) => seenAt[c.rule.rules.indexOf(ref)] === 1);
    }
    if (expr) return value >= c.nRules; // temporal_ordered: conjunction of every rule (checked at parse)
    if (Number.isNaN(value)) return false;
    const k = c.rule.condition;
    if (k.gt !== undefined && !(value > k.gt)) return false;
    if (k.gte !== undefined && !(value >= k.gte)) return false;
    if (k.lt !== undefined && !(value < k.lt)) return false;
    if (k.lte !== undefined && !(value <= k.lte)) return false;
    if (k.eq !== undefined && !(value === k.eq)) return false;
    if (k.neq !== undefined && !(value !== k.neq)) return false;
    return true;
  }

  private fire(c: CorrState, g: Group, lo: number, hi: number, value: number): CorrelationFired {
    const entries = g.entries;
    const end = entries[hi].t;
    const start = entries[lo].t;
    const inWindow = ringEvents(g, this.maxEvents).filter((ev) => ev.time >= end - c.span && ev.time <= end);
    inWindow.sort((a, b) => a.time - b.time);
    const group: Record<string, string> = {};
    c.rule.groupBy.forEach((f, i) => { group[f] = g.values[i]; });
    const fired: CorrelationFired = { rule: c.rule, groupKey: g.key, group, time: end, events: inWindow, value, windowStart: start };
    const sup = c.suppressMs;
    if (sup > 0) {
      const ep = g.ep;
      if (ep && end <= ep.until) {
        // Same episode: count it, push the end, and do not return it as an alert.
        ep.suppressed++;
        if (end > ep.last) ep.last = end;
        if (end + sup > ep.until) ep.until = end + sup;
        ep.value = value;
        c.suppressed++;
        this.withheld.add(fired);
      } else {
        g.ep = { start: end, last: end, until: end + sup, suppressed: 0, value };
        c.fired++;
      }
      fired.suppressUntil = g.ep!.until;
    } else {
      c.fired++;
    }
    if (this.afterFire === 'reset') {
      g.resetBefore = entries[entries.length - 1].t;
      g.entries = [];
      g.head = 0;
      g.evBuf = [];
      g.evStart = 0;
      g.evLen = 0;
      g.sum = 0;
      g.nonInteger = false;
      if (g.distinct) g.distinct.clear();
      if (g.ruleCounts) g.ruleCounts.fill(0);
      g.seenRules = 0;
    }
    return fired;
  }

  // ---------------------------------------------------------------- bounds

  private expiryBound(c: CorrState): number {
    return c.watermark - this.lateness - c.span;
  }

  /** Drop the first k entries of a group, keeping the live aggregates right. */
  private removeFront(c: CorrState, g: Group, k: number): void {
    for (let i = g.head; i < k; i++) this.remove(c, g, g.entries[i]);
    g.entries.splice(0, k);
    g.head = Math.max(0, g.head - k);
  }

  private expiredPrefix(c: CorrState, g: Group): number {
    return lowerBound(g.entries, this.expiryBound(c));
  }

  private pruneExpired(c: CorrState, g: Group): void {
    const k = this.expiredPrefix(c, g);
    if (k > 0) { this.removeFront(c, g, k); c.expiredEntries += k; }
  }

  private capEntries(c: CorrState, g: Group): void {
    this.pruneExpired(c, g);
    const over = g.entries.length - this.maxEntries;
    if (over > 0) {
      this.removeFront(c, g, over);
      c.evictedEntries += over;
    }
  }

  private groupExpired(c: CorrState, g: Group, bound: number): boolean {
    // A group with an open episode stays until no accepted match (>= watermark − lateness) can fall in it.
    return g.lastSeen < bound && g.resetBefore < bound && (g.ep === null || g.ep.until < c.watermark - this.lateness);
  }

  private sweepExpired(c: CorrState): void {
    const bound = this.expiryBound(c);
    for (const [k, g] of c.groups) {
      if (this.groupExpired(c, g, bound)) {
        c.groups.delete(k);
        c.expiredGroups++;
        c.expiredEntries += g.entries.length;
      }
    }
  }

  /** Called before adding a group to a full rule: expired groups go first, then the stalest down to 90 %. */
  private makeRoom(c: CorrState): void {
    this.sweepExpired(c);
    if (c.groups.size < this.maxGroups) return;
    const target = Math.floor(this.maxGroups * GROUP_EVICTION_TARGET);
    const byAge = [...c.groups.values()].sort((a, b) => a.lastSeen - b.lastSeen);
    for (const g of byAge) {
      if (c.groups.size <= target) break;
      c.groups.delete(g.key);
      c.evictedGroups++;
    }
  }

  // ---------------------------------------------------------------- stats and state

  stats(): CorrelationStats {
    const s: Required<CorrelationStats> = {
      rules: this.corrs.length, groups: 0, evictions: 0, lateDropped: 0, fired: 0,
      suppressed: 0, evictedEntries: 0, evictedGroups: 0, expiredEntries: 0, expiredGroups: 0, discardedAfterReset: 0,
      missingGroupField: 0, missingValue: 0, noTime: 0, futureDropped: 0, deduplicated: 0, perRule: {},
    };
    for (const c of this.corrs) {
      let entries = 0, largest = 0;
      for (const g of c.groups.values()) {
        entries += g.entries.length;
        if (g.entries.length > largest) largest = g.entries.length;
      }
      const r: CorrelationRuleStats = {
        groups: c.groups.size, entries, largestGroup: largest,
        watermark: Number.isFinite(c.watermark) ? c.watermark : null,
        fired: c.fired, suppressed: c.suppressed, suppressMs: c.suppressMs, lateDropped: c.lateDropped, evictedEntries: c.evictedEntries, evictedGroups: c.evictedGroups,
      };
      s.perRule[c.id] = r;
      s.groups += c.groups.size;
      for (const k of SUMMED_COUNTERS) s[k] += c[k];
    }
    s.evictions = s.evictedEntries + s.evictedGroups;
    return s;
  }

  /**
   * Alert episodes still open (a firing at or after the watermark − lateness could still fall in
   * them), oldest first: how many firings each emitted alert stands for so far.
   */
  episodes(): CorrelationEpisode[] {
    const out: CorrelationEpisode[] = [];
    for (const c of this.corrs) {
      const open = c.watermark - this.lateness;
      for (const g of c.groups.values()) {
        const ep = g.ep;
        if (!ep || ep.until < open) continue;
        const group: Record<string, string> = {};
        c.rule.groupBy.forEach((f, i) => { group[f] = g.values[i]; });
        out.push({ ruleId: c.id, groupKey: g.key, group, start: ep.start, last: ep.last, until: ep.until,
          firings: ep.suppressed + 1, suppressed: ep.suppressed, value: ep.value });
      }
    }
    return out.sort((a, b) => a.start - b.start);
  }

  /** Export all window state as versioned JSON-able data keyed by correlation rule id. */
  snapshot(): CorrelationSnapshot {
    const rules: Record<string, SnapshotRule> = {};
    for (const c of this.corrs) {
      const groups: SnapshotGroup[] = [];
      for (const g of c.groups.values()) {
        groups.push({
          key: g.key,
          values: [...g.values],
          entries: g.entries.map((e): SnapshotEntry => [e.t, e.s, e.r, e.v, e.id]),
          resetBefore: Number.isFinite(g.resetBefore) ? g.resetBefore : null,
          events: ringEvents(g, this.maxEvents),
          episode: g.ep ? { ...g.ep } : null,
        });
      }
      rules[c.id] = {
        type: c.type, timespan: c.span, groupBy: [...c.rule.groupBy], rules: [...c.refs],
        watermark: Number.isFinite(c.watermark) ? c.watermark : null, groups,
      };
    }
    return { format: 'claimguard.correlation-state', version: SNAPSHOT_VERSION, seq: this.seq, rules };
  }

  /**
   * Load state exported by snapshot(). State of a rule is restored only into a rule of the same
   * shape (type, timespan, group-by, referenced rules); other rules are reported as skipped. A
   * malformed snapshot is SIGMA_CORRELATION_STATE and leaves the engine unchanged.
   */
  restore(snap: unknown): RestoreReport {
    const bad = (msg: string, path?: string): never => {
      throw new ClaimGuardError('SIGMA_CORRELATION_STATE', `correlation state snapshot: ${msg}`, path ? { path } : undefined);
    };
    if (typeof snap !== 'object' || snap === null) bad('not an object');
    const s = snap as Partial<CorrelationSnapshot>;
    if (s.format !== 'claimguard.correlation-state') bad('missing format "claimguard.correlation-state"', 'format');
    if (s.version !== SNAPSHOT_VERSION) bad(`unsupported version ${String(s.version)} (this build reads ${SNAPSHOT_VERSION})`, 'version');
    if (typeof s.seq !== 'number' || !Number.isSafeInteger(s.seq) || s.seq < 0) bad('seq must be a non-negative integer', 'seq');
    if (typeof s.rules !== 'object' || s.rules === null || Array.isArray(s.rules)) bad('rules must be an object', 'rules');

    const report: RestoreReport = { restored: [], skipped: [] };
    const staged: { c: CorrState; groups: Map<string, Group>; watermark: number }[] = [];
    let maxSeq = s.seq!;
    for (const [id, raw] of Object.entries(s.rules!)) {
      const c = this.byId.get(id);
      if (!c) { report.skipped.push({ id, reason: 'no such correlation rule is loaded' }); continue; }
      const r = raw as Partial<SnapshotRule>;
      const base = `rules.${id}`;
      if (typeof r !== 'object' || r === null) bad('rule state must be an object', base);
      if (r.type !== c.type || r.timespan !== c.span || !sameList(r.groupBy, c.rule.groupBy) || !sameList(r.rules, c.refs)) {
        report.skipped.push({ id, reason: 'the rule changed (type, timespan, group-by or referenced rules) since the state was saved' });
        continue;
      }
      if (r.watermark !== null && (typeof r.watermark !== 'number' || !Number.isFinite(r.watermark))) bad('watermark must be a number or null', `${base}.watermark`);
      if (!Array.isArray(r.groups)) bad('groups must be a list', `${base}.groups`);
      const groups = new Map<string, Group>();
      r.groups!.forEach((sg, gi) => {
        const gp = `${base}.groups[${gi}]`;
        if (typeof sg !== 'object' || sg === null || typeof sg.key !== 'string' || !Array.isArray(sg.values) ||
            sg.values.length !== c.rule.groupBy.length || !sg.values.every((v) => typeof v === 'string') ||
            !Array.isArray(sg.entries) || !Array.isArray(sg.events) ||
            (sg.resetBefore !== null && (typeof sg.resetBefore !== 'number' || !Number.isFinite(sg.resetBefore)))) {
          bad('malformed group', gp);
        }
        Array.from(sg.events as unknown[]).forEach((x, ei) => { // Array.from: holes read as undefined
          const o = x as Partial<Event> | null;
          if (typeof o !== 'object' || o === null || typeof o.id !== 'string' || typeof o.time !== 'number' || !Number.isFinite(o.time) ||
              typeof o.fields !== 'object' || o.fields === null || Array.isArray(o.fields)) {
            bad('malformed event', `${gp}.events[${ei}]`);
          }
        });
        const entries: Entry[] = Array.from(sg.entries as unknown[], (raw, ei) => {
          if (!Array.isArray(raw) || raw.length !== 5) bad('malformed entry', `${gp}.entries[${ei}]`);
          const [t, sq, ri, v, eid] = raw as SnapshotEntry;
          const okV = c.numeric ? typeof v === 'number' && Number.isFinite(v) : typeof v === 'string';
          if (typeof t !== 'number' || !Number.isFinite(t) || !Number.isSafeInteger(sq) || !Number.isInteger(ri) ||
              ri < 0 || ri >= c.nRules || !okV || typeof eid !== 'string') {
            bad('malformed entry', `${gp}.entries[${ei}]`);
          }
          if (sq > maxSeq) maxSeq = sq;
          return { t, s: sq, r: ri, v, id: eid };
        });
        entries.sort((a, b) => a.t - b.t || a.s - b.s);
        let ep: Episode | null = null;
        if (sg.episode !== undefined && sg.episode !== null) {
          const x = sg.episode as Partial<Episode>;
          const num = (v: unknown): boolean => typeof v === 'number' && Number.isFinite(v);
          if (typeof x !== 'object' || !num(x.start) || !num(x.last) || !num(x.until) || !num(x.value) ||
              !Number.isSafeInteger(x.suppressed) || x.suppressed! < 0) {
            bad('malformed episode', `${gp}.episode`);
          }
          ep = { start: x.start!, last: x.last!, until: x.until!, suppressed: x.suppressed!, value: x.value! };
        }
        const g: Group = {
          key: sg.key, values: [...sg.values], entries, head: 0,
          resetBefore: sg.resetBefore ?? -Infinity,
          lastSeen: entries.length ? entries[entries.length - 1].t : (sg.resetBefore ?? -Infinity),
          evBuf: this.maxEvents === 0 ? [] : Array.from(sg.events as Event[]).slice(-this.maxEvents), evStart: 0, evLen: 0,
          distinct: c.type === 'value_count' ? new Map() : null, sum: 0, nonInteger: false,
          ruleCounts: c.counting ? null : new Int32Array(c.nRules), seenRules: 0, ep,
        };
        g.evLen = g.evBuf.length;
        // rebuild the live window aggregates
        if (entries.length) {
          const lastT = entries[entries.length - 1].t;
          g.head = lowerBound(entries, lastT - c.span);
          for (let i = g.head; i < entries.length; i++) this.add(c, g, entries[i]);
        }
        groups.set(g.key, g);
      });
      staged.push({ c, groups, watermark: r.watermark ?? -Infinity });
    }
    // Apply only after the whole snapshot validated, then enforce this engine's bounds.
    for (const { c, groups, watermark } of staged) {
      c.groups = groups;
      c.watermark = watermark;
      c.nextSweep = -Infinity;
      for (const g of groups.values()) if (g.entries.length > this.maxEntries) this.capEntries(c, g);
      while (c.groups.size > this.maxGroups) this.makeRoom(c);
      report.restored.push(c.id);
    }
    if (maxSeq > this.seq) this.seq = maxSeq;
    return report;
  }
}

/** The ring's events in arrival order. */
function ringEvents(g: Group, cap: number): Event[] {
  const out: Event[] = [];
  for (let i = 0; i < g.evLen; i++) out.push(g.evBuf[(g.evStart + i) % cap]);
  return out;
}

function sameList(a: unknown, b: string[]): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i]);
}
