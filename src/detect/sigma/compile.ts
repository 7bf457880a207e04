// Rule detection → closures. Each detection item becomes one test over an EventView; selections are
// ANDs (maps) or ORs (lists) of items; the condition tree becomes nested closures over selections.
// Case folding of rule values happens here, once; the event side folds each field at most once
// (EventView). Plain wildcards are prefix/suffix/contains/segment checks (strings.ts).
// Every item also knows how to explain itself (which value matched) for Alert.why.
import type { ErrorCode, FieldValue, MatchReason } from '../../core/index.ts';
import { type CondNode, ConditionError, expandPattern, parseCondition } from './condition.ts';
import { applyModifiers, ModifierError, type ModifierContext, type TimePart, type Val, type ValueGroup } from './modifiers.ts';
import { compileSigmaString, compileStringSet, STAR, type SigmaString, endsWithStar, startsWithStar } from './strings.ts';
import { cidrContains } from './cidr.ts';
import { guardedTest } from './linear-regex.ts';
import { EventView, scalarText } from './event-view.ts';

export type YamlPath = (string | number)[];

/** A problem found while compiling, located by its path in the YAML document. */
export interface CompileProblem { code: ErrorCode; message: string; path: YamlPath; column?: number; onKey?: boolean }

/**
 * A necessary literal condition for the router: the field's folded value equals `value` ('eq'), or
 * the part after its last backslash ('base\\') or slash ('base/') equals `value`, or the folded
 * value contains `value` ('sub', any non-empty literal; the router indexes those of WITNESS_GRAM or
 * more characters by a gram and shorter ones by their first character). A list of
 * witnesses means at least one holds whenever the rule matches.
 */
export interface Witness { field: string; kind: 'eq' | 'base\\' | 'base/' | 'sub'; value: string }

/** Shortest literal a 'sub' witness may carry (the router indexes substrings of this length). */
export const WITNESS_GRAM = 4;

/** The witness field name standing for every value of the event (keywords): EventView.keywordJoined(). */
export const KEYWORD_FIELD = '\u0000keywords';

type AltTest = (s: string | undefined, f: string | undefined, raw: FieldValue | undefined, view: EventView) => boolean;

export interface CompiledItem {
  field: string | null;
  modifiers: string[];
  test(view: EventView): boolean;
  /** The value (as written) that matched, or undefined. */
  explain(view: EventView): string | undefined;
  /** When the item can only match these exact EventID texts (router); undefined = anything. */
  eventIds?: string[];
  witness?: Witness[];
  /** Independent necessary witness lists (each holds when the item matches); see `Clauses`. */
  clauses?: Clauses;
}

export interface CompiledSelection {
  name: string;
  test(view: EventView): boolean;
  explain(view: EventView): MatchReason[];
  /** Necessary EventID values of this selection, or undefined if unconstrained. */
  eventIds?: Set<string>;
  witness?: Witness[];
  clauses?: Clauses;
}

export interface CompiledDetection {
  test(view: EventView): boolean;
  explain(view: EventView): MatchReason[];
  /** Necessary EventID values for the whole condition, or undefined (router). */
  eventIds?: Set<string>;
  witness?: Witness[];
  /** Up to MAX_CLAUSES necessary witness lists, most selective first (witness is the first). */
  clauses?: Clauses;
  selections: Map<string, CompiledSelection>;
}

// ---------------------------------------------------------------------------------------------
// Regular expressions: the spec's PCRE subset, written for Python's `re` in practice. Translate
// the few Python-only spellings; anything JavaScript cannot compile is SIGMA_BAD_REGEX.

export function translateRegex(src: string, flags: string): { source: string; flags: string } {
  let s = src;
  let f = flags;
  // Leading global inline flags (?i) (?s) (?m) (?is) …
  const lead = /^\(\?([imsx]+)\)/.exec(s);
  if (lead) {
    if (lead[1].includes('x')) throw new Error('verbose (?x) regular expressions are not supported');
    for (const c of lead[1]) if (!f.includes(c)) f += c;
    s = s.slice(lead[0].length);
  }
  s = s.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  s = s.replace(/\\A/g, '^').replace(/\\Z/g, '$');
  return { source: s, flags: f };
}

export function compileRegex(src: string, flags: string): RegExp {
  const t = translateRegex(src, flags);
  try {
    return new RegExp(t.source, t.flags);
  } catch {
    // Some patterns only compile in Unicode mode (\p{…}); some only without it.
    return new RegExp(t.source, t.flags + 'u');
  }
}

// ---------------------------------------------------------------------------------------------
// Dates for the time-part modifiers. Strings without a zone are read as UTC ("not designed to
// handle timezone conversions", spec); numbers are epoch seconds below 1e11, else milliseconds.

function toDate(raw: FieldValue | undefined): Date | undefined {
  let ms: number;
  if (typeof raw === 'number') ms = Math.abs(raw) < 1e11 ? raw * 1000 : raw;
  else if (typeof raw === 'string') {
    let t = raw.trim();
    if (/^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(t)) t = t.replace(' ', 'T') + 'Z';
    ms = Date.parse(t);
  } else return undefined;
  if (!Number.isFinite(ms)) return undefined;
  return new Date(ms);
}

export function timePartOf(d: Date, part: TimePart): number {
  switch (part) {
    case 'minute': return d.getUTCMinutes();
    case 'hour': return d.getUTCHours();
    case 'day': return d.getUTCDate();
    case 'month': return d.getUTCMonth() + 1;
    case 'year': return d.getUTCFullYear();
    case 'week': {
      // ISO 8601 week number.
      const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
      const day = t.getUTCDay() || 7;
      t.setUTCDate(t.getUTCDate() + 4 - day);
      const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
      return Math.ceil(((t.getTime() - yearStart) / 86400000 + 1) / 7);
    }
  }
}

const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
function numberOf(s: string | undefined, raw: FieldValue | undefined): number | undefined {
  if (typeof raw === 'number') return raw;
  if (s === undefined || !NUMERIC.test(s)) return undefined;
  return Number(s);
}

function cmpTest(op: 'gt' | 'gte' | 'lt' | 'lte', a: number, b: number): boolean {
  switch (op) {
    case 'gt': return a > b;
    case 'gte': return a >= b;
    case 'lt': return a < b;
    case 'lte': return a <= b;
  }
}

function altTest(v: Val, cased: boolean, timePart: TimePart | undefined): AltTest {
  if (timePart) {
    return (_s, _f, raw) => {
      const d = toDate(raw);
      if (!d) return false;
      const n = timePartOf(d, timePart);
      if (v.k === 'num') return n === v.n;
      if (v.k === 'cmp') return cmpTest(v.op, n, v.n);
      return false;
    };
  }
  switch (v.k) {
    case 'str': {
      const c = compileSigmaString(v.s, !cased);
      const t = c.test;
      return cased ? (s) => s !== undefined && t(s) : (_s, f) => f !== undefined && t(f);
    }
    case 'num': {
      const text = v.text;
      return (s, _f, raw) => (typeof raw === 'number' ? raw === v.n : s === text);
    }
    case 'bool': {
      const text = v.b ? 'true' : 'false';
      return (s) => s !== undefined && s.toLowerCase() === text;
    }
    case 'null':
      return (_s, _f, raw) => raw === undefined || raw === null;
    case 're': {
      const test = guardedTest(compileRegex(v.src, v.flags));
      return (s) => s !== undefined && test(s);
    }
    case 'cidr':
      return (s) => s !== undefined && cidrContains(v.net, s);
    case 'ref': {
      const other = v.field;
      const mode = v.mode;
      return (s, f, _raw, view) => {
        if (s === undefined) return false;
        const a = cased ? s : f!;
        const b = cased ? view.str(other) : view.folded(other);
        if (b === undefined) return false;
        switch (mode) {
          case 'eq': return a === b;
          case 'contains': return a.includes(b);
          case 'startswith': return a.startsWith(b);
          case 'endswith': return a.endsWith(b);
        }
      };
    }
    case 'cmp':
      return (s, _f, raw) => {
        const n = numberOf(s, raw);
        return n !== undefined && cmpTest(v.op, n, v.n);
      };
    case 'exists':
      return (_s, _f, raw) => (raw !== undefined) === v.b;
  }
}

function keywordVal(v: Val): Val {
  // Keywords search every value of the event: a plain keyword is a substring (implicit *…*).
  if (v.k === 'num') v = { k: 'str', s: { parts: [v.text] } };
  if (v.k === 'bool') v = { k: 'str', s: { parts: [v.b ? 'true' : 'false'] } };
  if (v.k !== 'str') return v;
  const parts = [...v.s.parts];
  if (!startsWithStar(v.s)) parts.unshift(STAR);
  if (!endsWithStar(v.s)) parts.push(STAR);
  return { k: 'str', s: { parts, bytes: v.s.bytes } as SigmaString };
}

export function compileItem(field: string | null, mods: string[], rawValues: unknown[], ctx: ModifierContext): CompiledItem {
  const { groups, flags } = applyModifiers(mods, rawValues, ctx);
  if (flags.all && rawValues.length < 2 && field !== null) {
    // Spec: `all` is for value lists. A single value is harmless (all of one = that one).
  }
  const neq = flags.neq;
  const cased = flags.cased;
  const buildGroupTests = (): { source: string; tests: AltTest[] }[] => groups.map((g: ValueGroup) => ({
    source: g.source,
    tests: g.alts.map((a) => {
      const v = field === null ? keywordVal(a) : a;
      if (field === null && v.k !== 'str' && v.k !== 're') {
        throw new ModifierError('SIGMA_BAD_VALUE', `a keyword (field-less) value must be a string or pattern, not ${v.k}`);
      }
      try {
        return altTest(v, cased, flags.timePart);
      } catch (e) {
        if (e instanceof ModifierError) throw e;
        throw new ModifierError('SIGMA_BAD_REGEX', `invalid regular expression ${JSON.stringify((a as { src?: string }).src ?? '')}: ${(e as Error).message}`);
      }
    }),
  }));
  // Plain case-insensitive string items (most of SigmaHQ) run through one compiled value set; their
  // per-value tests are only needed to explain a match or for array fields, so they are built on
  // first use. Everything else is built (and its regexes checked) now.
  const lazyStr = !cased && !flags.timePart && groups.every((g) => g.alts.every((a) => a.k === 'str'));
  let groupTestsCache = lazyStr ? undefined : buildGroupTests();
  const gt = (): { source: string; tests: AltTest[] }[] => (groupTestsCache ??= buildGroupTests());
  let flatCache: AltTest[] | undefined;
  const flatTests = (): AltTest[] => (flatCache ??= gt().flatMap((g) => g.tests));
  const all = flags.all;
  const isExists = groups.length === 1 && groups[0].alts.length === 1 && groups[0].alts[0].k === 'exists';
  const hasNull = groups.some((g) => g.alts.some((a) => a.k === 'null'));
  const onlyFoldedStr = !cased && !flags.timePart && !hasNull && groups.every((g) => g.alts.every((a) => a.k === 'str'));

  // Does one scalar (s, f, raw) satisfy the item (before neq)?
  const scalarOk = (s: string | undefined, f: string | undefined, raw: FieldValue | undefined, view: EventView): boolean => {
    if (all) {
      for (const g of gt()) {
        let ok = false;
        for (const t of g.tests) if (t(s, f, raw, view)) { ok = true; break; }
        if (!ok) return false;
      }
      return true;
    }
    for (const t of flatTests()) if (t(s, f, raw, view)) return true;
    return false;
  };
  // Array values: any element satisfies (with `all`: every value group is satisfied by some element).
  const arrayOk = (arr: FieldValue[], view: EventView): boolean => {
    const elems = arr.map((x) => { const s = scalarText(x); return { s, f: s?.toLowerCase(), raw: x }; });
    if (all) return gt().every((g) => elems.some((e) => g.tests.some((t) => t(e.s, e.f, e.raw, view))));
    const flat = flatTests();
    return elems.some((e) => flat.some((t) => t(e.s, e.f, e.raw, view)));
  };

  let positive: (view: EventView) => boolean;
  if (field === null) {
    const kwStr = !all && !cased && groups.every((g) => g.alts.every((a) => keywordVal(a).k === 'str'));
    let anyKw: ((s: string) => boolean) | undefined;
    // All values `*literal*` (without NUL): test the NUL-joined folded values once.
    const kwJoin = kwStr && groups.every((g) => g.alts.every((a) => {
      const p = (keywordVal(a) as { s: SigmaString }).s.parts;
      return p.length === 3 && p[0] === STAR && p[2] === STAR && typeof p[1] === 'string' && p[1].length > 0 && !p[1].includes('\u0000');
    }));
    if (kwJoin) {
      let joined: ((s: string) => boolean) | undefined;
      positive = (view) => {
        joined ??= compileStringSet(groups.flatMap((g) => g.alts.map((a) => (keywordVal(a) as { s: SigmaString }).s)), true);
        return joined(view.keywordJoined());
      };
    } else positive = (view) => {
      const kv = view.keywordValues();
      if (kwStr) anyKw ??= compileStringSet(groups.flatMap((g) => g.alts.map((a) => (keywordVal(a) as { s: SigmaString }).s)), true);
      if (anyKw) { for (let i = 0; i < kv.f.length; i++) if (anyKw(kv.f[i])) return true; return false; }
      if (all) return gt().every((g) => kv.s.some((s, i) => g.tests.some((t) => t(s, kv.f[i], s, view))));
      const flat = flatTests();
      for (let i = 0; i < kv.s.length; i++) for (const t of flat) if (t(kv.s[i], kv.f[i], kv.s[i], view)) return true;
      return false;
    };
  } else if (isExists) {
    const want = (groups[0].alts[0] as { b: boolean }).b;
    positive = (view) => (view.get(field) !== undefined) === want;
  } else if (onlyFoldedStr && !all) {
    // Built on first use: rules the router never selects cost nothing more (string sets cannot fail).
    let anyOf: ((s: string) => boolean) | undefined;
    positive = (view) => {
      const f = view.folded(field);
      if (f === undefined) {
        const raw = view.get(field);
        return Array.isArray(raw) ? arrayOk(raw, view) : false;
      }
      anyOf ??= compileStringSet(groups.flatMap((g) => g.alts.map((a) => (a as { s: SigmaString }).s)), true);
      return anyOf(f);
    };
  } else {
    positive = (view) => {
      const raw = view.get(field);
      if (Array.isArray(raw)) return arrayOk(raw, view);
      const s = view.str(field);
      if (s === undefined && !hasNull && !flags.timePart && !isExists) return false;
      const f = s === undefined || cased ? undefined : view.folded(field);
      return scalarOk(s, f, raw, view);
    };
  }
  const direct = neq ? (view: EventView) => !positive(view) : positive;
  // A fieldref item reads a second field; every other item with a field depends on its value alone.
  const valueOnly = field !== null && !groups.some((g) => g.alts.some((a) => a.k === 'ref'));
  const test = valueOnly ? memoItemTest(field, direct) : direct;

  let explained: Map<string, string> | undefined;
  const explain = (view: EventView): string | undefined => {
    if (!test(view)) return undefined;
    if (neq) return groups.map((g) => g.source).join(', ');
    if (field === null) {
      const kv = view.keywordValues();
      for (const g of gt()) if (kv.s.some((s, i) => g.tests.some((t) => t(s, kv.f[i], s, view)))) return g.source;
      return undefined;
    }
    const raw = view.get(field);
    // Which value matched depends on the field's value alone (valueOnly): remembered per string
    // value, as finding it runs the value's tests one by one (a list of 30 paths, 30 tests).
    const key = valueOnly && typeof raw === 'string' && raw.length <= EXPLAINED_MAX_LEN ? raw : undefined;
    if (key !== undefined) {
      const known = explained?.get(key);
      if (known !== undefined) return known;
    }
    const s = view.str(field);
    const f = view.folded(field);
    const matched: string[] = [];
    for (const g of gt()) {
      const ok = Array.isArray(raw)
        ? raw.some((x) => { const xs = scalarText(x); return g.tests.some((t) => t(xs, xs?.toLowerCase(), x, view)); })
        : g.tests.some((t) => t(s, f, raw, view));
      if (ok) { matched.push(g.source); if (!all) break; }
    }
    const out = matched.join(', ') || groups.map((g) => g.source).join(', ');
    if (key !== undefined) {
      explained ??= new Map();
      if (explained.size >= EXPLAINED_MAX) explained.clear();
      explained.set(key, out);
    }
    return out;
  };

  let eventIds: string[] | undefined;
  const digits = (a: Val): boolean => (a.k === 'num' && /^\d+$/.test(a.text)) || (a.k === 'str' && a.s.parts.length === 1 && typeof a.s.parts[0] === 'string' && /^\d+$/.test(a.s.parts[0]));
  if (field === 'EventID' && !neq && mods.length === 0 && groups.every((g) => g.alts.every(digits))) {
    if (!all || groups.length === 1) {
      eventIds = groups.flatMap((g) => g.alts.map((a) => (a.k === 'num' ? a.text : (a as { s: SigmaString }).s.parts[0] as string)));
    }
  }
  let witness: Witness[] | undefined;
  let clauses: Clauses | undefined;
  if (!neq && !flags.timePart && groups.length > 0) {
    // Without `all` one value (of any group) holds; with `all` every group holds, each on its own.
    const pick = all ? groups.map((g) => [g]) : [groups];
    const found: Clauses = [];
    for (const gs of pick) {
      const ws: Witness[] = [];
      let ok = true;
      for (const g of gs) for (const a of g.alts) {
        // A keyword's literal must occur in one value, so in the NUL-joined folded values.
        const w = field === null ? altWitness(KEYWORD_FIELD, keywordVal(a)) : altWitness(field, a);
        if (!w || (field === null && w.kind !== 'sub')) { ok = false; break; }
        ws.push(w);
      }
      if (ok && ws.length) found.push(ws.slice());
    }
    if (found.length) {
      witness = found[0];
      if (found.length > 1) clauses = found;
    }
  }
  return { field, modifiers: mods, test, explain, eventIds, witness, ...(clauses ? { clauses } : {}) };
}

/** Per item: string values whose explanation is remembered (at most), and their longest length. */
const EXPLAINED_MAX = 256;
const EXPLAINED_MAX_LEN = 1024;

/** Items compiled so far: each item's id for the per-value results memo. */
let itemCount = 0;
/** Results kept per value: a value most items have tested keeps testing the rest directly. */
const ITEM_RESULTS_MAX = 16;

/**
 * An item test that depends on one field's value only, remembered per value: the router's memo entry
 * for the event's string value (EventView.valueNotes) keeps this item's result, so a command line seen
 * before is not tested again by the same item (values repeat: images, command lines, users). No entry
 * (the field is not indexed, or its value is not a string): the test runs.
 */
function memoItemTest(field: string, test: (view: EventView) => boolean): (view: EventView) => boolean {
  const id = ++itemCount;
  const yes = id;
  const no = -id;
  return (view) => {
    const notes = view.valueNotes(field);
    if (notes === undefined) return test(view);
    const rs = notes.results;
    if (rs !== undefined) {
      for (let i = 0; i < rs.length; i++) {
        const r = rs[i];
        if (r === yes) return true;
        if (r === no) return false;
      }
    }
    const ok = test(view);
    if (rs === undefined) notes.results = [ok ? yes : no];
    else if (rs.length < ITEM_RESULTS_MAX) rs.push(ok ? yes : no);
    return ok;
  };
}

/**
 * The longest literal every match of a regular expression must contain, or '' when unsure: runs of
 * plain characters at the top level (outside groups and classes), a quantified character excluded;
 * a top-level alternation gives up. Used only as a router witness (a necessary condition).
 */
export function regexLiteral(src: string): string {
  let best = '';
  let run = '';
  let depth = 0;
  const end = (): void => { if (run.length > best.length) best = run; run = ''; };
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    const next = src[i + 1];
    let lit: string | undefined;
    if (c === '\\') {
      if (next === undefined || /[A-Za-z0-9]/.test(next)) {
        // A class or escape sequence: skip all of it (\x41, \u{…}, \p{…}, \k<…>, \cX, \12).
        end();
        i++;
        const open = src[i + 1];
        if (next === 'x') i += 2;
        else if ((next === 'u' || next === 'p' || next === 'P') && open === '{') { const close = src.indexOf('}', i); i = close < 0 ? src.length : close; }
        else if (next === 'u') i += 4;
        else if (next === 'k' && open === '<') { const close = src.indexOf('>', i); i = close < 0 ? src.length : close; }
        else if (next === 'c') i += 1;
        else if (/[0-9]/.test(next)) while (/[0-9]/.test(src[i + 1] ?? '')) i++;
        continue;
      }
      lit = next;
      i++;
    } else if (c === '|') {
      // Alternation at the top level: no literal is required. Inside a group it only affects the
      // group, whose contents are not relied on anyway.
      if (depth === 0) return '';
      continue;
    } else if (c === '(') { end(); depth++; continue; }
    else if (c === ')') { end(); depth = Math.max(0, depth - 1); continue; }
    else if (c === '[') {
      end();
      // skip the class
      let j = i + 1;
      if (src[j] === '^') j++;
      if (src[j] === ']') j++;
      while (j < src.length && src[j] !== ']') j += src[j] === '\\' ? 2 : 1;
      i = j;
      continue;
    } else if ('.^$'.includes(c)) { end(); continue; }
    else if (c === '{') {
      end();
      const close = src.indexOf('}', i);
      if (close > i) i = close;
      continue;
    } else if ('*+?'.includes(c)) { end(); continue; }
    else lit = c;
    if (depth > 0) continue;
    const q = src[i + 1];
    if (q === '*' || q === '?' || q === '{') { end(); continue; }
    run += lit;
    if (q === '+') end();
  }
  end();
  return best;
}

function altWitness(field: string, a: Val): Witness | undefined {
  if (a.k === 'num') return { field, kind: 'eq', value: a.text };
  if (a.k === 're') {
    const lit = regexLiteral(a.src.replace(/^\(\?[ims]+\)/, ''));
    return lit.length > 0 && !SIGMA_CHARS.test(lit) ? { field, kind: 'sub', value: lit.toLowerCase() } : undefined;
  }
  if (a.k !== 'str' || a.s.bytes) return undefined;
  const p = a.s.parts;
  if (p.length === 1 && typeof p[0] === 'string') return { field, kind: 'eq', value: p[0].toLowerCase() };
  if (p.length === 2 && p[0] === STAR && typeof p[1] === 'string') {
    const lit = p[1].toLowerCase();
    for (const sep of ['\\', '/'] as const) {
      const at = lit.lastIndexOf(sep);
      if (at >= 0 && at < lit.length - 1) return { field, kind: sep === '/' ? 'base/' : 'base\\', value: lit.slice(at + 1) };
    }
  }
  // Otherwise: the longest literal run must occur in the folded value (QMARK splits runs too).
  let best = '';
  for (const x of p) if (typeof x === 'string' && x.length > best.length) best = x;
  if (best.length > 0 && !SIGMA_CHARS.test(best)) return { field, kind: 'sub', value: best.toLowerCase() };
  return undefined;
}

/** Greek sigma folds by context (final ς), so a literal with it is no safe substring witness. */
const SIGMA_CHARS = /[Σσς]/;

/**
 * How likely a witness list lets an event through (lower is better), so AND picks the most selective
 * side: an exact value or path component is rare; a substring the rarer the longer it is; a file
 * extension (".exe") is in almost every path.
 */
function subCost(v: string): number {
  if (v.length < WITNESS_GRAM) return 48;
  if (v.length <= 5) return v[0] === '.' ? 64 : 12;
  if (v.length <= 7) return 5;
  return 3;
}
function cost(ws: Witness[]): number {
  let c = 0;
  // EventID is routed on already (each plan is for one EventID), so its witnesses narrow nothing.
  for (const w of ws) c += w.field === 'EventID' ? 100 : w.kind === 'sub' ? subCost(w.value) : 1;
  return c;
}

/**
 * A conjunction of witness lists: the rule can match only when every list has a witness present
 * (AND keeps each side's list instead of only the cheapest; OR keeps the unions of one list per
 * branch, orC, beside `witness`, the union of each branch's narrowest list).
 */
export type Clauses = Witness[][];
/** Most clauses a rule carries to the router (the router tracks them in one 32-bit mask). */
export const MAX_CLAUSES = 4;
interface HasW { witness?: Witness[]; clauses?: Clauses }
function clausesOf(x: HasW): Clauses | undefined {
  return x.clauses ?? (x.witness ? [x.witness] : undefined);
}
/** AND of parts: every part's clauses (undefined when no part is constrained). */
function andC(parts: HasW[]): Clauses | undefined {
  const out: Clauses = [];
  for (const p of parts) { const c = clausesOf(p); if (c) out.push(...c); }
  return out.length > 1 ? out : undefined;
}
/**
 * OR of parts in conjunctive form: (A1 ∧ A2) ∨ (B1 ∧ B2) holds only if every (Ai ∨ Bj) does, so each
 * combination of one clause per part, unioned, is a necessary list. Keeps `1 of selection_*` with a
 * common side (`Image|contains: '\Windows\'`) selective through its rarer side. Each part is cut to
 * its cheapest clauses first so the product stays within MAX_OR_PRODUCT.
 */
const MAX_OR_PRODUCT = 16;
function orC(parts: HasW[]): Clauses | undefined {
  const lists = parts.map(clausesOf);
  if (lists.some((c) => c === undefined) || lists.every((c) => c!.length < 2)) return undefined;
  let keep = MAX_CLAUSES;
  const product = (k: number): number => lists.reduce((n, c) => n * Math.min(k, c!.length), 1);
  while (keep > 1 && product(keep) > MAX_OR_PRODUCT) keep--;
  const cut = lists.map((c) => c!.map((ws) => ({ ws, k: cost(ws) })).sort((a, b) => a.k - b.k).slice(0, keep).map((x) => x.ws));
  let out: Clauses = [[]];
  for (const c of cut) out = out.flatMap((acc) => c.map((ws) => [...acc, ...ws]));
  return out.length > 1 ? out : undefined;
}

/** The rule's clauses for the router: EventID lists dropped (plans are per EventID), cheapest first. */
function finalClauses(c: Clauses | undefined): Clauses | undefined {
  if (!c || c.length < 2) return undefined;
  const useful = c.filter((ws) => !ws.some((w) => w.field === 'EventID'));
  const sorted = useful.map((ws) => ({ ws, k: cost(ws) })).sort((a, b) => a.k - b.k).slice(0, MAX_CLAUSES).map((x) => x.ws);
  return sorted.length > 1 ? sorted : undefined;
}

function andW(ws: (Witness[] | undefined)[]): Witness[] | undefined {
  let best: Witness[] | undefined;
  for (const w of ws) if (w && (!best || cost(w) < cost(best))) best = w;
  return best;
}
function orW(ws: (Witness[] | undefined)[]): Witness[] | undefined {
  const out: Witness[] = [];
  for (const w of ws) { if (!w) return undefined; out.push(...w); }
  return out.length ? out.slice() : undefined;
}

function splitKey(key: string): { field: string | null; mods: string[] } {
  const parts = key.split('|');
  const field = parts[0] === '' ? null : parts[0];
  return { field, mods: parts.slice(1) };
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function isScalar(x: unknown): boolean {
  return x === null || typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean';
}

function compileMap(name: string, map: Record<string, unknown>, ctx: ModifierContext, path: YamlPath, problems: CompileProblem[]): CompiledItem[] {
  const items: CompiledItem[] = [];
  const keys = Object.keys(map);
  if (keys.length === 0) problems.push({ code: 'SIGMA_INVALID_RULE', message: `search identifier "${name}" is an empty map`, path });
  for (const key of keys) {
    const v = map[key];
    const { field, mods } = splitKey(key);
    const values = Array.isArray(v) ? v : [v];
    const p = [...path, key];
    if (values.length === 0) { problems.push({ code: 'SIGMA_BAD_VALUE', message: `"${key}" has an empty value list`, path: p }); continue; }
    const badIdx = values.findIndex((x) => !isScalar(x));
    if (badIdx >= 0) {
      problems.push({ code: 'SIGMA_BAD_VALUE', message: `"${key}": a value must be a string, number, boolean or null, not a ${Array.isArray(values[badIdx]) ? 'list' : 'map'}`, path: Array.isArray(v) ? [...p, badIdx] : p });
      continue;
    }
    if (Array.isArray(v) && v.length > 1 && v.includes(null) && !mods.length) {
      // Spec: null is its own type and should sit in its own selection. Accepted, ORed like any value.
    }
    try {
      items.push(compileItem(field, mods, values, ctx));
    } catch (e) {
      if (e instanceof ModifierError) problems.push({ code: e.code, message: `"${key}": ${e.message}`, path: p, onKey: true });
      else throw e;
    }
  }
  return items;
}

function reasonsOf(selection: string, items: CompiledItem[], view: EventView): MatchReason[] {
  const out: MatchReason[] = [];
  for (const it of items) {
    const value = it.explain(view);
    const r: MatchReason = { selection };
    if (it.field !== null) r.field = it.field;
    if (it.modifiers.length) r.modifiers = it.modifiers;
    if (value !== undefined) r.value = value;
    out.push(r);
  }
  return out;
}

function andIds(sets: (Set<string> | undefined)[]): Set<string> | undefined {
  let best: Set<string> | undefined;
  for (const s of sets) if (s && (!best || s.size < best.size)) best = s;
  return best;
}
function orIds(sets: (Set<string> | undefined)[]): Set<string> | undefined {
  const out = new Set<string>();
  for (const s of sets) { if (!s) return undefined; for (const x of s) out.add(x); }
  return out;
}

export function compileSelection(name: string, def: unknown, ctx: ModifierContext, path: YamlPath, problems: CompileProblem[]): CompiledSelection | undefined {
  if (isPlainObject(def)) {
    const items = compileMap(name, def, ctx, path, problems);
    const eventIds = andIds(items.map((i) => (i.eventIds ? new Set(i.eventIds) : undefined)));
    return {
      name,
      eventIds,
      witness: andW(items.map((i) => i.witness)),
      ...optC(andC(items)),
      test: allOf(items.map((it) => it.test)),
      explain: (view) => reasonsOf(name, items, view),
    };
  }
  if (Array.isArray(def)) {
    if (def.length === 0) { problems.push({ code: 'SIGMA_INVALID_RULE', message: `search identifier "${name}" is an empty list`, path }); return undefined; }
    if (def.every(isPlainObject)) {
      const alts = def.map((m, i) => compileMap(name, m as Record<string, unknown>, ctx, [...path, i], problems));
      const eventIds = orIds(alts.map((items) => andIds(items.map((i) => (i.eventIds ? new Set(i.eventIds) : undefined)))));
      return {
        name,
        eventIds,
        witness: orW(alts.map((items) => andW(items.map((i) => i.witness)))),
        ...optC(orC(alts.map((items) => ({ witness: andW(items.map((i) => i.witness)), ...optC(andC(items)) })))),
        test: (view) => {
          outer: for (const items of alts) {
            for (const it of items) if (!it.test(view)) continue outer;
            return true;
          }
          return false;
        },
        explain: (view) => {
          for (const items of alts) if (items.every((it) => it.test(view))) return reasonsOf(name, items, view);
          return [];
        },
      };
    }
    if (def.every((x) => isScalar(x) && x !== null)) {
      try {
        const item = compileItem(null, [], def, ctx);
        return { name, test: item.test, explain: (view) => reasonsOf(name, [item], view), ...(item.witness ? { witness: item.witness } : {}), ...optC(item.clauses) };
      } catch (e) {
        if (e instanceof ModifierError) { problems.push({ code: e.code, message: `"${name}": ${e.message}`, path }); return undefined; }
        throw e;
      }
    }
    problems.push({ code: 'SIGMA_INVALID_RULE', message: `search identifier "${name}" mixes maps and plain values in one list`, path });
    return undefined;
  }
  if (typeof def === 'string' || typeof def === 'number') {
    const item = compileItem(null, [], [def], ctx);
    return { name, test: item.test, explain: (view) => reasonsOf(name, [item], view), ...(item.witness ? { witness: item.witness } : {}), ...optC(item.clauses) };
  }
  problems.push({ code: 'SIGMA_INVALID_RULE', message: `search identifier "${name}" must be a map, a list or a keyword, not ${def === null ? 'null' : typeof def}`, path });
  return undefined;
}

type Fn = (view: EventView) => boolean;

/** AND of tests; one or two without the loop (most selections have one or two items). */
function allOf(fns: Fn[]): Fn {
  if (fns.length === 1) return fns[0];
  if (fns.length === 2) { const [a, b] = fns; return (v) => a(v) && b(v); }
  return (v) => { for (const f of fns) if (!f(v)) return false; return true; };
}

/** OR of tests; one or two without the loop. */
function anyOf(fns: Fn[]): Fn {
  if (fns.length === 1) return fns[0];
  if (fns.length === 2) { const [a, b] = fns; return (v) => a(v) || b(v); }
  return (v) => { for (const f of fns) if (f(v)) return true; return false; };
}

interface CondCompiled { test: Fn; ids?: Set<string>; witness?: Witness[]; clauses?: Clauses; positive: string[] }

function optC(c: Clauses | undefined): { clauses?: Clauses } {
  return c ? { clauses: c } : {};
}

function compileCond(node: CondNode, sels: Map<string, CompiledSelection>, names: string[], condIndex: number, problems: CompileProblem[], negated: boolean): CondCompiled {
  const condPath: YamlPath = ['detection', 'condition'];
  switch (node.k) {
    case 'id': {
      const s = sels.get(node.name);
      if (!s) {
        if (!names.includes(node.name)) problems.push({ code: 'SIGMA_UNKNOWN_REFERENCE', message: `condition refers to "${node.name}", which is not a search identifier of this rule`, path: condPath, column: node.col });
        return { test: () => false, positive: [] };
      }
      return { test: s.test, ids: s.eventIds, witness: s.witness, ...optC(s.clauses), positive: negated ? [] : [node.name] };
    }
    case 'not': {
      const a = compileCond(node.arg, sels, names, condIndex, problems, !negated);
      const t = a.test;
      return { test: (v) => !t(v), positive: a.positive };
    }
    case 'and': {
      const parts = node.args.map((n) => compileCond(n, sels, names, condIndex, problems, negated));
      const fns = parts.map((p) => p.test);
      return {
        test: allOf(fns),
        ids: negated ? undefined : andIds(parts.map((p) => p.ids)),
        witness: negated ? undefined : andW(parts.map((p) => p.witness)),
        ...optC(negated ? undefined : andC(parts)),
        positive: parts.flatMap((p) => p.positive),
      };
    }
    case 'or': {
      const parts = node.args.map((n) => compileCond(n, sels, names, condIndex, problems, negated));
      const fns = parts.map((p) => p.test);
      return {
        test: anyOf(fns),
        ids: negated ? undefined : orIds(parts.map((p) => p.ids)),
        witness: negated ? undefined : orW(parts.map((p) => p.witness)),
        ...optC(negated ? undefined : orC(parts)),
        positive: parts.flatMap((p) => p.positive),
      };
    }
    case 'of': {
      const matched = expandPattern(node.pattern, names);
      if (matched.length === 0) {
        problems.push({ code: 'SIGMA_UNKNOWN_REFERENCE', message: node.pattern === null ? '"them" matches no search identifier (names starting with _ are excluded)' : `pattern "${node.pattern}" matches no search identifier`, path: condPath, column: node.col });
        return { test: () => false, positive: [] };
      }
      const list = matched.map((n) => sels.get(n)).filter((s): s is CompiledSelection => s !== undefined);
      const fns = list.map((s) => s.test);
      const idsList = list.map((s) => s.eventIds);
      const wList = list.map((s) => s.witness);
      if (node.quant === 'one') {
        return { test: anyOf(fns), ids: negated ? undefined : orIds(idsList), witness: negated ? undefined : orW(wList), ...optC(negated ? undefined : orC(list)), positive: negated ? [] : matched };
      }
      return { test: allOf(fns), ids: negated ? undefined : andIds(idsList), witness: negated ? undefined : andW(wList), ...optC(negated ? undefined : andC(list)), positive: negated ? [] : matched };
    }
  }
}

/** Compile a rule's `detection` block. Problems are appended; the result is undefined if any. */
export function compileDetection(detection: Record<string, unknown>, ctx: ModifierContext, problems: CompileProblem[], extraConditions: { sels: Record<string, unknown>; condition: string; path: YamlPath }[] = []): CompiledDetection | undefined {
  const before = problems.length;
  const sels = new Map<string, CompiledSelection>();
  const names: string[] = [];
  for (const [name, def] of Object.entries(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    // Any name is a valid identifier; one with characters outside [A-Za-z0-9_-] can only be reached
    // through an `of` pattern (as pySigma).
    names.push(name);
    const s = compileSelection(name, def, ctx, ['detection', name], problems);
    if (s) sels.set(name, s);
  }
  if ('timeframe' in detection) {
    problems.push({ code: 'SIGMA_DEPRECATED_AGGREGATION', message: 'detection.timeframe belongs to the retired aggregation syntax; use a correlation rule with timespan', path: ['detection', 'timeframe'] });
  }
  const rawCond = detection.condition;
  const conds: string[] = [];
  if (typeof rawCond === 'string') conds.push(rawCond);
  else if (Array.isArray(rawCond) && rawCond.length > 0 && rawCond.every((c) => typeof c === 'string')) conds.push(...(rawCond as string[]));
  else if (rawCond === undefined) problems.push({ code: 'SIGMA_MISSING_FIELD', message: 'detection has no condition', path: ['detection'] });
  else problems.push({ code: 'SIGMA_CONDITION', message: 'detection.condition must be a string or a list of strings', path: ['detection', 'condition'] });

  const compiled: CondCompiled[] = [];
  conds.forEach((c, i) => {
    try {
      const node = parseCondition(c);
      compiled.push(compileCond(node, sels, names, i, problems, false));
    } catch (e) {
      if (e instanceof ConditionError) problems.push({ code: e.code, message: e.message, path: Array.isArray(rawCond) ? ['detection', 'condition', i] : ['detection', 'condition'], column: e.column });
      else throw e;
    }
  });
  // Filters (pySigma semantics): (rule condition) and (filter condition), filter selections private.
  const filters: CondCompiled[] = [];
  for (const ex of extraConditions) {
    const fsels = new Map<string, CompiledSelection>();
    const fnames: string[] = [];
    for (const [name, def] of Object.entries(ex.sels)) {
      fnames.push(name);
      const s = compileSelection(name, def, ctx, [...ex.path, name], problems);
      if (s) fsels.set(name, s);
    }
    try {
      filters.push(compileCond(parseCondition(ex.condition), fsels, fnames, 0, problems, false));
    } catch (e) {
      if (e instanceof ConditionError) problems.push({ code: 'SIGMA_FILTER', message: e.message, path: [...ex.path, 'condition'], column: e.column });
      else throw e;
    }
  }
  if (problems.length > before || compiled.length === 0) return undefined;
  const main = anyOf(compiled.map((c) => c.test));
  const filterFns = filters.map((f) => f.test);
  const test: Fn = allOf([main, ...filterFns]);
  const eventIds = orIds(compiled.map((c) => c.ids));
  const witness = orW(compiled.map((c) => c.witness));
  const clauses = compiled.length === 1 ? finalClauses(clausesOf(compiled[0])) : undefined;
  const positives = compiled.map((c) => [...new Set(c.positive)]);
  const explain = (view: EventView): MatchReason[] => {
    const out: MatchReason[] = [];
    for (let i = 0; i < compiled.length; i++) {
      // One condition (SigmaHQ's rules): explain is asked only after the rule matched, so it holds.
      if (compiled.length > 1 && !compiled[i].test(view)) continue;
      for (const name of positives[i]) {
        const s = sels.get(name);
        if (s && s.test(view)) out.push(...s.explain(view));
      }
      break;
    }
    return out;
  };
  return { test, explain, eventIds, ...(witness ? { witness } : {}), ...optC(clauses), selections: sels };
}
