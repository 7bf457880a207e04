// The face of detect/: `createDetector({rules, correlations, config}).process(event) → Alert[]`.
// Per event: classify its logsource (mapping), pick candidate rules (router), run each compiled rule
// over one EventView (field lookups and case folding shared by every rule), turn matches into Alerts
// that carry the rule's id, title, level, tags, author, source link and licence (the Detection Rule
// License requires the author on every alert) and why it matched; feed matches of rules that
// correlations reference to the correlation engine and turn what fires into Alerts too.
// `generate`: a rule referenced by correlations raises its own alerts only when one of them says
// `generate: true` (the engine's emitsStandalone).
import { loadDefaultMapping, newId, type Alert, type Event, type LogsourceMapping, type MatchReason, type Severity } from '../core/index.ts';
import { CorrelationEngine, type CorrelationEngineOptions, type CorrelationFired, type CorrelationRule, type CorrelationStats } from './correlate/index.ts';
import { EventView } from './sigma/event-view.ts';
import { RuleRouter, type RouterMemoStats } from './sigma/router.ts';
import type { CompiledRule } from './sigma/types.ts';

export interface DetectorConfig {
  /** Logsource mapping; default: the shipped src/core/logsources.yaml. */
  mapping?: LogsourceMapping;
  /** Evaluate every rule on every event instead of routing (for differential tests). */
  fullScan?: boolean;
  /** Correlation engine options (lateness, state caps, after-fire policy). */
  correlation?: Omit<CorrelationEngineOptions, 'baseRules'>;
}

export interface DetectorStats {
  events: number;
  alerts: number;
  /** Rule evaluations (candidates run) over all events. */
  rulesEvaluated: number;
  /** Histogram: number of rules evaluated for an event → how many events. */
  evaluatedHistogram: Map<number, number>;
  /** Matches per rule id (before `generate` suppression). */
  matchesByRule: Map<string, number>;
  /** Events whose logsource selected no rule at all. */
  unroutedEvents: number;
  correlation?: CorrelationStats;
  /** The router's per-value memo (field lookups answered without scanning the value). */
  memo: RouterMemoStats;
}

export interface Detector {
  process(event: Event): Alert[];
  /** End of input: nothing is buffered today (correlations fire on the event that completes them). */
  flush(): Alert[];
  stats(): DetectorStats;
  readonly rules: readonly CompiledRule[];
}

const ENTITY_FIELDS = ['user', 'src_ip', 'host', 'src_port', 'outcome'] as const;

function entitiesOf(ev: Event): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ENTITY_FIELDS) {
    const v = ev.fields[k];
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  if (!out.host && typeof ev.fields.Computer === 'string') out.host = ev.fields.Computer;
  return out;
}

/** p-th percentile (0–100) of a histogram value → count. */
export function histogramPercentile(h: Map<number, number>, p: number): number {
  const total = [...h.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return 0;
  const keys = [...h.keys()].sort((a, b) => a - b);
  const want = Math.ceil((p / 100) * total);
  let seen = 0;
  for (const k of keys) { seen += h.get(k)!; if (seen >= want) return k; }
  return keys[keys.length - 1];
}

/** Base rules as the correlation engine wants them: unique ids, each name claimed once (first rule wins). */
export function baseRuleRefs(rules: readonly CompiledRule[]): { id: string; name?: string }[] {
  const seen = new Set<string>();
  const names = new Set<string>();
  const base: { id: string; name?: string }[] = [];
  for (const r of rules) {
    if (seen.has(r.meta.id)) continue;
    seen.add(r.meta.id);
    const name = r.meta.name !== undefined && !names.has(r.meta.name) ? r.meta.name : undefined;
    if (name !== undefined) names.add(name);
    base.push(name !== undefined ? { id: r.meta.id, name } : { id: r.meta.id });
  }
  return base;
}

export function createDetector(opts: { rules: readonly CompiledRule[]; correlations?: readonly CorrelationRule[]; config?: DetectorConfig }): Detector {
  const rules = [...opts.rules];
  const config = opts.config ?? {};
  const mapping = config.mapping ?? loadDefaultMapping();
  const router = new RuleRouter(rules);
  const correlations = opts.correlations ?? [];
  let engine: CorrelationEngine | undefined;
  if (correlations.length) engine = new CorrelationEngine([...correlations], { ...config.correlation, baseRules: baseRuleRefs(rules) });
  // Per rule: does a correlation reference it, and does it still raise its own alerts?
  const referenced = new Map<CompiledRule, boolean>();
  const emits = new Map<CompiledRule, boolean>();
  for (const r of rules) {
    const ref = engine ? engine.references(r.meta.id, r.meta.name) : false;
    referenced.set(r, ref);
    emits.set(r, !ref || engine!.emitsStandalone(r.meta.id));
  }

  // One view, re-pointed at each event: process() runs to completion before the next event.
  const sharedView = new EventView({});
  const st: Omit<DetectorStats, 'memo'> = { events: 0, alerts: 0, rulesEvaluated: 0, evaluatedHistogram: new Map(), matchesByRule: new Map(), unroutedEvents: 0 };

  const ruleAlert = (r: CompiledRule, ev: Event, why: MatchReason[]): Alert => ({
    id: newId(),
    tenant: ev.tenant,
    rule: r.ref,
    time: ev.time,
    eventIds: [ev.id],
    events: [ev],
    entities: entitiesOf(ev),
    why,
    status: 'new',
  });

  const correlationAlert = (f: CorrelationFired, tenant: string): Alert => {
    const last = f.events[f.events.length - 1];
    const entities: Record<string, string> = { ...(last ? entitiesOf(last) : {}), ...f.group };
    return {
      id: newId(),
      tenant,
      rule: { ...f.rule.ref, level: f.rule.level as Severity },
      time: f.time,
      eventIds: f.events.map((e) => e.id),
      events: f.events,
      groupKey: f.groupKey,
      entities,
      why: [{
        selection: f.rule.type,
        note: `${f.rule.type} over ${f.rule.timespanText ?? `${f.rule.timespan} ms`}${f.rule.groupBy.length ? ` by ${f.rule.groupBy.join(', ')}` : ''}: value ${f.value} (rules: ${f.rule.rules.join(', ')})`,
      }],
      status: 'new',
    };
  };

  return {
    rules,
    process(ev: Event): Alert[] {
      st.events++;
      const cls = mapping.classify(ev);
      const idv = ev.fields.EventID;
      const eventId = typeof idv === 'number' || typeof idv === 'string' ? idv : undefined;
      const view = sharedView.reset(ev.fields, cls.alias);
      const cands = config.fullScan ? rules : router.candidates(cls, eventId, view);
      const n = cands.length;
      st.rulesEvaluated += n;
      st.evaluatedHistogram.set(n, (st.evaluatedHistogram.get(n) ?? 0) + 1);
      if (n === 0) { st.unroutedEvents++; return []; }
      let out: Alert[] | undefined;
      for (let i = 0; i < n; i++) {
        const r = cands[i];
        if (config.fullScan && !RuleRouter.selects(r, cls)) continue;
        if (!r.test(view)) continue;
        st.matchesByRule.set(r.meta.id, (st.matchesByRule.get(r.meta.id) ?? 0) + 1);
        out ??= [];
        if (emits.get(r)) out.push(ruleAlert(r, ev, r.explain(view)));
        if (engine && referenced.get(r)) {
          const fired = engine.onMatch({ ruleId: r.meta.id, ...(r.meta.name !== undefined ? { ruleName: r.meta.name } : {}), event: ev });
          for (const f of fired) out.push(correlationAlert(f, ev.tenant));
        }
      }
      if (!out) return [];
      st.alerts += out.length;
      return out;
    },
    flush(): Alert[] {
      return [];
    },
    stats(): DetectorStats {
      return { ...st, memo: router.memoStats(), ...(engine ? { correlation: engine.stats() } : {}) };
    },
  };
}
