// Public face of detect/correlate: Sigma v2.1 correlation rules (parse + streaming engine).
//
//   const rule = parseCorrelationRule(doc, { file, line, column, source });   // per `correlation:` document
//   const engine = new CorrelationEngine(rules, { baseRules: [{ id, name }, …] });
//   for each base-rule match: for (const f of engine.onMatch({ ruleId, ruleName, event })) → alert
//   engine.emitsStandalone(ruleId) → false when a correlation without `generate: true` references it
//
// Pass every loaded base rule in `baseRules`: a reference that resolves neither to one of them nor to
// another correlation is SIGMA_UNKNOWN_REFERENCE at construction. To report bad correlations and still
// run the rest: `const { accepted, rejected } = CorrelationEngine.partition(rules, { baseRules })`.
// Semantics: docs/correlation.md.
export * from './types.ts';
export { parseCorrelationRule, parseTimespan, describeDeprecatedAggregation, TIMESPAN_UNITS, type ParseContext } from './parse.ts';
export {
  CorrelationEngine, percentile, fieldString, fieldNumber,
  DEFAULT_ALLOWED_LATENESS_MS, DEFAULT_MAX_GROUPS_PER_RULE, DEFAULT_MAX_ENTRIES_PER_GROUP, DEFAULT_MAX_EVENTS_PER_FIRE, DEFAULT_MAX_FUTURE_MS,
  GROUP_EVICTION_TARGET,
} from './engine.ts';
