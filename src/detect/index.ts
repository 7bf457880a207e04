// Public face of detect/: Sigma rule loading, the detector, the logsource mapping.
import { parseCorrelationRule } from './correlate/parse.ts';
import { loadRuleSources as loadSources, type LoadOptions, type RuleSet, type RuleSource } from './sigma/load.ts';

export { createDetector, histogramPercentile, type Detector, type DetectorConfig, type DetectorStats } from './detector.ts';
export { loadDefaultMapping, parseMapping, type EventClass, type LogsourceMapping } from './mapping/index.ts';
export type { CompiledRule, SigmaRuleMeta } from './sigma/types.ts';
export type { RuleSet, RuleSource, SigmaFilter, LoadOptions } from './sigma/load.ts';
export { EventView } from './sigma/event-view.ts';
export { RuleRouter } from './sigma/router.ts';

/** Load rule sources, parsing correlation documents with the correlation module. */
export function loadRuleSources(sources: RuleSource[], opts: Omit<LoadOptions, 'parseCorrelation'> = {}): RuleSet {
  return loadSources(sources, { ...opts, parseCorrelation: parseCorrelationRule });
}
