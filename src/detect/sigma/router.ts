// Candidate rules for an event, in three steps that may each pick too many rules, never too few
// (the contract of rsigma's candidate index):
//   1. logsource: the rule's product / service / category against the event's class (mapping);
//   2. EventID: rules whose condition requires one of a set of EventIDs are indexed by them;
//   3. literal witnesses: rules whose condition requires one of a set of field literals (a field
//      equal to a value, or a path's last component, from `Image|endswith: '\whoami.exe'` or
//      `OriginalFileName: whoami.exe`, or a substring from `CommandLine|contains: ' -enc '`) are
//      indexed by them and looked up with the event's own (case-folded) values: equality and path
//      components by one map lookup, substrings by the rarest 4-character piece of the literal,
//      looked up at every position of the value. The rest always run.
// Necessary conditions come from compile.ts: AND keeps the narrowest constrained side, OR unions
// when every branch is constrained, NOT drops the constraint; so a skipped rule cannot match.
// test/detect/sigma/router.test.ts compares routed against full-scan results over the corpus.
import type { EventClass } from '../mapping/index.ts';
import type { EventView } from './event-view.ts';
import type { CompiledRule } from './types.ts';
import { WITNESS_GRAM, type Witness } from './compile.ts';
import { gramKey } from './strings.ts';

interface FieldIndex {
  field: string;
  eq: Map<string, CompiledRule[]>;
  bs: Map<string, CompiledRule[]>;
  sl: Map<string, CompiledRule[]>;
  /** WITNESS_GRAM-character substrings of 'sub' witnesses (the rarest one of each literal). */
  sub: Map<number, CompiledRule[]>;
}

interface Plan {
  /** Rules that always run for this class and EventID. */
  always: CompiledRule[];
  /** Witness-indexed rules, per field. */
  fields: FieldIndex[];
}

interface Bucket {
  selected: CompiledRule[];
  plans: Map<string, Plan>;
}

const NO_ID = '\u0000';

function push(m: Map<string, CompiledRule[]>, k: string, r: CompiledRule): void {
  const l = m.get(k);
  if (!l) m.set(k, [r]);
  else if (l[l.length - 1] !== r) l.push(r);
}

function pushN(m: Map<number, CompiledRule[]>, k: number, r: CompiledRule): void {
  const l = m.get(k);
  if (!l) m.set(k, [r]);
  else if (l[l.length - 1] !== r) l.push(r);
}

function lastAfter(s: string, sep: string): string | undefined {
  const at = s.lastIndexOf(sep);
  return at >= 0 ? s.slice(at + 1) : undefined;
}

export class RuleRouter {
  private readonly rules: CompiledRule[];
  private readonly buckets = new Map<string, Bucket>();
  /** Use literal witnesses (step 3). */
  private readonly useWitness: boolean;
  private stamp = 0;
  private readonly seen = new Map<CompiledRule, number>();

  constructor(rules: CompiledRule[], opts: { witnesses?: boolean } = {}) {
    this.rules = rules;
    this.useWitness = opts.witnesses ?? true;
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
    if (!b) {
      b = { selected: this.rules.filter((r) => RuleRouter.selects(r, cls)), plans: new Map() };
      this.buckets.set(cls.key, b);
    }
    return b;
  }

  private plan(b: Bucket, eventId: string | undefined): Plan {
    const key = eventId ?? NO_ID;
    let p = b.plans.get(key);
    if (p) return p;
    const list = b.selected.filter((r) => !r.eventIds || (eventId !== undefined && r.eventIds.has(eventId)));
    const always: CompiledRule[] = [];
    const byField = new Map<string, FieldIndex>();
    // Gram frequencies over this plan's 'sub' literals, so each literal is filed under its rarest gram.
    const gramCount = new Map<string, number>();
    for (const r of list) {
      if (!this.useWitness || !r.witness) continue;
      for (const w of r.witness) {
        if (w.kind !== 'sub') continue;
        for (let i = 0; i + WITNESS_GRAM <= w.value.length; i++) {
          const g = w.value.slice(i, i + WITNESS_GRAM);
          gramCount.set(g, (gramCount.get(g) ?? 0) + 1);
        }
      }
    }
    const rarest = (w: Witness): string => {
      let best = w.value.slice(0, WITNESS_GRAM);
      let n = Infinity;
      for (let i = 0; i + WITNESS_GRAM <= w.value.length; i++) {
        const g = w.value.slice(i, i + WITNESS_GRAM);
        const c = gramCount.get(g) ?? 0;
        if (c < n) { n = c; best = g; }
      }
      return best;
    };
    for (const r of list) {
      if (!this.useWitness || !r.witness) { always.push(r); continue; }
      for (const w of r.witness) {
        let fi = byField.get(w.field);
        if (!fi) { fi = { field: w.field, eq: new Map(), bs: new Map(), sl: new Map(), sub: new Map() }; byField.set(w.field, fi); }
        if (w.kind === 'sub') pushN(fi.sub, gramKey(rarest(w), 0), r);
        else push(w.kind === 'eq' ? fi.eq : w.kind === 'base/' ? fi.sl : fi.bs, w.value, r);
      }
    }
    p = { always, fields: [...byField.values()] };
    // Keep the plan cache bounded (EventIDs are attacker-controlled text).
    if (b.plans.size > 4096) b.plans.clear();
    b.plans.set(key, p);
    return p;
  }

  /** Rules that may match this event. */
  candidates(cls: EventClass, eventId: string | undefined, view: EventView): CompiledRule[] {
    const p = this.plan(this.bucket(cls), eventId);
    if (p.fields.length === 0) return p.always;
    let out: CompiledRule[] | undefined;
    const stamp = ++this.stamp;
    const add = (l: CompiledRule[] | undefined): void => {
      if (!l) return;
      out ??= p.always.slice();
      for (const r of l) {
        if (this.seen.get(r) === stamp) continue;
        this.seen.set(r, stamp);
        out.push(r);
      }
    };
    const lookup = (fi: FieldIndex, f: string): void => {
      add(fi.eq.get(f));
      if (fi.bs.size) { const x = lastAfter(f, '\\'); if (x !== undefined) add(fi.bs.get(x)); }
      if (fi.sl.size) { const x = lastAfter(f, '/'); if (x !== undefined) add(fi.sl.get(x)); }
      if (fi.sub.size) {
        const sub = fi.sub;
        for (let i = 0; i + WITNESS_GRAM <= f.length; i++) {
          const l = sub.get(gramKey(f, i));
          if (l) add(l);
        }
      }
    };
    for (const fi of p.fields) {
      const f = view.folded(fi.field);
      if (f !== undefined) { lookup(fi, f); continue; }
      const raw = view.get(fi.field);
      if (Array.isArray(raw)) {
        for (const x of raw) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') lookup(fi, String(x).toLowerCase());
      }
    }
    return out ?? p.always;
  }

  /** Every rule whose logsource selects the class (no narrowing), for tests and stats. */
  byLogsource(cls: EventClass): CompiledRule[] {
    return this.rules.filter((r) => RuleRouter.selects(r, cls));
  }
}
