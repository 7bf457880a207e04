// Public face of detect/: Sigma rule loading, the detector, the logsource mapping.
import { CorrelationEngine, parseCorrelationRule } from './correlate/index.ts';
import { baseRuleRefs } from './detector.ts';
import { loadRuleSources as loadSources, type LoadOptions, type RuleSet, type RuleSource } from './sigma/load.ts';

export { createDetector, histogramPercentile, baseRuleRefs, type Detector, type DetectorConfig, type DetectorStats } from './detector.ts';
export { loadDefaultMapping, parseMapping, type EventClass, type LogsourceMapping } from '../core/index.ts';
export type { CompiledRule, SigmaRuleMeta } from './sigma/types.ts';
export type { RuleSet, RuleSource, SigmaFilter, LoadOptions } from './sigma/load.ts';
export { EventView } from './sigma/event-view.ts';
export { RuleRouter } from './sigma/router.ts';
export * from './baseline/index.ts';

/**
 * Load rule sources, parsing correlation documents with the correlation module. Correlations whose
 * references do not resolve (or that clash) are moved to `errors`; the others are returned ready
 * for createDetector.
 */
export function loadRuleSources(sources: RuleSource[], opts: Omit<LoadOptions, 'parseCorrelation'> = {}): RuleSet {
  const set = loadSources(sources, { ...opts, parseCorrelation: parseCorrelationRule });
  if (set.correlations.length) {
    const { accepted, rejected } = CorrelationEngine.partition(set.correlations, { baseRules: baseRuleRefs(set.rules) });
    set.correlations = accepted;
    set.errors.push(...rejected.map((r) => r.error));
  }
  return set;
}
