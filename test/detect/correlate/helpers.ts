// Small builders for correlation tests: rules from plain objects, events with given time and fields.
import type { Event, FieldValue } from '../../../src/core/index.ts';
import {
  CorrelationEngine, parseCorrelationRule, type CorrelationEngineOptions, type CorrelationFired, type CorrelationRule,
} from '../../../src/detect/correlate/index.ts';

let nextId = 0;

export function ev(time: number, fields: Record<string, FieldValue> = {}, id?: string): Event {
  return { id: id ?? `ev${++nextId}`, time, ingested: time, tenant: 't', source: 'test', logsource: {}, fields };
}

/** Parse a correlation document given as `correlation` section plus optional top-level extras. */
export function corr(correlation: Record<string, unknown>, extra: Record<string, unknown> = {}): CorrelationRule {
  return parseCorrelationRule(
    { title: extra.title ?? 'test correlation', id: extra.id ?? 'corr-1', ...extra, correlation },
    { file: 'test.yml', line: 1, column: 1, source: 'test.yml' },
  );
}

export interface Step {
  /** Base rule name (a, b, c, d → ids id-a …) or a correlation id; see byName. */
  r: string;
  t: number;
  f?: Record<string, FieldValue>;
  id?: string;
  /** Pass the reference as ruleName with an unrelated ruleId. */
  byName?: boolean;
}

export const BASE = [
  { id: 'id-a', name: 'a' }, { id: 'id-b', name: 'b' }, { id: 'id-c', name: 'c' },
  { id: 'id-d', name: 'd' },
];

/** Feed steps and return, per step, the fires it produced. */
export function run(rules: CorrelationRule[], steps: Step[], opts: CorrelationEngineOptions = {}): { fires: CorrelationFired[][]; engine: CorrelationEngine } {
  const engine = new CorrelationEngine(rules, { baseRules: BASE, ...opts });
  const fires = steps.map((s) => engine.onMatch(s.byName
    ? { ruleId: 'not-an-id', ruleName: s.r, event: ev(s.t, s.f, s.id) }
    : { ruleId: BASE.find((b) => b.name === s.r)?.id ?? s.r, event: ev(s.t, s.f, s.id) }));
  return { fires, engine };
}

/** [step index, value] of every firing, in order. */
export function firedAt(fires: CorrelationFired[][]): [number, number][] {
  const out: [number, number][] = [];
  fires.forEach((fs, i) => { for (const f of fs) out.push([i, f.value]); });
  return out;
}
