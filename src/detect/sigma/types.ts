// The rule model after loading: metadata (what an Alert carries) plus the compiled detection.
import type { LogSource, MatchReason, RuleRef, Severity } from '../../core/index.ts';
import type { EventView } from './event-view.ts';
import type { Witness } from './compile.ts';

export interface SigmaRuleMeta {
  id: string;
  name?: string;
  title: string;
  level: Severity;
  status?: string;
  author: string;
  tags: string[];
  description?: string;
  references: string[];
  falsepositives: string[];
  logsource: LogSource;
  /** Display path of the rule file. */
  file: string;
  /** 1-based line of the rule's document. */
  line?: number;
  /** Where an analyst can read the rule (SigmaHQ URL or file path). */
  source: string;
  license?: string;
  /** The `regression_tests_path` custom attribute of SigmaHQ rules, when present. */
  regressionTestsPath?: string;
}

export interface CompiledRule {
  meta: SigmaRuleMeta;
  ref: RuleRef;
  test(view: EventView): boolean;
  /** Why the event matched: which selection, field and value. Only for an event test() accepted. */
  explain(view: EventView): MatchReason[];
  /** Necessary EventID values (as text); undefined when the rule does not constrain EventID. */
  eventIds?: Set<string>;
  /** Necessary literal conditions (at least one holds when the rule matches); undefined = none known. */
  witness?: Witness[];
  /** Several necessary witness lists (every one holds when the rule matches), most selective first. */
  clauses?: Witness[][];
}
