// Sigma string values parsed once into literal parts and wildcard tokens (pySigma `SigmaString`), and
// compiled into plain string checks. Escaping follows pySigma exactly: a backslash only escapes `*`,
// `?` and `\`; before any other character (or at the end of the value) it is a literal backslash.
// So `C:\Windows` needs no escaping, `\\*` is a literal backslash then a wildcard, `\\\*` a literal
// backslash then a literal star, and `\\\\` two backslashes.

/** Wildcard tokens. */
export const STAR = 1;
export const QMARK = 2;
export type Part = string | typeof STAR | typeof QMARK;

export interface SigmaString {
  parts: Part[];
  /**
   * The characters are bytes (each char code < 256), produced by utf16/wide modifiers; base64 then
   * encodes them as is instead of as UTF-8.
   */
  bytes?: boolean;
}

/** Parse a YAML string value into parts. `%name%` placeholders are not special here (see expand). */
export function parseSigmaString(s: string): SigmaString {
  const parts: Part[] = [];
  let acc = '';
  let escaped = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (escaped) {
      if (c === '*' || c === '?' || c === '\\') acc += c;
      else acc += '\\' + c;
      escaped = false;
    } else if (c === '\\') {
      escaped = true;
    } else if (c === '*' || c === '?') {
      if (acc) { parts.push(acc); acc = ''; }
      parts.push(c === '*' ? STAR : QMARK);
    } else {
      acc += c;
    }
  }
  if (escaped) acc += '\\';
  if (acc) parts.push(acc);
  // slice(): an array grown by push keeps room for 17 entries; SigmaHQ's corpus holds ~45,000 parts lists.
  return { parts: parts.slice() };
}

export function plainString(s: string): SigmaString {
  return { parts: s ? [s] : [] };
}

export function hasWildcards(v: SigmaString): boolean {
  return v.parts.some((p) => typeof p !== 'string');
}

export function startsWithStar(v: SigmaString): boolean {
  return v.parts[0] === STAR;
}

export function endsWithStar(v: SigmaString): boolean {
  return v.parts[v.parts.length - 1] === STAR;
}

/** The value written back in Sigma syntax (for explanations). */
export function sigmaStringText(v: SigmaString): string {
  let out = '';
  for (const p of v.parts) {
    if (p === STAR) out += '*';
    else if (p === QMARK) out += '?';
    else out += p.replace(/\\/g, '\\\\').replace(/\*/g, '\\*').replace(/\?/g, '\\?');
  }
  return out;
}

/** The literal text when the value has no wildcards. */
export function literalText(v: SigmaString): string {
  return v.parts.map((p) => (typeof p === 'string' ? p : p === STAR ? '*' : '?')).join('');
}

/** Map every literal part (windash, utf16 …), keeping wildcards. */
export function mapLiterals(v: SigmaString, f: (s: string) => string): SigmaString {
  return { parts: v.parts.map((p) => (typeof p === 'string' ? f(p) : p)), bytes: v.bytes };
}

export function concatParts(parts: Part[]): SigmaString {
  const out: Part[] = [];
  for (const p of parts) {
    if (typeof p === 'string' && typeof out[out.length - 1] === 'string') out[out.length - 1] = (out[out.length - 1] as string) + p;
    else if (p !== '') out.push(p);
  }
  return { parts: out.slice() };
}

/** A compiled check on one string (already case-folded when the matcher is case-insensitive). */
export type StringTest = (s: string) => boolean;

export interface CompiledString {
  test: StringTest;
  /** How it was compiled: exact, prefix, suffix, contains, segments, regexp (for stats and tests). */
  kind: 'exact' | 'prefix' | 'suffix' | 'contains' | 'segments' | 'regexp' | 'any';
  /** A literal every matching value must contain (folded), for the router; '' when none. */
  witness: string;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Compile a Sigma string into a test. `fold` lower-cases the literal parts (the caller passes the
 * lower-cased event value). Plain `*` wildcards become prefix/suffix/contains/segment checks; only
 * `?` needs a RegExp.
 */
export function compileSigmaString(v: SigmaString, fold: boolean): CompiledString {
  const parts = v.parts.map((p) => (typeof p === 'string' && fold ? p.toLowerCase() : p));
  const lits = parts.filter((p): p is string => typeof p === 'string');
  const witness = lits.reduce((a, b) => (b.length > a.length ? b : a), '');
  if (parts.length === 0) return { test: (s) => s === '', kind: 'exact', witness };
  if (parts.includes(QMARK)) {
    let src = '^';
    for (const p of parts) src += p === STAR ? '.*' : p === QMARK ? '.' : escapeRegExp(p);
    const re = new RegExp(src + '$', 's');
    return { test: (s) => re.test(s), kind: 'regexp', witness };
  }
  if (parts.length === 1) {
    const p = parts[0];
    if (p === STAR) return { test: () => true, kind: 'any', witness };
    const lit = p as string;
    return { test: (s) => s === lit, kind: 'exact', witness };
  }
  // Only STAR wildcards from here on; collapse runs of stars.
  const segs: string[] = [];
  const anchoredStart = parts[0] !== STAR;
  const anchoredEnd = parts[parts.length - 1] !== STAR;
  for (const p of parts) if (typeof p === 'string') segs.push(p);
  if (segs.length === 0) return { test: () => true, kind: 'any', witness };
  if (segs.length === 1) {
    const lit = segs[0];
    if (anchoredStart && !anchoredEnd) return { test: (s) => s.startsWith(lit), kind: 'prefix', witness };
    if (!anchoredStart && anchoredEnd) return { test: (s) => s.endsWith(lit), kind: 'suffix', witness };
    if (!anchoredStart && !anchoredEnd) return { test: (s) => s.includes(lit), kind: 'contains', witness };
  }
  const first = segs[0];
  const last = segs[segs.length - 1];
  const minLen = segs.reduce((n, x) => n + x.length, 0);
  const test = (s: string): boolean => {
    if (s.length < minLen) return false;
    let pos = 0;
    let i = 0;
    let end = s.length;
    if (anchoredStart) {
      if (!s.startsWith(first)) return false;
      pos = first.length;
      i = 1;
    }
    let n = segs.length;
    if (anchoredEnd) {
      if (!s.endsWith(last)) return false;
      end = s.length - last.length;
      n--;
      if (end < pos) return false;
    }
    for (; i < n; i++) {
      const at = s.indexOf(segs[i], pos);
      if (at < 0 || at + segs[i].length > end) return false;
      pos = at + segs[i].length;
    }
    return true;
  };
  return { test, kind: 'segments', witness };
}

/**
 * An OR over many Sigma strings (one detection item's value list), compiled for speed: exact values
 * become one Set lookup, `*\name` suffixes one lookup of the value's last path component, and
 * `*literal*` values a table keyed by their first 4 characters (or first character, for shorter
 * ones) scanned once over the value (a small multi-pattern search); everything else is tested one
 * by one. Same answers as testing each value.
 */
/** A number for the 4 characters at i (collisions are harmless: callers verify with startsWith). */
export function gramKey(s: string, i: number): number {
  // Kept within 30 bits so the key stays a small integer (no heap number, fast Map hashing).
  return (((((s.charCodeAt(i) * 65599 + s.charCodeAt(i + 1)) & 0x3fffffff) * 65599 + s.charCodeAt(i + 2)) & 0x3fffffff) * 65599 + s.charCodeAt(i + 3)) & 0x3fffffff;
}

/**
 * Which 4-character grams (hashed to 16 bits) occur in a string: one pass over the string, shared by
 * every rule that tests the same field value of the same event (a small pool keyed by the string
 * itself). A clear slot proves a gram absent; a set slot is only a hint, verified with includes().
 */
const GRAM_SLOTS = 1 << 16;
const POOL = 8;
const poolStr: (string | undefined)[] = new Array<string | undefined>(POOL).fill(undefined);
const poolStamp: Int32Array[] = Array.from({ length: POOL }, () => new Int32Array(GRAM_SLOTS));
const poolGen = new Int32Array(POOL);
/** Whether the pooled string has a character above U+00FF. */
const poolWide = new Uint8Array(POOL);
let poolNext = 0;

export function gramSlot(key: number): number {
  return (key ^ (key >>> 16)) & (GRAM_SLOTS - 1);
}

/** The pool entry for s (indexed on first request). */
function gramTable(s: string): number {
  for (let i = 0; i < POOL; i++) if (poolStr[i] === s) return i;
  const t = poolNext;
  poolNext = (poolNext + 1) % POOL;
  const gen = (poolGen[t] = (poolGen[t] + 1) | 0) === 0 ? (poolGen[t] = 1) : poolGen[t];
  if (gen === 1) poolStamp[t].fill(0);
  const st = poolStamp[t];
  let max = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > max) max = c;
    if (i + 4 <= s.length) st[gramSlot(gramKey(s, i))] = gen;
  }
  poolWide[t] = max > 0xff ? 1 : 0;
  poolStr[t] = s;
  return t;
}

function isWide(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) return true;
  return false;
}

/** Strings shorter than this are scanned directly (indexing them costs more than it saves). */
const INDEX_MIN = 160;
const BLOOM_MASK = 127;

interface Needle { lit: string; off: number }

export function compileStringSet(values: SigmaString[], fold: boolean): StringTest {
  if (values.length < 6) {
    const fns = values.map((v) => compileSigmaString(v, fold).test);
    return (s) => { for (let i = 0; i < fns.length; i++) if (fns[i](s)) return true; return false; };
  }
  const exact = new Set<string>();
  const base = new Set<string>();
  const long: string[] = [];
  const short: string[] = [];
  const shortWide: string[] = [];
  const rest: StringTest[] = [];
  values.forEach((v) => {
    const parts = v.parts.map((p) => (typeof p === 'string' && fold ? p.toLowerCase() : p));
    if (parts.length === 1 && typeof parts[0] === 'string') { exact.add(parts[0]); return; }
    if (parts.length === 2 && parts[0] === STAR && typeof parts[1] === 'string') {
      const lit = parts[1];
      if (lit.length > 1 && lit.lastIndexOf('\\') === 0) { base.add(lit.slice(1)); return; }
    }
    if (parts.length === 3 && parts[0] === STAR && parts[2] === STAR && typeof parts[1] === 'string' && parts[1].length > 0) {
      const lit = parts[1];
      if (lit.length >= 4) long.push(lit);
      else if (isWide(lit)) shortWide.push(lit);
      else short.push(lit);
      return;
    }
    rest.push(compileSigmaString(v, fold).test);
  });
  // Each long literal is filed under its rarest 4-character gram within this set (so a common
  // prefix such as "md5=" does not put every literal in one bucket).
  const freq = new Map<number, number>();
  for (const lit of long) for (let i = 0; i + 4 <= lit.length; i++) { const g = gramKey(lit, i); freq.set(g, (freq.get(g) ?? 0) + 1); }
  const grams = new Map<number, Needle[]>();
  for (const lit of long) {
    let best = 0;
    let n = Infinity;
    for (let i = 0; i + 4 <= lit.length; i++) { const c = freq.get(gramKey(lit, i))!; if (c < n) { n = c; best = i; } }
    const g = gramKey(lit, best);
    const l = grams.get(g);
    if (l) l.push({ lit, off: best }); else grams.set(g, [{ lit, off: best }]);
  }
  const hasExact = exact.size > 0;
  const hasBase = base.size > 0;
  const hasGrams = grams.size > 0;
  const hasShortWide = shortWide.length > 0;
  // Needle-driven form of the gram table: slot of each first gram, and the literals filed under it.
  // A 4096-bit filter of the filed grams, so most positions of a short string cost no Map lookup.
  const bloom = new Int32Array(BLOOM_MASK + 1);
  for (const k of grams.keys()) bloom[(k >>> 5) & BLOOM_MASK] |= 1 << (k & 31);
  const gSlots = Int32Array.from([...grams.keys()].map(gramSlot));
  const gLits = [...grams.values()];
  const nG = gSlots.length;
  return (s) => {
    if (hasExact && exact.has(s)) return true;
    if (hasBase) {
      const at = s.lastIndexOf('\\');
      if (at >= 0 && base.has(s.slice(at + 1))) return true;
    }
    if (hasGrams && s.length >= 4) {
      if (s.length < INDEX_MIN) {
        for (let i = 0; i + 4 <= s.length; i++) {
          const k = gramKey(s, i);
          if ((bloom[(k >>> 5) & BLOOM_MASK] & (1 << (k & 31))) === 0) continue;
          const l = grams.get(k);
          if (l) for (const nd of l) if (i >= nd.off && s.startsWith(nd.lit, i - nd.off)) return true;
        }
      } else {
        const t = gramTable(s);
        const st = poolStamp[t];
        const gen = poolGen[t];
        for (let k = 0; k < nG; k++) {
          if (st[gSlots[k]] !== gen) continue;
          const l = gLits[k];
          for (let j = 0; j < l.length; j++) if (s.includes(l[j].lit)) return true;
        }
      }
    }
    for (let i = 0; i < short.length; i++) if (s.includes(short[i])) return true;
    if (hasShortWide && (s.length >= INDEX_MIN ? poolWide[gramTable(s)] === 1 : isWide(s))) {
      for (let i = 0; i < shortWide.length; i++) if (s.includes(shortWide[i])) return true;
    }
    for (let i = 0; i < rest.length; i++) if (rest[i](s)) return true;
    return false;
  };
}
