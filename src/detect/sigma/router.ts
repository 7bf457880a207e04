// Candidate rules for an event: by logsource (product / service / category, from the mapping) and
// then by EventID where the rule's condition requires one of a set of EventIDs. The contract (as in
// rsigma's candidate index): it may pick too many rules, never too few. A rule's necessary EventIDs
// come from compile.ts (AND keeps the narrowest constrained side, OR unions when every branch is
// constrained, NOT drops the constraint), so skipping a rule can only skip one that cannot match.
// test/detect/sigma/router.test.ts compares routed against full-scan results over the corpus.
import type { EventClass } from '../mapping/index.ts';
import type { CompiledRule } from './types.ts';

interface Bucket {
  /** Rules of this event class that do not constrain EventID. */
  any: CompiledRule[];
  /** Rules constrained to an EventID, merged with `any` (kept in load order), per EventID text. */
  byId: Map<string, CompiledRule[]>;
}

export class RuleRouter {
  private readonly rules: CompiledRule[];
  private readonly buckets = new Map<string, Bucket>();

  constructor(rules: CompiledRule[]) {
    this.rules = rules;
  }

  static selects(rule: CompiledRule, cls: EventClass): boolean {
    const ls = rule.meta.logsource;
    if (ls.product !== undefined && ls.product !== cls.product) return false;
    if (ls.service !== undefined && !cls.services.includes(ls.service)) return false;
    if (ls.category !== undefined && !cls.categories.includes(ls.category)) return false;
    return true;
  }

  private bucket(cls: EventClass): Bucket {
    let b = this.buckets.get(cls.key);
    if (b) return b;
    const selected = this.rules.filter((r) => RuleRouter.selects(r, cls));
    const any = selected.filter((r) => !r.eventIds);
    const byId = new Map<string, CompiledRule[]>();
    for (const r of selected) {
      if (!r.eventIds) continue;
      for (const id of r.eventIds) {
        if (!byId.has(id)) byId.set(id, []);
        byId.get(id)!.push(r);
      }
    }
    for (const [id, list] of byId) {
      const set = new Set(list);
      byId.set(id, selected.filter((r) => !r.eventIds || set.has(r)));
    }
    b = { any, byId };
    this.buckets.set(cls.key, b);
    return b;
  }

  /** Rules that may match an event of this class with this EventID text. */
  candidates(cls: EventClass, eventId: string | undefined): CompiledRule[] {
    const b = this.bucket(cls);
    if (eventId === undefined) return b.any;
    return b.byId.get(eventId) ?? b.any;
  }

  /** Every rule whose logsource selects the class (no EventID narrowing), for tests and stats. */
  byLogsource(cls: EventClass): CompiledRule[] {
    return this.rules.filter((r) => RuleRouter.selects(r, cls));
  }
}
