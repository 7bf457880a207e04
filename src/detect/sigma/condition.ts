// The Sigma condition grammar as a precedence table read by a Pratt parser (pySigma
// `sigma/conditions.py`): least to most binding `or`, `and`, `not`, `x of pattern`, parentheses.
// Keywords are lower-case only. Identifiers are [A-Za-z0-9_-]+; patterns may contain `*`.
// Quantifiers: `1`, `any` (pySigma extension, same as 1) and `all`; `them` means every search
// identifier that does not start with `_`. A `|` anywhere is the retired aggregation syntax and is
// refused with the name of the correlation type that replaces it.

export type CondNode =
  | { k: 'id'; name: string; col: number }
  | { k: 'and'; args: CondNode[] }
  | { k: 'or'; args: CondNode[] }
  | { k: 'not'; arg: CondNode }
  | { k: 'of'; quant: 'one' | 'all'; /** null = `them` */ pattern: string | null; col: number };

export class ConditionError extends Error {
  /** 1-based column in the condition string. */
  readonly column: number;
  readonly code: 'SIGMA_CONDITION' | 'SIGMA_DEPRECATED_AGGREGATION' | 'SIGMA_LIMIT';
  constructor(message: string, column: number, code: ConditionError['code'] = 'SIGMA_CONDITION') {
    super(message);
    this.column = column;
    this.code = code;
  }
}

/** Engine limits against hostile rules. */
export const MAX_CONDITION_LENGTH = 64 * 1024;
export const MAX_CONDITION_DEPTH = 64;

interface Tok { t: 'id' | 'pat' | '(' | ')' | 'and' | 'or' | 'not' | 'of' | 'them' | 'one' | 'all' | 'end'; v: string; col: number }

const KEYWORDS: Record<string, Tok['t']> = { and: 'and', or: 'or', not: 'not', of: 'of', them: 'them', all: 'all', any: 'one', '1': 'one' };

function lex(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '(' || c === ')') { out.push({ t: c, v: c, col: i + 1 }); i++; continue; }
    const m = /^[A-Za-z0-9_*-]+/.exec(src.slice(i, i + 512));
    if (!m) throw new ConditionError(`unexpected character ${JSON.stringify(c)} in condition`, i + 1);
    const w = m[0];
    const kw = KEYWORDS[w];
    if (kw) out.push({ t: kw, v: w, col: i + 1 });
    else out.push({ t: w.includes('*') ? 'pat' : 'id', v: w, col: i + 1 });
    i += w.length;
  }
  out.push({ t: 'end', v: '', col: src.length + 1 });
  return out;
}

/** Which correlation type replaces a retired pipe aggregation. */
export function aggregationReplacement(agg: string): string {
  const a = agg.trim();
  if (/^near\b/.test(a) || /\bnear\b/.test(a)) return 'a "temporal" (or "temporal_ordered") correlation rule';
  const m = /^(count|sum|avg|min|max)\s*\(\s*([^)]*)\)/.exec(a);
  if (!m) return 'a correlation rule (event_count, value_count, temporal, value_sum, value_avg, value_percentile)';
  switch (m[1]) {
    case 'count': return m[2] ? 'a "value_count" correlation rule' : 'an "event_count" correlation rule';
    case 'sum': return 'a "value_sum" correlation rule';
    case 'avg': return 'a "value_avg" correlation rule';
    default: return `no correlation type (${m[1]}() has no Sigma v2 equivalent; consider value_percentile)`;
  }
}

const cache = new Map<string, CondNode>();

export function parseCondition(src: string): CondNode {
  const hit = cache.get(src);
  if (hit) return hit;
  if (src.length > MAX_CONDITION_LENGTH) throw new ConditionError(`condition longer than ${MAX_CONDITION_LENGTH} characters`, 1, 'SIGMA_LIMIT');
  const pipe = src.indexOf('|');
  if (pipe >= 0) {
    throw new ConditionError(
      `the pipe aggregation "${src.slice(pipe + 1).trim()}" is retired since Sigma 2.0; express it as ${aggregationReplacement(src.slice(pipe + 1))}`,
      pipe + 1, 'SIGMA_DEPRECATED_AGGREGATION');
  }
  const toks = lex(src);
  let p = 0;
  let depth = 0;
  const peek = () => toks[p];
  const next = () => toks[p++];

  function primary(): CondNode {
    const t = next();
    if (t.t === '(') {
      if (++depth > MAX_CONDITION_DEPTH) throw new ConditionError(`condition nested deeper than ${MAX_CONDITION_DEPTH}`, t.col, 'SIGMA_LIMIT');
      const e = orExpr();
      const c = next();
      if (c.t !== ')') throw new ConditionError(`expected ")" but found ${c.t === 'end' ? 'end of condition' : JSON.stringify(c.v)}`, c.col);
      depth--;
      return e;
    }
    if (t.t === 'id') return { k: 'id', name: t.v, col: t.col };
    if (t.t === 'one' || t.t === 'all') {
      const of = next();
      if (of.t !== 'of') {
        if (t.v === '1' || t.v === 'all' || t.v === 'any') {
          throw new ConditionError(`expected "of" after "${t.v}"`, of.col);
        }
      }
      const target = next();
      if (target.t === 'them') return { k: 'of', quant: t.t === 'one' ? 'one' : 'all', pattern: null, col: target.col };
      if (target.t === 'id' || target.t === 'pat') return { k: 'of', quant: t.t === 'one' ? 'one' : 'all', pattern: target.v, col: target.col };
      throw new ConditionError(`expected an identifier pattern or "them" after "${t.v} of"`, target.col);
    }
    if (t.t === 'pat') throw new ConditionError(`wildcard pattern "${t.v}" is only allowed after "1 of" / "all of"`, t.col);
    if (t.t === 'end') throw new ConditionError('condition ends where an identifier was expected', t.col);
    if (/^[0-9]+$/.test(t.v) && peek().t === 'of') throw new ConditionError(`quantifier "${t.v} of" is not supported; use "1 of" or "all of"`, t.col);
    throw new ConditionError(`unexpected ${JSON.stringify(t.v)} in condition`, t.col);
  }
  function notExpr(): CondNode {
    if (peek().t === 'not') {
      const t = next();
      if (++depth > MAX_CONDITION_DEPTH) throw new ConditionError(`condition nested deeper than ${MAX_CONDITION_DEPTH}`, t.col, 'SIGMA_LIMIT');
      const arg = notExpr();
      depth--;
      return { k: 'not', arg };
    }
    return primary();
  }
  function andExpr(): CondNode {
    const args = [notExpr()];
    while (peek().t === 'and') { next(); args.push(notExpr()); }
    return args.length === 1 ? args[0] : { k: 'and', args };
  }
  function orExpr(): CondNode {
    const args = [andExpr()];
    while (peek().t === 'or') { next(); args.push(andExpr()); }
    return args.length === 1 ? args[0] : { k: 'or', args };
  }
  const root = orExpr();
  const rest = peek();
  if (rest.t !== 'end') throw new ConditionError(`unexpected ${JSON.stringify(rest.v)} after a complete condition`, rest.col);
  if (cache.size > 10_000) cache.clear();
  cache.set(src, root);
  return root;
}

/** Identifiers matched by an `of` pattern. `them` (pattern '*') excludes names starting with `_`. */
export function expandPattern(pattern: string | null, names: string[]): string[] {
  if (pattern === null) return names.filter((n) => !n.startsWith('_'));
  const re = new RegExp('^' + pattern.split('*').map((s) => s.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')).join('.*') + '$');
  return names.filter((n) => re.test(n));
}
