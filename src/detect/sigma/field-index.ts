// One field's literal witnesses for a plan (router.ts), and the one-pass scan that finds which of them
// a folded value holds. Index entries are codes: (rule position << 5) | clause number.
//   eq / bs / sl   exact value, last path component after '\\' or '/': one map lookup each;
//   single         1-character literals, by character code (exact);
//   short          2–3-character literals, by their first two characters packed (packChar);
//   sub            4+-character literals, by the hash of one 4-character gram (the plan picks the
//                  rarest among its literals), behind a bloom filter.
// Every hit is verified with startsWith, so a code is added only when its literal is in the value,
// and once per value however often the literal occurs (`seen` holds the scan that found it).
import { anchorPattern, anchorsFor } from './anchors.ts';
import type { ValueNotes } from './event-view.ts';
import { KEYWORD_FIELD, WITNESS_GRAM, type Witness } from './compile.ts';
import { ValueMemo, type MemoBudget } from './value-memo.ts';

export type Codes = number[];

export interface FieldIndex {
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
  /** A bit per gram hash in `sub`, sized to them by finishFieldIndex: most positions skip the Map. */
  subBloom: Int32Array;
  /** gramHash >>> subShift is the bloom bit (30 minus the bloom's bit count as a power of two). */
  subShift: number;
  /** 'sub' witnesses of 2 or 3 characters, by their first two characters packed (packChar). */
  short: Map<number, ShortLit[]>;
  /** A bit per key in `short` (65,536 bits, allocated when there is one). */
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

export const NO_CODES: Codes = [];
const NO_BITS = new Int32Array(0);
/** Every character the text of a number or boolean can hold (lower-cased: 1e+21, -infinity, nan, true, false). */
const SCALAR_TEXT_CHARS = '0123456789.-+einfatyrusl';

/** What the memo keeps per value: the codes found in it, its folded form, rule items' results. */
export interface MemoHit extends ValueNotes { readonly codes: Codes }

/** `seen`: the scan that last found it, so a literal's codes are added once per value however often it occurs. */
interface ShortLit { lit: string; codes: Codes; seen: number }

/** A literal, the offset of its indexed gram within it, and the codes it selects. */
interface SubNeedle { lit: string; off: number; codes: Codes; seen: number }

/**
 * Bloom filter bits per indexed gram, as a power of two between 2^10 and 2^20: small enough that a
 * field with a few literals costs a few hundred bytes (a plan has dozens of fields, and the tables
 * of all plans compete for the CPU cache), large enough to stay under ~2 % full.
 */
const BLOOM_BITS_PER_GRAM = 64;
const BLOOM_MIN_LOG2 = 10;
const BLOOM_MAX_LOG2 = 20;

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
function bloomHas(bloom: Int32Array, shift: number, h: number): boolean {
  const b = h >>> shift;
  return (bloom[b >>> 5] & (1 << (b & 31))) !== 0;
}
function packedAt(s: string, i: number): number {
  return (packChar(s.charCodeAt(i)) << 24) | (packChar(s.charCodeAt(i + 1)) << 16) | (packChar(s.charCodeAt(i + 2)) << 8) | packChar(s.charCodeAt(i + 3));
}

export function newFieldIndex(field: string, budget: MemoBudget): FieldIndex {
  return { field, eq: new Map(), bs: new Map(), sl: new Map(), sub: new Map(), subBloom: NO_BITS, subShift: 0, short: new Map(), shortBits: NO_BITS, single: new Map(), singleBits: NO_BITS, memo: new ValueMemo(budget) };
}

function push<K>(m: Map<K, Codes>, k: K, code: number): void {
  const l = m.get(k);
  if (!l) m.set(k, [code]);
  else if (l[l.length - 1] !== code) l.push(code);
}

/** File a witness under its code; `gramOffset` picks the gram of a 4+-character literal to file it by. */
export function indexWitness(fi: FieldIndex, w: Witness, code: number, gramOffset: (lit: string) => number): void {
  if (w.kind === 'sub' && w.value.length < WITNESS_GRAM) {
    const one = w.value.length === 1;
    const k = one ? w.value.charCodeAt(0) : (packChar(w.value.charCodeAt(0)) << 8) | packChar(w.value.charCodeAt(1));
    const m = one ? fi.single : fi.short;
    let l = m.get(k);
    if (one && fi.singleBits === NO_BITS) fi.singleBits = new Int32Array(2048);
    if (!one && fi.shortBits === NO_BITS) fi.shortBits = new Int32Array(2048);
    if (!l) { l = []; m.set(k, l); (one ? fi.singleBits : fi.shortBits)[k >>> 5] |= 1 << (k & 31); }
    let e = l.find((x) => x.lit === w.value);
    if (!e) { e = { lit: w.value, codes: [], seen: 0 }; l.push(e); }
    if (e.codes[e.codes.length - 1] !== code) e.codes.push(code);
  } else if (w.kind === 'sub') {
    const off = gramOffset(w.value);
    const h = gramHash(packedAt(w.value, off));
    let l = fi.sub.get(h);
    if (!l) { l = []; fi.sub.set(h, l); }
    let e = l.find((x) => x.lit === w.value);
    if (!e) { e = { lit: w.value, off, codes: [], seen: 0 }; l.push(e); }
    if (e.codes[e.codes.length - 1] !== code) e.codes.push(code);
  } else push(w.kind === 'eq' ? fi.eq : w.kind === 'base/' ? fi.sl : fi.bs, w.value, code);
}

/** After the last indexWitness: size and fill the gram bloom filter. */
export function finishFieldIndex(fi: FieldIndex): void {
  if (fi.sub.size === 0) return;
  const log2 = Math.min(BLOOM_MAX_LOG2, Math.max(BLOOM_MIN_LOG2, Math.ceil(Math.log2(fi.sub.size * BLOOM_BITS_PER_GRAM))));
  fi.subShift = 30 - log2;
  fi.subBloom = new Int32Array(1 << (log2 - 5));
  for (const h of fi.sub.keys()) {
    const b = h >>> fi.subShift;
    fi.subBloom[b >>> 5] |= 1 << (b & 31);
  }
  if (fi.field === KEYWORD_FIELD) screenKeywords(fi);
}

/** For the keyword index: the anchor screen (anchors.ts), when a few anchors cover its literals. */
function screenKeywords(kw: FieldIndex): void {
  if (kw.eq.size + kw.bs.size + kw.sl.size !== 0) return;
  const lits = [...[...kw.sub.values()].flat().map((n) => n.lit), ...[...kw.short.values(), ...kw.single.values()].flat().map((e) => e.lit)];
  const anchors = anchorsFor(lits);
  if (!anchors) return;
  kw.anchors = anchorPattern(anchors);
  kw.anchorsInScalars = anchors.some((a) => [...a].every((c) => SCALAR_TEXT_CHARS.includes(c)));
}

export function pushCodes(acc: Codes, l: Codes | undefined): void {
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

/** Scans values against field indexes, numbering the scans for the indexes' `seen` marks. */
export class LiteralScanner {
  /** Numbers the scans (ShortLit / SubNeedle `seen`, singleDone), from 1. */
  private scanId = 0;
  /** Per character code: the scan that already looked its one-character literals up. */
  private singleDone: Int32Array = NO_BITS;
  /** Every index this scanner has scanned with, to clear their marks before the number wraps. */
  private readonly indexes: () => Iterable<FieldIndex>;

  constructor(indexes: () => Iterable<FieldIndex>) {
    this.indexes = indexes;
  }

  /** Before the scan number wraps: forget every `seen`, so an old number cannot pass for a new one. */
  private resetSeen(): void {
    for (const fi of this.indexes()) {
      for (const m of [fi.short, fi.single]) for (const l of m.values()) for (const e of l) e.seen = 0;
      for (const l of fi.sub.values()) for (const e of l) e.seen = 0;
    }
    if (this.singleDone !== NO_BITS) this.singleDone.fill(0);
    this.scanId = 0;
  }

  /**
   * Every witness code of the field whose literal the folded value `f` holds, appended to `acc`: one
   * pass over the value, the last four characters packed in one integer, each position checked
   * against the 1-, 2- and 4-character tables behind bit filters, hits verified with startsWith.
   */
  scan(fi: FieldIndex, f: string, acc: Codes): void {
    if (fi.eq.size) pushCodes(acc, fi.eq.get(f));
    if (fi.bs.size) { const x = lastAfter(f, '\\'); if (x !== undefined) pushCodes(acc, fi.bs.get(x)); }
    if (fi.sl.size) { const x = lastAfter(f, '/'); if (x !== undefined) pushCodes(acc, fi.sl.get(x)); }
    const doSingle = fi.single.size > 0;
    const doShort = fi.short.size > 0;
    const doSub = fi.sub.size > 0;
    if (!doSingle && !doShort && !doSub) return;
    const { single, singleBits, short, shortBits, sub, subBloom, subShift } = fi;
    if (this.scanId === 0x7fffffff) this.resetSeen();
    const id = ++this.scanId;
    let packed = 0;
    // 256 KB, allocated by the first scan that needs it (many small routers never do).
    if (doSingle && this.singleDone === NO_BITS) this.singleDone = new Int32Array(65536);
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
        if (!bloomHas(subBloom, subShift, h)) continue;
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
}
