// Value modifiers (Sigma v2.1.0 appendix, semantics of pySigma 1.5 `sigma/modifiers.py`).
// A detection item `field|m1|m2: values` starts from the YAML values and applies the modifiers left
// to right. Each modifier is a small function from one value to one value or to an expansion (a list
// of alternatives that are ORed even under `all`), or it sets an item flag (`all`, `neq`, `cased`,
// time parts). Only the table MODIFIERS knows the YAML spellings and aliases; an unknown name is
// SIGMA_UNKNOWN_MODIFIER, an illegal order or combination SIGMA_MODIFIER_COMBINATION, a value the
// modifier cannot take SIGMA_BAD_VALUE. Nothing is folded into the field name or dropped.
import type { ErrorCode } from '../../core/index.ts';
import {
  type SigmaString, STAR, concatParts, endsWithStar, hasWildcards, literalText, mapLiterals, parseSigmaString,
  startsWithStar, type Part,
} from './strings.ts';
import { parseCidr, type Cidr } from './cidr.ts';

export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';
export type CmpOp = 'gt' | 'gte' | 'lt' | 'lte';

export type Val =
  | { k: 'str'; s: SigmaString; raw?: string }
  | { k: 're'; src: string; flags: string }
  | { k: 'num'; n: number; text: string }
  | { k: 'bool'; b: boolean }
  | { k: 'null' }
  | { k: 'cidr'; net: Cidr; text: string }
  | { k: 'ref'; field: string; mode: 'eq' | 'contains' | 'startswith' | 'endswith' }
  | { k: 'exists'; b: boolean }
  | { k: 'cmp'; op: CmpOp; n: number };

/** One value as written, and what it became (several alternatives after an expansion). */
export interface ValueGroup { source: string; alts: Val[] }

export interface ItemFlags {
  all: boolean;
  neq: boolean;
  cased: boolean;
  timePart?: TimePart;
}

export class ModifierError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export interface ModifierContext {
  /** Placeholder values for `expand` (name without % → values). */
  placeholders: Record<string, string[]>;
}

/** Limit on the number of alternatives one value may expand to (windash, expand). */
export const MAX_EXPANSION = 4096;

type ValueMod = (v: Val, st: ModState) => Val | Val[];
interface ModState { flags: ItemFlags; seen: string[]; ctx: ModifierContext; isList: boolean }
interface ModDef {
  /** Transforms each value; absent for pure flag modifiers. */
  value?: ValueMod;
  /** Sets an item flag or checks the position. */
  item?: (st: ModState) => void;
  /** Must be the first modifier (it reads the value as written). */
  first?: boolean;
}

const bad = (msg: string) => new ModifierError('SIGMA_BAD_VALUE', msg);
const combo = (msg: string) => new ModifierError('SIGMA_MODIFIER_COMBINATION', msg);

function asStr(v: Val, mod: string): Extract<Val, { k: 'str' }> {
  if (v.k === 'str') return v;
  if (v.k === 'num') return { k: 'str', s: parseSigmaString(v.text) };
  if (v.k === 'bool') return { k: 'str', s: parseSigmaString(v.b ? 'true' : 'false') };
  throw bad(`|${mod} needs a string value, not ${describe(v)}`);
}

function describe(v: Val): string {
  switch (v.k) {
    case 'str': return 'a string';
    case 're': return 'a regular expression';
    case 'num': return 'a number';
    case 'bool': return 'a boolean';
    case 'null': return 'null';
    case 'cidr': return 'a CIDR network';
    case 'ref': return 'a field reference';
    case 'exists': return 'an exists test';
    case 'cmp': return 'a numeric comparison';
  }
}

function wrap(mod: 'contains' | 'startswith' | 'endswith'): ValueMod {
  return (v) => {
    if (v.k === 'ref') {
      if (v.mode !== 'eq') throw combo(`|${mod} cannot follow |${v.mode} on a field reference`);
      return { ...v, mode: mod };
    }
    if (v.k === 're') {
      // pySigma: add `.*` unless the pattern is already anchored or open at that end.
      let src = v.src;
      if (mod !== 'endswith' && !src.startsWith('^') && !src.startsWith('.*')) src = '.*' + src;
      if (mod !== 'startswith' && !src.endsWith('$') && !src.endsWith('.*')) src = src + '.*';
      return { ...v, src };
    }
    const s = asStr(v, mod);
    const parts: Part[] = [...s.s.parts];
    if (mod !== 'endswith' && !endsWithStar(s.s)) parts.push(STAR);
    if (mod !== 'startswith' && !startsWithStar(s.s)) parts.unshift(STAR);
    return { k: 'str', s: { parts: parts.slice(), bytes: s.s.bytes } };
  };
}

// windash: a `-` or `/` at the start of a word (pySigma regex \B[-/]\b) becomes each of
// - / – — ― ; every such position varies independently (n positions → 5^n strings).
const DASHES = ['-', '/', '\u2013', '\u2014', '\u2015'];
const WORD = /[\p{L}\p{N}_]/u;
function windashPositions(s: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== '-' && c !== '/') continue;
    const prevWord = i > 0 && WORD.test(s[i - 1]);
    const nextWord = i + 1 < s.length && WORD.test(s[i + 1]);
    if (!prevWord && nextWord) out.push(i);
  }
  return out;
}
const windash: ValueMod = (v) => {
  const s = asStr(v, 'windash');
  let variants: Part[][] = [[]];
  for (const p of s.s.parts) {
    if (typeof p !== 'string') { variants = variants.map((x) => [...x, p]); continue; }
    const pos = windashPositions(p);
    let strs = [p];
    for (const at of pos) {
      const nextStrs: string[] = [];
      for (const x of strs) for (const d of DASHES) nextStrs.push(x.slice(0, at) + d + x.slice(at + 1));
      strs = nextStrs;
      if (strs.length * variants.length > MAX_EXPANSION) throw new ModifierError('SIGMA_LIMIT', `|windash expands to more than ${MAX_EXPANSION} values`);
    }
    const nv: Part[][] = [];
    for (const x of variants) for (const y of strs) nv.push([...x, y]);
    variants = nv;
  }
  return variants.map((parts) => ({ k: 'str', s: { ...concatParts(parts), bytes: s.s.bytes } }));
};

function valueBytes(v: Val, mod: string): Uint8Array {
  const s = asStr(v, mod);
  if (hasWildcards(s.s)) throw bad(`|${mod} cannot encode a value with wildcards (${JSON.stringify(literalText(s.s))}); put |contains after |${mod}`);
  const text = literalText(s.s);
  if (s.s.bytes) return Uint8Array.from(text, (c) => c.charCodeAt(0));
  return new TextEncoder().encode(text);
}

const base64: ValueMod = (v) => {
  const b = valueBytes(v, 'base64');
  return { k: 'str', s: { parts: [Buffer.from(b).toString('base64')] } };
};

// pySigma: for i in 0..2, encode i spaces + value, slice [0,2,3][i] : [None,-3,-2][(len+i)%3].
const base64offset: ValueMod = (v) => {
  const b = valueBytes(v, 'base64offset');
  const starts = [0, 2, 3];
  const ends = [undefined, -3, -2];
  const out: Val[] = [];
  for (let i = 0; i < 3; i++) {
    const buf = new Uint8Array(i + b.length);
    buf.fill(0x20, 0, i);
    buf.set(b, i);
    const enc = Buffer.from(buf).toString('base64');
    const end = ends[(b.length + i) % 3];
    const sliced = enc.slice(starts[i], end === undefined ? undefined : enc.length + end);
    out.push({ k: 'str', s: { parts: sliced ? [sliced] : [] } });
  }
  return out;
};

function utf16(kind: 'le' | 'be' | 'bom'): ValueMod {
  return (v) => {
    const s = asStr(v, kind === 'le' ? 'utf16le' : kind === 'be' ? 'utf16be' : 'utf16');
    if (s.s.bytes) throw combo('a UTF-16 modifier cannot be applied twice');
    const enc = (x: string): string => {
      let out = '';
      for (let i = 0; i < x.length; i++) {
        const c = x.charCodeAt(i);
        const lo = String.fromCharCode(c & 0xff);
        const hi = String.fromCharCode(c >> 8);
        out += kind === 'be' ? hi + lo : lo + hi;
      }
      return out;
    };
    const r = mapLiterals(s.s, enc);
    if (kind === 'bom') r.parts = ['\xff\xfe', ...r.parts];
    return { k: 'str', s: { ...concatParts(r.parts), bytes: true } };
  };
}

const reFlag = (flag: 'i' | 'm' | 's'): ValueMod => (v) => {
  if (v.k !== 're') throw combo(`|${flag} is a sub-modifier of |re and must follow it`);
  return v.flags.includes(flag) ? v : { ...v, flags: v.flags + flag };
};

function cmp(op: CmpOp): ValueMod {
  return (v) => {
    if (v.k === 'num') return { k: 'cmp', op, n: v.n };
    if (v.k === 'str' && !hasWildcards(v.s)) {
      const t = literalText(v.s).trim();
      if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return { k: 'cmp', op, n: Number(t) };
    }
    throw bad(`|${op} needs a number, not ${describe(v)}`);
  };
}

function timePart(part: TimePart): ModDef {
  return {
    item: (st) => {
      if (st.flags.timePart) throw combo(`|${part} cannot follow |${st.flags.timePart}`);
      st.flags.timePart = part;
    },
    value: (v) => {
      if (v.k === 'num' && Number.isInteger(v.n)) return v;
      if (v.k === 'str' && /^\d+$/.test(literalText(v.s)) && !hasWildcards(v.s)) {
        const t = literalText(v.s);
        return { k: 'num', n: Number(t), text: t };
      }
      throw bad(`|${part} needs an integer value, not ${describe(v)}`);
    },
  };
}

// expand: `%name%` in the literal parts becomes each configured value (parsed as Sigma strings, so
// their wildcards work); several placeholders expand to every combination; `\%` is a literal `%`.
const PLACEHOLDER = /(?<!\\)%([A-Za-z0-9_.-]+)%/g;
const expand: ValueMod = (v, st) => {
  const s = asStr(v, 'expand');
  let variants: Part[][] = [[]];
  for (const p of s.s.parts) {
    if (typeof p !== 'string') { variants = variants.map((x) => [...x, p]); continue; }
    const pieces: Part[][][] = []; // per piece: alternatives (each a Part list)
    let last = 0;
    for (const m of p.matchAll(PLACEHOLDER)) {
      pieces.push([[p.slice(last, m.index).replace(/\\%/g, '%')]]);
      const vals = st.ctx.placeholders[m[1]];
      if (!vals || vals.length === 0) throw new ModifierError('SIGMA_PLACEHOLDER', `placeholder %${m[1]}% has no values (give them with --placeholder ${m[1]}=value1,value2)`);
      pieces.push(vals.map((x) => parseSigmaString(x).parts));
      last = m.index + m[0].length;
    }
    pieces.push([[p.slice(last).replace(/\\%/g, '%')]]);
    for (const alts of pieces) {
      const nv: Part[][] = [];
      for (const x of variants) for (const a of alts) nv.push([...x, ...a]);
      variants = nv;
      if (variants.length > MAX_EXPANSION) throw new ModifierError('SIGMA_LIMIT', `|expand produces more than ${MAX_EXPANSION} values`);
    }
  }
  return variants.map((parts) => ({ k: 'str', s: concatParts(parts) }));
};

export const MODIFIERS: Record<string, ModDef> = {
  contains: { value: wrap('contains') },
  startswith: { value: wrap('startswith') },
  endswith: { value: wrap('endswith') },
  all: {
    item: (st) => {
      if (st.flags.all) throw combo('|all given twice');
      st.flags.all = true;
    },
  },
  windash: { value: windash },
  base64: { value: base64 },
  base64offset: { value: base64offset },
  utf16le: { value: utf16('le') },
  wide: { value: utf16('le') },
  utf16be: { value: utf16('be') },
  utf16: { value: utf16('bom') },
  re: {
    first: true,
    value: (v) => {
      if (v.k === 'str' && v.raw !== undefined) return { k: 're', src: v.raw, flags: '' };
      if (v.k === 'num') return { k: 're', src: v.text, flags: '' };
      throw bad(`|re needs a string pattern, not ${describe(v)}`);
    },
  },
  i: { value: reFlag('i') },
  ignorecase: { value: reFlag('i') },
  m: { value: reFlag('m') },
  multiline: { value: reFlag('m') },
  s: { value: reFlag('s') },
  dotall: { value: reFlag('s') },
  cidr: {
    first: true,
    value: (v) => {
      if (v.k !== 'str' || v.raw === undefined) throw bad(`|cidr needs a network such as 10.0.0.0/8, not ${describe(v)}`);
      const net = parseCidr(v.raw);
      if (!net) throw bad(`|cidr: ${JSON.stringify(v.raw)} is not an IPv4 or IPv6 network`);
      return { k: 'cidr', net, text: v.raw };
    },
  },
  exists: {
    first: true,
    value: (v) => {
      if (v.k !== 'bool') throw bad(`|exists needs true or false, not ${describe(v)}`);
      return { k: 'exists', b: v.b };
    },
  },
  fieldref: {
    first: true,
    value: (v) => {
      if (v.k !== 'str' || v.raw === undefined) throw bad(`|fieldref needs a field name, not ${describe(v)}`);
      if (hasWildcards(v.s)) throw bad(`|fieldref: field name ${JSON.stringify(v.raw)} must not contain wildcards`);
      return { k: 'ref', field: v.raw, mode: 'eq' };
    },
  },
  gt: { value: cmp('gt') },
  gte: { value: cmp('gte') },
  lt: { value: cmp('lt') },
  lte: { value: cmp('lte') },
  neq: {
    item: (st) => {
      if (st.flags.neq) throw combo('|neq given twice');
      st.flags.neq = true;
    },
  },
  expand: { value: expand },
  cased: {
    item: (st) => {
      if (st.flags.cased) throw combo('|cased given twice');
      st.flags.cased = true;
    },
  },
  minute: timePart('minute'),
  hour: timePart('hour'),
  day: timePart('day'),
  week: timePart('week'),
  month: timePart('month'),
  year: timePart('year'),
};

/** A YAML scalar as the starting value of a detection item. */
export function initialValue(x: unknown): Val {
  if (x === null || x === undefined) return { k: 'null' };
  if (typeof x === 'string') return { k: 'str', s: parseSigmaString(x), raw: x };
  if (typeof x === 'number') {
    if (!Number.isFinite(x)) throw bad(`${x} is not a finite number`);
    return { k: 'num', n: x, text: String(x) };
  }
  if (typeof x === 'boolean') return { k: 'bool', b: x };
  throw bad(`a detection value must be a string, number, boolean or null, not ${Array.isArray(x) ? 'a list' : 'a map'}`);
}

/** Apply the modifier chain to every value. Throws ModifierError. */
export function applyModifiers(mods: string[], rawValues: unknown[], ctx: ModifierContext): { groups: ValueGroup[]; flags: ItemFlags } {
  const flags: ItemFlags = { all: false, neq: false, cased: false };
  const st: ModState = { flags, seen: [], ctx, isList: rawValues.length > 1 };
  const defs: { name: string; def: ModDef }[] = [];
  for (const name of mods) {
    const def = Object.hasOwn(MODIFIERS, name) ? MODIFIERS[name] : undefined;
    if (!def) {
      throw new ModifierError('SIGMA_UNKNOWN_MODIFIER', `unknown modifier |${name}${name === '' ? ' (empty modifier between two |)' : ''}`);
    }
    defs.push({ name, def });
  }
  // Order and combination checks (pySigma "only on unmodified values").
  let valueModsBefore = 0;
  for (const { name, def } of defs) {
    if (def.first && valueModsBefore > 0) throw combo(`|${name} must come before |${st.seen.filter((n) => MODIFIERS[n].value).join('|')}`);
    if (def.item) def.item(st);
    if (def.value && !['i', 'm', 's', 'ignorecase', 'multiline', 'dotall'].includes(name)) valueModsBefore++;
    st.seen.push(name);
  }
  if (mods.includes('exists') && mods.length > 1) throw combo('|exists cannot be combined with other modifiers');
  if (flags.cased && mods.some((m) => m === 're' || m === 'cidr' || m === 'exists')) throw combo('|cased applies to plain string values only');
  const groups: ValueGroup[] = [];
  for (const raw of rawValues) {
    let alts: Val[] = [initialValue(raw)];
    if (alts[0].k === 'null' && mods.length > 0) throw combo(`null cannot be used with modifiers (|${mods.join('|')}); use |exists: false`);
    for (const { def } of defs) {
      if (!def.value) continue;
      const next: Val[] = [];
      for (const v of alts) {
        const r = def.value(v, st);
        if (Array.isArray(r)) next.push(...r); else next.push(r);
      }
      alts = next;
      if (alts.length > MAX_EXPANSION) throw new ModifierError('SIGMA_LIMIT', `value expands to more than ${MAX_EXPANSION} alternatives`);
    }
    for (const v of alts) {
      if (flags.timePart && v.k !== 'num' && v.k !== 'cmp') throw bad(`|${flags.timePart} needs an integer value`);
      if (v.k === 'exists' && rawValues.length > 1) throw bad('|exists takes a single true or false');
    }
    // slice(): exact size (a list grown by push keeps room for 17; ~40,000 of them over SigmaHQ's corpus).
    groups.push({ source: raw === null ? 'null' : String(raw), alts: alts.slice() });
  }
  return { groups: groups.slice(), flags };
}
