// Candidate rules for an event, in three steps that may each pick too many rules, never too few
// (the contract of rsigma's candidate index):
//   1. logsource: the rule's product / service / category against the event's class (mapping);
//   2. EventID: rules whose condition requires one of a set of EventIDs are indexed by them;
//   3. literal witnesses: rules whose condition requires one of a set of field literals (a field
//      equal to a value, or a path's last component, from `Image|endswith: '\whoami.exe'` or
//      `OriginalFileName: whoami.exe`, or a substring from `CommandLine|contains: ' -enc '` or a
//      regular expression's literal text) are indexed by them and looked up with the event's own
//      (case-folded) values: equality and path components by one map lookup, substrings of 4+
//      characters by the rarest 4-character piece of the literal, looked up at every position of
//      the value behind a bit filter, shorter substrings by their first character. Keyword rules
//      use the NUL-joined folded values (KEYWORD_FIELD). The rest always run. A rule may carry
//      several such lists (`clauses`, from the sides of an AND or the values of a `|all` item):
//      each is necessary, so the rule is selected only once a witness of every list is present
//      (one bit per list in a per-event mask).
// Necessary conditions come from compile.ts: AND keeps every constrained side as its own list
// (`witness` alone is its narrowest one), OR unions when every branch is constrained, NOT drops
// the constraint; so a skipped rule cannot match.
// test/detect/sigma/router.test.ts compares routed against full-scan results over the corpus.
import type { EventClass } from '../mapping/index.ts';
import type { EventView } from './event-view.ts';
import type { CompiledRule } from './types.ts';
import { KEYWORD_FIELD, WITNESS_GRAM, type Witness } from './compile.ts';
import { gramKey } from './strings.ts';

/** Index entries are codes: (rule position << 5) | clause number. */
type Codes = number[];

interface FieldIndex {
  field: string;
  eq: Map<string, Codes>;
  bs: Map<string, Codes>;
  sl: Map<string, Codes>;
  /** WITNESS_GRAM-character substrings of 'sub' witnesses (the rarest one of each literal). */
  sub: Map<number, Codes>;
  /** A bit per gram key (hashed to SUB_BLOOM bits) present in `sub`: most positions skip the Map. */
  subBloom: Int32Array;
  /** 'sub' witnesses shorter than WITNESS_GRAM, by their first character code. */
  short: Map<number, ShortLit[]>;
  /** A bit per first character code in `short`. */
  shortBits: Int32Array;
}

interface ShortLit { lit: string; codes: Codes }

const SUB_BLOOM_MASK = 2047;

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

function push<K>(m: Map<K, Codes>, k: K, code: number): void {
  const l = m.get(k);
  if (!l) m.set(k, [code]);
  else if (l[l.length - 1] !== code) l.push(code);
}

/** A rule's necessary witness lists (at most 32, one mask bit each), or undefined. */
function clausesOf(r: CompiledRule): Witness[][] | undefined {
  if (r.clauses && r.clauses.length > 1 && r.clauses.length <= 32) return r.clauses;
  return r.witness ? [r.witness] : undefined;
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
  /** Per rule (by position in `rules`): the stamp of the last event that added it. */
  private readonly seen: Int32Array;
  /** Per rule: the clause bits seen in the current event (valid when `seen` is the stamp). */
  private readonly mask: Int32Array;
  /** Per rule: the mask with every clause bit set. */
  private readonly full: Int32Array;
  private readonly index = new Map<CompiledRule, number>();

  constructor(rules: CompiledRule[], opts: { witnesses?: boolean } = {}) {
    this.rules = rules;
    this.useWitness = opts.witnesses ?? true;
    this.seen = new Int32Array(rules.length);
    this.mask = new Int32Array(rules.length);
    this.full = new Int32Array(rules.length);
    rules.forEach((r, i) => {
      if (!this.index.has(r)) this.index.set(r, i);
      const n = clausesOf(r)?.length ?? 1;
      this.full[i] = n >= 32 ? -1 : (1 << n) - 1;
    });
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
      const cs = this.useWitness ? clausesOf(r) : undefined;
      if (!cs) continue;
      for (const w of cs.flat()) {
        if (w.kind !== 'sub' || w.value.length < WITNESS_GRAM) continue;
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
      const cs = this.useWitness ? clausesOf(r) : undefined;
      if (!cs) { always.push(r); continue; }
      const ix = this.index.get(r)!;
      for (let ci = 0; ci < cs.length; ci++) for (const w of cs[ci]) {
        const code = (ix << 5) | ci;
        let fi = byField.get(w.field);
        if (!fi) { fi = { field: w.field, eq: new Map(), bs: new Map(), sl: new Map(), sub: new Map(), subBloom: new Int32Array(SUB_BLOOM_MASK + 1), short: new Map(), shortBits: new Int32Array(2048) }; byField.set(w.field, fi); }
        if (w.kind === 'sub' && w.value.length < WITNESS_GRAM) {
          const c = w.value.charCodeAt(0);
          let l = fi.short.get(c);
          if (!l) { l = []; fi.short.set(c, l); fi.shortBits[c >>> 5] |= 1 << (c & 31); }
          let e = l.find((x) => x.lit === w.value);
          if (!e) { e = { lit: w.value, codes: [] }; l.push(e); }
          if (e.codes[e.codes.length - 1] !== code) e.codes.push(code);
        } else if (w.kind === 'sub') {
          const k = gramKey(rarest(w), 0);
          push(fi.sub, k, code);
          fi.subBloom[(k >>> 5) & SUB_BLOOM_MASK] |= 1 << (k & 31);
        }
        else push(w.kind === 'eq' ? fi.eq : w.kind === 'base/' ? fi.sl : fi.bs, w.value, code);
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
    this.out = undefined;
    this.cur = p;
    this.stamp = (this.stamp + 1) | 0;
    if (this.stamp === 0) { this.seen.fill(0); this.stamp = 1; }
    for (const fi of p.fields) {
      const f = fi.field === KEYWORD_FIELD ? view.keywordJoined() : view.folded(fi.field);
      if (f !== undefined) { this.lookup(fi, f); continue; }
      const raw = view.get(fi.field);
      if (Array.isArray(raw)) {
        for (const x of raw) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') this.lookup(fi, String(x).toLowerCase());
      }
    }
    const out = this.out;
    this.out = undefined;
    this.cur = undefined;
    return out ?? p.always;
  }

  private out: CompiledRule[] | undefined;
  private cur: Plan | undefined;

  private add(l: Codes | undefined): void {
    if (!l) return;
    const seen = this.seen;
    const mask = this.mask;
    const stamp = this.stamp;
    let out = this.out;
    for (let i = 0; i < l.length; i++) {
      const code = l[i];
      const ix = code >>> 5;
      const bit = 1 << (code & 31);
      let m = 0;
      if (seen[ix] === stamp) m = mask[ix];
      else seen[ix] = stamp;
      if ((m & bit) !== 0) continue;
      m |= bit;
      mask[ix] = m;
      if (m !== this.full[ix]) continue;
      out ??= this.out = this.cur!.always.slice();
      out.push(this.rules[ix]);
    }
  }

  private lookup(fi: FieldIndex, f: string): void {
    if (fi.short.size) {
      const bits = fi.shortBits;
      for (let i = 0; i < f.length; i++) {
        const c = f.charCodeAt(i);
        if ((bits[c >>> 5] & (1 << (c & 31))) === 0) continue;
        for (const e of fi.short.get(c)!) if (f.startsWith(e.lit, i)) this.add(e.codes);
      }
    }
    if (fi.eq.size) this.add(fi.eq.get(f));
    if (fi.bs.size) { const x = lastAfter(f, '\\'); if (x !== undefined) this.add(fi.bs.get(x)); }
    if (fi.sl.size) { const x = lastAfter(f, '/'); if (x !== undefined) this.add(fi.sl.get(x)); }
    if (fi.sub.size) {
      const sub = fi.sub;
      const bloom = fi.subBloom;
      for (let i = 0; i + WITNESS_GRAM <= f.length; i++) {
        const k = gramKey(f, i);
        if ((bloom[(k >>> 5) & SUB_BLOOM_MASK] & (1 << (k & 31))) === 0) continue;
        const l = sub.get(k);
        if (l) this.add(l);
      }
    }
  }

  /** Every rule whose logsource selects the class (no narrowing), for tests and stats. */
  byLogsource(cls: EventClass): CompiledRule[] {
    return this.rules.filter((r) => RuleRouter.selects(r, cls));
  }
}
