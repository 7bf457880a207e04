import type { Severity } from './severity.ts';
import type { Event } from './event.ts';

/** Identity of the rule that raised an alert. The Detection Rule License requires `author` on every alert. */
export interface RuleRef {
  id: string;
  title: string;
  level: Severity;
  author: string;
  /** Where the rule comes from (a URL or a path), so an analyst can read it. */
  source: string;
  /** Licence of the rule text, e.g. "DRL-1.1" for SigmaHQ rules. */
  license?: string;
  tags: string[];
}

/** Why an alert fired: one row per matched selection item. */
export interface MatchReason {
  selection: string;
  field?: string;
  modifiers?: string[];
  /** The rule value that matched (as written in the rule). */
  value?: string;
  /** Free text for detectors that are not field matches (baselines, correlations, billing watches). */
  note?: string;
}

export type AlertStatus = 'new' | 'acknowledged' | 'closed' | 'false_positive';

export interface Alert {
  id: string;
  tenant: string;
  rule: RuleRef;
  /** Time of the (last) triggering event, epoch ms. */
  time: number;
  eventIds: string[];
  /** The triggering events themselves, when the producer still has them. */
  events?: Event[];
  /** Correlation group-by key, when the alert comes from a correlation. */
  groupKey?: string;
  /** Entities the alert is about: user, src_ip, host, payee … */
  entities: Record<string, string>;
  why: MatchReason[];
  status: AlertStatus;
}
