// Candidate rules for an event, in three steps that may each pick too many rules, never too few
// (the contract of rsigma's candidate index):
//   1. logsource: the rule's product / service / category against the event's class (mapping);
//   2. EventID: rules whose condition requires one of a set of EventIDs are indexed by them;
//   3. literal witnesses: rules whose condition requires one of a set of field literals (a field
//      equal to a value, or a path's last component, from `Image|endswith: '\whoami.exe'` or
//      `OriginalFileName: whoami.exe`, or a substring from `CommandLine|contains: ' -enc '` or a
//      regular expression's literal text) are indexed by them and looked up with the event's own
//      (case-folded) values: equality and path components by one map lookup, substrings in one
//      pass over the value (scan(): 4+ characters by the literal's rarest 4-character gram, 2–3 by
//      the first two, 1 by the character), every hit verified, so a selected literal is present.
//      What a value holds is memoised per raw value (value-memo.ts). Keyword rules look up each of
//      the event's values (KEYWORD_FIELD), screened by a native regex of anchors (anchors.ts).
//      The rest always run. A rule may carry several such lists (`clauses`: the sides of an AND,
//      the values of a `|all` item, the combinations of an OR of ANDs): each is necessary, so the
//      rule is selected only once a witness of every list is present
//      (one bit per list in a per-event mask).
// Necessary conditions come from compile.ts: AND keeps every constrained side as its own list
// (`witness` alone is its narrowest one), OR unions when every branch is constrained (and keeps
// each combination of one list per branch), NOT drops the constraint; so a skipped rule cannot match.
// test/detect/sigma/router.test.ts compares routed against full-scan results over the corpus.
import type { EventClass, Fields } from '../../core/index.ts';
import { finishFieldIndex, indexWitness, LiteralScanner, newFieldIndex, NO_CODES, type Codes, type FieldIndex } from './field-index.ts';
import { memoBudget } from './value-memo.ts';
import { collectStrings, scalarText, type EventView } from './event-view.ts';
import type { CompiledRule } from './types.ts';
import { KEYWORD_FIELD, WITNESS_GRAM, type Witness } from './compile.ts';

interface Plan {
  /** Rules that always run for this class and EventID. */
  always: CompiledRule[];
  /** Witness-indexed rules, per field. */
  fields: FieldIndex[];
}

interface Bucket {
  selected: CompiledRule[];
  /** Per EventID (as text). */
  plans: Map<string, Plan>;
  /** Per list of selected rules (their positions): EventIDs no rule names share one plan. */
  plansByList: Map<string, Plan>;
}

/** Rules with one logsource (product, service, category), in corpus order. */
interface LogsourceGroup { logsource: CompiledRule['meta']['logsource']; rules: CompiledRule[] }

/** Buckets and plans kept at most (both are keyed by event text: a parser's logsource, an EventID). */
const MAX_CACHED = 4096;

const NO_ID = '\u0000';

/** Field-value lookups of the router's memos: asked, answered from the memo, passed while bypassed. */
export interface RouterMemoStats { lookups: number; hits: number; bypassed: number }

/** Does a rule logsource select the event class? Each of product, service, category given must match. */
function selectsLogsource(ls: CompiledRule['meta']['logsource'], cls: EventClass): boolean {
  if (ls.product !== undefined && ls.product !== cls.product) return false;
  if (ls.service !== undefined && !cls.services.includes(ls.service)) return false;
  if (ls.category !== undefined && !cls.categories.includes(ls.category)) return false;
  return true;
}

/** A rule's necessary witness lists (at most 32, one mask bit each), or undefined. */
function clausesOf(r: CompiledRule): Witness[][] | undefined {
  if (r.clauses && r.clauses.length > 1 && r.clauses.length <= 32) return r.clauses;
  return r.witness ? [r.witness] : undefined;
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
  /** The rules grouped by logsource, so a new class is matched against ~200 logsources, not every rule. */
  private readonly groups: LogsourceGroup[];
  /** Characters all value memos of this router may keep alive together. */
  private readonly memoBudget = memoBudget();
  /** Scans values; clears the marks of every cached field index before its counter wraps. */
  private readonly scanner = new LiteralScanner(() => this.cachedFieldIndexes());

  /** Every field index of every plan still reachable (by bucket or by the per-class shortcut). */
  private cachedFieldIndexes(): Set<FieldIndex> {
    const plans = new Set([...this.buckets.values()].flatMap((b) => [...b.plans.values()]));
    for (const e of this.planOfClass.values()) plans.add(e.plan);
    return new Set([...plans].flatMap((p) => p.fields));
  }

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
    const byLogsource = new Map<string, LogsourceGroup>();
    for (const r of rules) {
      const ls = r.meta.logsource;
      const key = `${ls.product ?? ''}\u0000${ls.service ?? ''}\u0000${ls.category ?? ''}`;
      let g = byLogsource.get(key);
      if (!g) byLogsource.set(key, (g = { logsource: ls, rules: [] }));
      g.rules.push(r);
    }
    this.groups = [...byLogsource.values()];
  }

  static selects(rule: CompiledRule, cls: EventClass): boolean {
    return selectsLogsource(rule.meta.logsource, cls);
  }

  private bucket(cls: EventClass): Bucket {
    // Keyed by what selects rules (product, services, categories), not by the class: the Windows
    // classes of one channel's EventIDs mostly select the same rules.
    const key = `${cls.product ?? ''}\u0000${cls.services.join(',')}\u0000${cls.categories.join(',')}`;
    let b = this.buckets.get(key);
    if (!b) {
      const selected = this.groups.filter((g) => selectsLogsource(g.logsource, cls)).flatMap((g) => g.rules);
      selected.sort((x, y) => this.index.get(x)! - this.index.get(y)!);
      b = { selected, plans: new Map(), plansByList: new Map() };
      if (this.buckets.size >= MAX_CACHED) this.buckets.clear();
      this.buckets.set(key, b);
    }
    return b;
  }

  private plan(b: Bucket, eventId: string | undefined): Plan {
    const key = eventId ?? NO_ID;
    let p = b.plans.get(key);
    if (p) return p;
    const list = b.selected.filter((r) => !r.eventIds || (eventId !== undefined && r.eventIds.has(eventId)));
    const listKey = list.map((r) => this.index.get(r)).join(',');
    p = b.plansByList.get(listKey) ?? this.buildPlan(list);
    if (b.plans.size >= MAX_CACHED) { b.plans.clear(); b.plansByList.clear(); }
    b.plans.set(key, p);
    b.plansByList.set(listKey, p);
    return p;
  }

  /** Index the witnesses of these rules per field; rules without any always run. */
  private buildPlan(list: CompiledRule[]): Plan {
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
    const rarest = (lit: string): number => {
      let best = 0;
      let n = Infinity;
      for (let i = 0; i + WITNESS_GRAM <= lit.length; i++) {
        const c = gramCount.get(lit.slice(i, i + WITNESS_GRAM)) ?? 0;
        if (c < n) { n = c; best = i; }
      }
      return best;
    };
    for (const r of list) {
      const cs = this.useWitness ? clausesOf(r) : undefined;
      if (!cs) { always.push(r); continue; }
      const ix = this.index.get(r)!;
      for (let ci = 0; ci < cs.length; ci++) for (const w of cs[ci]) {
        let fi = byField.get(w.field);
        if (!fi) { fi = newFieldIndex(w.field, this.memoBudget); byField.set(w.field, fi); }
        indexWitness(fi, w, (ix << 5) | ci, rarest);
      }
    }
    for (const fi of byField.values()) finishFieldIndex(fi);
    return { always, fields: [...byField.values()] };
  }

  /**
   * The plan last used for each class, with its EventID as given (number or text): a Windows class
   * is per channel and EventID, so this one identity lookup finds the plan without building a key.
   */
  private readonly planOfClass = new Map<EventClass, { id: string | number | undefined; plan: Plan }>();

  private planFor(cls: EventClass, eventId: string | number | undefined): Plan {
    const e = this.planOfClass.get(cls);
    if (e && e.id === eventId) return e.plan;
    const plan = this.plan(this.bucket(cls), eventId === undefined ? undefined : String(eventId));
    if (e) { e.id = eventId; e.plan = plan; } else {
      if (this.planOfClass.size >= 65536) this.planOfClass.clear();
      this.planOfClass.set(cls, { id: eventId, plan });
    }
    return plan;
  }

  /** Rules that may match this event. */
  candidates(cls: EventClass, eventId: string | number | undefined, view: EventView): CompiledRule[] {
    const p = this.planFor(cls, eventId);
    if (p.fields.length === 0) return p.always;
    this.out = undefined;
    this.cur = p;
    this.stamp = (this.stamp + 1) | 0;
    if (this.stamp === 0) { this.seen.fill(0); this.stamp = 1; }
    for (const fi of p.fields) {
      if (fi.field === KEYWORD_FIELD) {
        this.lookupKeywords(fi, view.fields);
        continue;
      }
      const raw = view.get(fi.field);
      if (typeof raw === 'string') { this.lookupField(fi, raw, view, true); continue; }
      const s = scalarText(raw);
      if (s !== undefined) { this.lookupField(fi, s, view, false); continue; }
      if (Array.isArray(raw)) {
        for (const x of raw) if (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean') this.lookup(fi, String(x));
      }
    }
    const out = this.out;
    this.out = undefined;
    this.cur = undefined;
    return out ?? p.always;
  }

  private out: CompiledRule[] | undefined;
  private cur: Plan | undefined;

  private add(l: Codes): void {
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

  /**
   * Select by the field's scalar value: from the memo, or by scanning its folded form. The memo also
   * keeps the folded form, handed to the view so the rules that run need not fold the value again,
   * and (for strings) the results of rule items on that value (compile.ts memoItemTest).
   */
  private lookupField(fi: FieldIndex, raw: string, view: EventView, isString: boolean): void {
    let hit = fi.memo.get(raw);
    if (hit === undefined) {
      const folded = raw.toLowerCase();
      const acc: Codes = [];
      this.scanner.scan(fi, folded, acc);
      hit = { codes: acc.length ? acc : NO_CODES, folded };
      fi.memo.set(raw, hit, folded === raw ? 0 : folded.length);
    }
    // Item results are kept only for string values: a number and its text may test differently.
    view.primeFolded(fi.field, hit.folded, isString ? hit : undefined);
    if (hit.codes.length) this.add(hit.codes);
  }

  /** Select by one value (an array element or a keyword value), without the memo. */
  private lookup(fi: FieldIndex, raw: string): void {
    const acc: Codes = [];
    this.scanner.scan(fi, raw.toLowerCase(), acc);
    if (acc.length) this.add(acc);
  }

  /**
   * Keyword witnesses against every value of the event, one value at a time, as keyword rules test
   * them (compile.ts tests the NUL-joined values only for literals without NUL, which occur in the
   * joined text exactly when they occur in one value).
   */
  private lookupKeywords(fi: FieldIndex, fields: Fields): void {
    const values = collectStrings(fields, this.kwBuf, 0, fi.anchors !== undefined && !fi.anchorsInScalars);
    const pass = fi.anchors;
    for (let i = 0; i < values.length; i++) if (!pass || pass.test(values[i])) this.lookup(fi, values[i]);
    values.length = 0;
  }

  /** Reused list of an event's values for lookupKeywords. */
  private readonly kwBuf: string[] = [];

  /** How the per-value memos did, over every field index of every plan still cached. */
  memoStats(): RouterMemoStats {
    const out: RouterMemoStats = { lookups: 0, hits: 0, bypassed: 0 };
    for (const fi of this.cachedFieldIndexes()) {
      out.lookups += fi.memo.totalLookups;
      out.hits += fi.memo.totalHits;
      out.bypassed += fi.memo.totalBypassed;
    }
    return out;
  }
}
