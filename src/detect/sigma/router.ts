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
import type { EventClass } from '../mapping/index.ts';
import { anchorPattern, anchorsFor } from './anchors.ts';
import { memoBudget, ValueMemo } from './value-memo.ts';
import { collectStrings, type EventView } from './event-view.ts';
import type { Fields } from '../../core/index.ts';
import type { CompiledRule } from './types.ts';
import { KEYWORD_FIELD, WITNESS_GRAM, type Witness } from './compile.ts';

/** Index entries are codes: (rule position << 5) | clause number. */
type Codes = number[];

interface FieldIndex {
  field: string;
  eq: Map<string, Codes>;
  bs: Map<string, Codes>;
  sl: Map<string, Codes>;
  /**
   * 'sub' witnesses of WITNESS_GRAM or more characters, filed under the hash of their rarest
   * 4-character gram (gramHash); each needle is verified where its gram occurs, so a selected rule's
   * literal really is in the value.
   */
  sub: Map<number, SubNeedle[]>;
  /** A bit per gram hash in `sub` (SUB_BLOOM_BITS wide): most positions skip the Map. */
  subBloom: Int32Array;
  /** 'sub' witnesses of 2 or 3 characters, by their first two characters packed (packChar). */
  short: Map<number, ShortLit[]>;
  /** A bit per key in `short` (65,536 bits). */
  shortBits: Int32Array;
  /** 'sub' witnesses of one character, by its character code (exact: no packing). */
  single: Map<number, ShortLit[]>;
  /** A bit per character code in `single` (65,536 bits, allocated when there is one). */
  singleBits: Int32Array;
  /**
   * What the lookups above found for a value, keyed by the raw value (two generations, so the cache
   * stays bounded and keeps what repeats): event logs repeat the same images, command lines, users
   * and hosts, and a hit costs one hash lookup instead of folding and scanning the value.
   */
  memo: ValueMemo<MemoHit>;
  /** For KEYWORD_FIELD: passes every value whose folded form may hold a literal (anchors.ts), if few anchors cover them. */
  anchors?: RegExp;
  /** For KEYWORD_FIELD with anchors: whether a number's or boolean's text could hold one. */
  anchorsInScalars?: boolean;
}

const NO_CODES: Codes = [];
const NO_BITS = new Int32Array(0);
/** Every character the text of a number or boolean can hold (lower-cased: 1e+21, -infinity, nan, true, false). */
const SCALAR_TEXT_CHARS = '0123456789.-+einfatyrusl';

/** What the memo keeps per value: the codes found in it and its folded form. */
interface MemoHit { codes: Codes; folded: string }

/** `seen`: the scan that last found it, so a literal's codes are added once per value however often it occurs. */
interface ShortLit { lit: string; codes: Codes; seen: number }

/** A literal, the offset of its indexed gram within it, and the codes it selects. */
interface SubNeedle { lit: string; off: number; codes: Codes; seen: number }

/** Bloom filter size (bits, as a power of two) per field: ~4k grams stay well under 1 % full. */
const SUB_BLOOM_BITS = 18;

/**
 * The 4 characters ending at a position, packed one byte each (a character above U+00FF folded into
 * its low byte), so a scan updates it with one shift per character; then mixed into 30 bits (a small
 * integer Map key). Equal grams give equal hashes; collisions only cost a failed verification.
 */
function packChar(c: number): number {
  return (c ^ (c >>> 8)) & 0xff;
}
function gramHash(packed: number): number {
  return Math.imul(packed, 0x9e3779b1) >>> 2;
}
function bloomHas(bloom: Int32Array, h: number): boolean {
  const b = h >>> (30 - SUB_BLOOM_BITS);
  return (bloom[b >>> 5] & (1 << (b & 31))) !== 0;
}
function bloomAdd(bloom: Int32Array, h: number): void {
  const b = h >>> (30 - SUB_BLOOM_BITS);
  bloom[b >>> 5] |= 1 << (b & 31);
}
function packedAt(s: string, i: number): number {
  return (packChar(s.charCodeAt(i)) << 24) | (packChar(s.charCodeAt(i + 1)) << 16) | (packChar(s.charCodeAt(i + 2)) << 8) | packChar(s.charCodeAt(i + 3));
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

function pushCodes(acc: Codes, l: Codes | undefined): void {
  if (l) for (let i = 0; i < l.length; i++) acc.push(l[i]);
}

/** Codes of the literals of `l` that occur in f at `at` and were not found earlier in this scan. */
function verify(l: ShortLit[] | undefined, f: string, at: number, acc: Codes, scan: number): void {
  if (!l) return;
  for (let j = 0; j < l.length; j++) {
    const e = l[j];
    if (e.seen !== scan && f.startsWith(e.lit, at)) { e.seen = scan; pushCodes(acc, e.codes); }
  }
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
  /** Characters all value memos of this router may keep alive together. */
  private readonly memoBudget = memoBudget();

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
    const rarest = (w: Witness): number => {
      let best = 0;
      let n = Infinity;
      for (let i = 0; i + WITNESS_GRAM <= w.value.length; i++) {
        const c = gramCount.get(w.value.slice(i, i + WITNESS_GRAM)) ?? 0;
        if (c < n) { n = c; best = i; }
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
        if (!fi) { fi = { field: w.field, eq: new Map(), bs: new Map(), sl: new Map(), sub: new Map(), subBloom: new Int32Array(1 << (SUB_BLOOM_BITS - 5)), short: new Map(), shortBits: new Int32Array(2048), single: new Map(), singleBits: NO_BITS, memo: new ValueMemo(this.memoBudget) }; byField.set(w.field, fi); }
        if (w.kind === 'sub' && w.value.length < WITNESS_GRAM) {
          const one = w.value.length === 1;
          const k = one ? w.value.charCodeAt(0) : (packChar(w.value.charCodeAt(0)) << 8) | packChar(w.value.charCodeAt(1));
          const m = one ? fi.single : fi.short;
          let l = m.get(k);
          if (one && fi.singleBits === NO_BITS) fi.singleBits = new Int32Array(2048);
          if (!l) { l = []; m.set(k, l); (one ? fi.singleBits : fi.shortBits)[k >>> 5] |= 1 << (k & 31); }
          let e = l.find((x) => x.lit === w.value);
          if (!e) { e = { lit: w.value, codes: [], seen: 0 }; l.push(e); }
          if (e.codes[e.codes.length - 1] !== code) e.codes.push(code);
        } else if (w.kind === 'sub') {
          const off = rarest(w);
          const h = gramHash(packedAt(w.value, off));
          let l = fi.sub.get(h);
          if (!l) { l = []; fi.sub.set(h, l); bloomAdd(fi.subBloom, h); }
          let e = l.find((x) => x.lit === w.value);
          if (!e) { e = { lit: w.value, off, codes: [], seen: 0 }; l.push(e); }
          if (e.codes[e.codes.length - 1] !== code) e.codes.push(code);
        }
        else push(w.kind === 'eq' ? fi.eq : w.kind === 'base/' ? fi.sl : fi.bs, w.value, code);
      }
    }
    const kw = byField.get(KEYWORD_FIELD);
    if (kw && kw.eq.size + kw.bs.size + kw.sl.size === 0) {
      const lits = [...[...kw.sub.values()].flat().map((n) => n.lit), ...[...kw.short.values(), ...kw.single.values()].flat().map((e) => e.lit)];
      const anchors = anchorsFor(lits);
      if (anchors) {
        kw.anchors = anchorPattern(anchors);
        kw.anchorsInScalars = anchors.some((a) => [...a].every((c) => SCALAR_TEXT_CHARS.includes(c)));
      }
    }
    p = { always, fields: [...byField.values()] };
    // Keep the plan cache bounded (EventIDs are attacker-controlled text).
    if (b.plans.size > 4096) b.plans.clear();
    b.plans.set(key, p);
    return p;
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
      const s = view.str(fi.field);
      if (s !== undefined) { this.lookupField(fi, s, view); continue; }
      const raw = view.get(fi.field);
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
   * keeps the folded form, handed to the view so the rules that run need not fold the value again.
   */
  private lookupField(fi: FieldIndex, raw: string, view: EventView): void {
    let hit = fi.memo.get(raw);
    if (hit === undefined) {
      const folded = raw.toLowerCase();
      const acc: Codes = [];
      this.scan(fi, folded, acc);
      hit = { codes: acc.length ? acc : NO_CODES, folded };
      fi.memo.set(raw, hit, folded === raw ? 0 : folded.length);
    }
    view.primeFolded(fi.field, hit.folded);
    if (hit.codes.length) this.add(hit.codes);
  }

  /** Select by one value (an array element or a keyword value), without the memo. */
  private lookup(fi: FieldIndex, raw: string): void {
    const acc: Codes = [];
    this.scan(fi, raw.toLowerCase(), acc);
    if (acc.length) this.add(acc);
  }

  /**
   * Keyword witnesses against every value of the event, one value at a time (a literal occurs in
   * some value exactly when it occurs in the NUL-joined values that keyword rules test, unless it
   * holds a NUL itself).
   */
  private lookupKeywords(fi: FieldIndex, fields: Fields): void {
    const values = collectStrings(fields, this.kwBuf, 0, fi.anchors !== undefined && !fi.anchorsInScalars);
    const pass = fi.anchors;
    for (let i = 0; i < values.length; i++) if (!pass || pass.test(values[i])) this.lookup(fi, values[i]);
    values.length = 0;
  }

  /** Numbers the scans (ShortLit / SubNeedle `seen`, singleDone), from 1. */
  private scanId = 0;
  /** Per character code: the scan that already looked its one-character literals up. */
  private readonly singleDone = new Int32Array(65536);

  /** Before the scan number wraps: forget every `seen`, so an old number cannot pass for a new one. */
  private resetSeen(): void {
    const plans = new Set([...this.buckets.values()].flatMap((b) => [...b.plans.values()]));
    for (const e of this.planOfClass.values()) plans.add(e.plan);
    for (const p of plans) for (const fi of p.fields) {
      for (const m of [fi.short, fi.single]) for (const l of m.values()) for (const e of l) e.seen = 0;
      for (const l of fi.sub.values()) for (const e of l) e.seen = 0;
    }
    this.singleDone.fill(0);
    this.scanId = 0;
  }

  /** Reused list of an event's values for lookupKeywords. */
  private readonly kwBuf: string[] = [];

  /**
   * Every witness code of the field whose literal the folded value `f` holds, appended to `acc`: one
   * pass over the value, the last four characters packed in one integer, each position checked
   * against the 1-, 2- and 4-character tables behind bit filters, hits verified with startsWith.
   */
  private scan(fi: FieldIndex, f: string, acc: Codes): void {
    if (fi.eq.size) pushCodes(acc, fi.eq.get(f));
    if (fi.bs.size) { const x = lastAfter(f, '\\'); if (x !== undefined) pushCodes(acc, fi.bs.get(x)); }
    if (fi.sl.size) { const x = lastAfter(f, '/'); if (x !== undefined) pushCodes(acc, fi.sl.get(x)); }
    const doSingle = fi.single.size > 0;
    const doShort = fi.short.size > 0;
    const doSub = fi.sub.size > 0;
    if (!doSingle && !doShort && !doSub) return;
    const { single, singleBits, short, shortBits, sub, subBloom } = fi;
    if (this.scanId === 0x7fffffff) this.resetSeen();
    const id = ++this.scanId;
    let packed = 0;
    const singleDone = this.singleDone;
    for (let i = 0; i < f.length; i++) {
      const code = f.charCodeAt(i);
      const c = packChar(code);
      packed = (packed << 8) | c;
      // A one-character literal is found at its first occurrence; later ones cost a stamp check.
      if (doSingle && singleDone[code] !== id && (singleBits[code >>> 5] & (1 << (code & 31))) !== 0) {
        singleDone[code] = id;
        verify(single.get(code), f, i, acc, id);
      }
      if (i === 0) continue;
      if (doShort) {
        const k = packed & 0xffff;
        if ((shortBits[k >>> 5] & (1 << (k & 31))) !== 0) verify(short.get(k), f, i - 1, acc, id);
      }
      if (doSub && i >= WITNESS_GRAM - 1) {
        const h = gramHash(packed);
        if (!bloomHas(subBloom, h)) continue;
        const l = sub.get(h);
        if (!l) continue;
        for (let j = 0; j < l.length; j++) {
          const nd = l[j];
          if (nd.seen === id) continue;
          const at = i - (WITNESS_GRAM - 1) - nd.off;
          if (at >= 0 && f.startsWith(nd.lit, at)) { nd.seen = id; pushCodes(acc, nd.codes); }
        }
      }
    }
  }

  /** Every rule whose logsource selects the class (no narrowing), for tests and stats. */
  byLogsource(cls: EventClass): CompiledRule[] {
    return this.rules.filter((r) => RuleRouter.selects(r, cls));
  }
}
