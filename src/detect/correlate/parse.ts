// Correlation rule parsing and validation (Sigma correlation rules specification v2.1.0, with the
// pySigma 1.5.0 extensions the issue asks for: value_median, w/M/y timespans, string conditions for
// temporal types). Every problem is a ClaimGuardError SIGMA_CORRELATION whose location names the file,
// the document's line/column and the attribute path (e.g. "correlation.timespan").
import { ClaimGuardError, isSeverity, type Location, type RuleRef, type Severity } from '../../core/index.ts';
import {
  CORRELATION_TYPES, type CorrelationCondition, type CorrelationExpression, type CorrelationRule,
  type CorrelationType,
} from './types.ts';

export interface ParseContext {
  file: string;
  line?: number;
  column?: number;
  /** Where the rule comes from (URL or path) for RuleRef.source. */
  source: string;
}

/** Timespan units in ms. s/m/h/d are the specification's; w/M/y follow pySigma (M = 30.436875 d, y = 365.2425 d). */
export const TIMESPAN_UNITS: Record<string, number> = {
  s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000, M: 2_629_746_000, y: 31_556_952_000,
};

const VALUE_TYPES: ReadonlySet<CorrelationType> = new Set([
  'value_count', 'value_sum', 'value_avg', 'value_percentile', 'value_median',
]);
const TEMPORAL_TYPES: ReadonlySet<CorrelationType> = new Set(['temporal', 'temporal_ordered']);
const OPERATORS = ['gt', 'gte', 'lt', 'lte', 'eq', 'neq'] as const;

const CORRELATION_KEYS = new Set(['type', 'rules', 'aliases', 'group-by', 'timespan', 'condition', 'generate']);
const STATUSES = new Set(['stable', 'test', 'experimental', 'deprecated', 'unsupported']);
const MAX_TITLE = 256;
const MAX_TIMESPAN_TEXT = 16;
const MAX_EXPRESSION = 4096;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

function show(v: unknown): string {
  let s: string;
  try { s = typeof v === 'string' ? JSON.stringify(v) : JSON.stringify(v) ?? String(v); } catch { s = String(v); }
  return s.length > 60 ? s.slice(0, 57) + '...' : s;
}

/** Parse "5m" etc. into ms; undefined when invalid. */
export function parseTimespan(text: unknown): number | undefined {
  if (typeof text !== 'string' || text.length > MAX_TIMESPAN_TEXT) return undefined;
  const m = /^([0-9]+)([smhdwMy])$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  const ms = n * TIMESPAN_UNITS[m[2]];
  if (!(n > 0) || !Number.isSafeInteger(ms)) return undefined;
  return ms;
}

/**
 * Parse and validate one correlation document. `doc` is the whole YAML document (with `title`,
 * `correlation`, `level` …). Throws SIGMA_CORRELATION naming the bad attribute.
 */
export function parseCorrelationRule(doc: Record<string, unknown>, ctx: ParseContext): CorrelationRule {
  const loc = (path: string): Location => ({
    file: ctx.file, ...(ctx.line !== undefined ? { line: ctx.line } : {}),
    ...(ctx.column !== undefined ? { column: ctx.column } : {}), path,
  });
  const fail = (path: string, msg: string): never => {
    throw new ClaimGuardError('SIGMA_CORRELATION', msg, loc(path));
  };

  if (!isRecord(doc)) fail('', 'a correlation rule must be a YAML mapping');
  for (const k of ['detection', 'logsource', 'filter']) {
    if (k in doc) fail(k, `a correlation rule must not contain '${k}' (put the detection in its own document and reference it)`);
  }
  // --- meta ---
  const title = doc.title;
  if (title === undefined || title === null) fail('title', "missing required attribute 'title'");
  if (typeof title !== 'string' || title.trim() === '') fail('title', "'title' must be a non-empty string");
  if ((title as string).length > MAX_TITLE) fail('title', `'title' is longer than ${MAX_TITLE} characters`);

  let id: string | undefined;
  if (doc.id !== undefined && doc.id !== null) {
    if (typeof doc.id !== 'string' || doc.id.trim() === '') fail('id', "'id' must be a non-empty string");
    id = doc.id as string;
  }
  let name: string | undefined;
  if (doc.name !== undefined && doc.name !== null) {
    if (typeof doc.name !== 'string' || doc.name.trim() === '') fail('name', "'name' must be a non-empty string");
    name = doc.name as string;
  }
  let level: Severity = 'medium';
  if (doc.level !== undefined && doc.level !== null) {
    if (!isSeverity(doc.level)) {
      fail('level', `'level' must be one of informational, low, medium, high, critical (got ${show(doc.level)})`);
    }
    level = doc.level as Severity;
  }
  let author = '';
  if (doc.author !== undefined && doc.author !== null) {
    if (typeof doc.author !== 'string') fail('author', "'author' must be a string");
    author = doc.author as string;
  }
  const tags: string[] = [];
  if (doc.tags !== undefined && doc.tags !== null) {
    if (!Array.isArray(doc.tags) || !doc.tags.every((t) => typeof t === 'string')) fail('tags', "'tags' must be a list of strings");
    tags.push(...(doc.tags as string[]));
  }
  let license: string | undefined;
  if (doc.license !== undefined && doc.license !== null) {
    if (typeof doc.license !== 'string') fail('license', "'license' must be a string");
    license = doc.license as string;
  }
  if (doc.status !== undefined && doc.status !== null && (typeof doc.status !== 'string' || !STATUSES.has(doc.status))) {
    fail('status', `'status' must be one of ${[...STATUSES].join(', ')} (got ${show(doc.status)})`);
  }
  if (doc.description !== undefined && doc.description !== null && typeof doc.description !== 'string') {
    fail('description', "'description' must be a string");
  }
  for (const k of ['date', 'modified']) {
    const v = doc[k];
    if (v === undefined || v === null || v instanceof Date) continue;
    if (typeof v !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/.test(v)) {
      fail(k, `'${k}' must be a date YYYY-MM-DD (got ${show(v)})`);
    }
  }
  if (doc.references !== undefined && doc.references !== null &&
      (!Array.isArray(doc.references) || !doc.references.every((r) => typeof r === 'string'))) {
    fail('references', "'references' must be a list of strings");
  }
  if (doc.falsepositives !== undefined && doc.falsepositives !== null && typeof doc.falsepositives !== 'string' &&
      (!Array.isArray(doc.falsepositives) || !doc.falsepositives.every((r) => typeof r === 'string'))) {
    fail('falsepositives', "'falsepositives' must be a string or a list of strings");
  }

  // custom attributes: `custom: {suppress: 1h}` sets this rule's alert-suppression window
  // (docs/correlation.md, "Suppression"); 0, "0", false or "off" turns suppression off for the rule.
  let suppress: number | undefined;
  if (doc.custom !== undefined && doc.custom !== null) {
    if (!isRecord(doc.custom)) fail('custom', "'custom' must be a mapping");
    const sv = (doc.custom as Record<string, unknown>).suppress;
    if (sv !== undefined && sv !== null) {
      if (sv === 0 || sv === '0' || sv === false || sv === 'off') suppress = 0;
      else {
        suppress = parseTimespan(sv);
        if (suppress === undefined) {
          fail('custom.suppress', `invalid suppression window ${show(sv)}: expected a timespan such as "1h" (s, m, h, d, w, M, y) or 0/off to disable`);
        }
      }
    }
  }

  // --- correlation section ---
  const c = doc.correlation;
  if (c === undefined || c === null) fail('correlation', "missing required attribute 'correlation'");
  if (!isRecord(c)) fail('correlation', "'correlation' must be a mapping");
  const corr = c as Record<string, unknown>;
  for (const k of Object.keys(corr)) {
    if (!CORRELATION_KEYS.has(k)) {
      const hint = k === 'group_by' || k === 'groupby' ? " (did you mean 'group-by'?)" : '';
      fail(`correlation.${k}`, `unknown correlation attribute ${show(k)}${hint}`);
    }
  }

  const type = corr.type;
  if (type === undefined || type === null) fail('correlation.type', "missing required attribute 'correlation.type'");
  if (typeof type !== 'string' || !(CORRELATION_TYPES as readonly string[]).includes(type)) {
    fail('correlation.type', `unknown correlation type ${show(type)}; expected one of ${CORRELATION_TYPES.join(', ')}`);
  }
  const ctype = type as CorrelationType;

  // rules
  let rules: string[] = [];
  const rawRules = corr.rules;
  if (rawRules !== undefined && rawRules !== null) {
    const list = typeof rawRules === 'string' ? [rawRules] : rawRules;
    if (!Array.isArray(list) || list.length === 0) fail('correlation.rules', "'correlation.rules' must be a rule id/name or a non-empty list of them");
    (list as unknown[]).forEach((r, i) => {
      if (typeof r !== 'string' || r.trim() === '') fail(`correlation.rules[${i}]`, 'a rule reference must be a non-empty string (a rule id or name)');
    });
    rules = list as string[];
    const seen = new Set<string>();
    rules.forEach((r, i) => {
      if (seen.has(r)) fail(`correlation.rules[${i}]`, `rule ${show(r)} is referenced twice`);
      seen.add(r);
    });
  }

  // generate: the specification and its JSON schema place it at the top level, pySigma reads it
  // inside `correlation`; both are accepted, and they must agree when both are present.
  let generate = false;
  const genTop = doc.generate, genIn = corr.generate;
  for (const [path, g] of [['generate', genTop], ['correlation.generate', genIn]] as const) {
    if (g !== undefined && g !== null && typeof g !== 'boolean') fail(path, `'${path}' must be true or false`);
  }
  if (typeof genTop === 'boolean' && typeof genIn === 'boolean' && genTop !== genIn) {
    fail('correlation.generate', "'generate' and 'correlation.generate' disagree");
  }
  if (typeof genTop === 'boolean') generate = genTop;
  if (typeof genIn === 'boolean') generate = genIn;

  // group-by (optional: without it the whole stream is one group, as pySigma and Hayabusa do)
  let groupBy: string[] = [];
  const gb = corr['group-by'];
  if (gb !== undefined && gb !== null) {
    const list = typeof gb === 'string' ? [gb] : gb;
    if (!Array.isArray(list)) fail('correlation.group-by', "'correlation.group-by' must be a field name or a list of field names");
    (list as unknown[]).forEach((g, i) => {
      if (typeof g !== 'string' || g === '') fail(`correlation.group-by[${i}]`, 'a group-by entry must be a non-empty field name');
    });
    groupBy = list as string[];
    if (new Set(groupBy).size !== groupBy.length) fail('correlation.group-by', "'correlation.group-by' lists a field twice");
  }

  // timespan
  const ts = corr.timespan;
  if (ts === undefined || ts === null) fail('correlation.timespan', "missing required attribute 'correlation.timespan'");
  const timespan = parseTimespan(ts);
  if (timespan === undefined) {
    fail('correlation.timespan', `invalid timespan ${show(ts)}: expected a positive integer and a unit s, m, h, d, w, M or y (e.g. "5m")`);
  }

  // aliases
  const aliases: Record<string, Record<string, string>> = {};
  const al = corr.aliases;
  if (al !== undefined && al !== null) {
    if (!isRecord(al)) fail('correlation.aliases', "'correlation.aliases' must be a mapping alias → {rule name: field}");
    for (const [alias, mapping] of Object.entries(al as Record<string, unknown>)) {
      if (!isRecord(mapping)) fail(`correlation.aliases.${alias}`, `alias ${show(alias)} must map rule names to field names`);
      const m: Record<string, string> = {};
      for (const [ruleRef, field] of Object.entries(mapping as Record<string, unknown>)) {
        if (typeof field !== 'string' || field === '') fail(`correlation.aliases.${alias}.${ruleRef}`, 'an alias must map a rule to a non-empty field name');
        m[ruleRef] = field as string;
      }
      aliases[alias] = m;
    }
  }

  // condition
  const condition: CorrelationCondition = {};
  let expression: CorrelationExpression | undefined;
  const cond = corr.condition;
  if (cond === undefined || cond === null) {
    if (!TEMPORAL_TYPES.has(ctype)) fail('correlation.condition', `missing required attribute 'correlation.condition' for type ${ctype}`);
  } else if (typeof cond === 'string') {
    if (!TEMPORAL_TYPES.has(ctype)) fail('correlation.condition', 'a string (boolean) condition is only allowed for temporal and temporal_ordered');
    expression = parseExpression(cond, (msg) => fail('correlation.condition', msg));
    const refs = expressionRefs(expression);
    if (rules.length === 0) rules = refs;
    for (const r of refs) if (!rules.includes(r)) fail('correlation.condition', `condition names rule ${show(r)}, which is not in correlation.rules`);
    for (const r of rules) if (!refs.includes(r)) fail('correlation.condition', `rule ${show(r)} is in correlation.rules but not in the condition`);
    if (ctype === 'temporal_ordered' && !isConjunctionOfAll(expression, rules)) {
      fail('correlation.condition', 'temporal_ordered accepts only a condition that ANDs every listed rule (order is given by correlation.rules); use temporal for other boolean conditions');
    }
  } else if (isRecord(cond)) {
    let nOps = 0;
    for (const [k, v] of Object.entries(cond)) {
      if ((OPERATORS as readonly string[]).includes(k)) {
        if (typeof v !== 'number' || !Number.isFinite(v)) fail(`correlation.condition.${k}`, `'${k}' must be a finite number (got ${show(v)})`);
        condition[k as (typeof OPERATORS)[number]] = v as number;
        nOps++;
      } else if (k === 'field') {
        const list = typeof v === 'string' ? [v] : v;
        if (!Array.isArray(list) || list.length === 0 || !list.every((f) => typeof f === 'string' && f !== '')) {
          fail('correlation.condition.field', "'field' must be a field name or a list of field names");
        }
        condition.fields = list as string[];
        condition.field = (list as string[])[0];
      } else if (k === 'percentile') {
        if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 100) fail('correlation.condition.percentile', `'percentile' must be a number from 0 to 100 (got ${show(v)})`);
        condition.percentile = v as number;
      } else {
        fail(`correlation.condition.${k}`, `unknown condition attribute ${show(k)}; expected gt, gte, lt, lte, eq, neq, field${ctype === 'value_percentile' ? ', percentile' : ''}`);
      }
    }
    if (nOps === 0) fail('correlation.condition', 'the condition needs at least one of gt, gte, lt, lte, eq, neq');
    if (condition.gt !== undefined && condition.gte !== undefined) fail('correlation.condition', "'gt' and 'gte' cannot be combined");
    if (condition.lt !== undefined && condition.lte !== undefined) fail('correlation.condition', "'lt' and 'lte' cannot be combined");
  } else {
    fail('correlation.condition', "'correlation.condition' must be a mapping (e.g. {gte: 10}) or, for temporal types, a boolean expression");
  }

  if (rules.length === 0) fail('correlation.rules', "missing required attribute 'correlation.rules'");

  if (VALUE_TYPES.has(ctype)) {
    if (!condition.fields) fail('correlation.condition.field', `type ${ctype} requires 'condition.field'`);
    if (ctype !== 'value_count' && condition.fields!.length !== 1) {
      fail('correlation.condition.field', `type ${ctype} aggregates exactly one field`);
    }
  } else if (condition.fields) {
    fail('correlation.condition.field', `'condition.field' is only used by value_* types, not ${ctype}`);
  }
  if (ctype === 'value_percentile') {
    if (condition.percentile === undefined) fail('correlation.condition.percentile', "type value_percentile requires 'condition.percentile' (0–100)");
  } else if (condition.percentile !== undefined) {
    fail('correlation.condition.percentile', `'condition.percentile' is only used by value_percentile, not ${ctype}`);
  }
  // Temporal default (pySigma): all referenced rules must be seen.
  if (TEMPORAL_TYPES.has(ctype) && !expression && Object.keys(condition).length === 0) condition.gte = rules.length;

  const ref: RuleRef = {
    id: id ?? (name !== undefined ? `name:${name}` : `${ctx.file}:${ctx.line ?? 1}`),
    title: title as string,
    level,
    author,
    source: ctx.source,
    ...(license !== undefined ? { license } : {}),
    tags,
  };
  return {
    ref,
    ...(name !== undefined ? { name } : {}),
    type: ctype,
    rules,
    groupBy,
    timespan: timespan as number,
    timespanText: ts as string,
    condition,
    ...(expression ? { expression } : {}),
    aliases,
    generate,
    ...(suppress !== undefined ? { suppress } : {}),
    level,
    location: { file: ctx.file, ...(ctx.line !== undefined ? { line: ctx.line } : {}), ...(ctx.column !== undefined ? { column: ctx.column } : {}) },
  };
}

// --- string conditions: `a and (b or not c)`, keywords case-insensitive, precedence not > and > or ---

function parseExpression(text: string, fail: (msg: string) => never): CorrelationExpression {
  if (text.length > MAX_EXPRESSION) fail(`condition longer than ${MAX_EXPRESSION} characters`);
  const tokens: { t: string; at: number }[] = [];
  const re = /\s*(\(|\)|[A-Za-z0-9_.:-]+)/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) fail(`unexpected character ${show(text.slice(pos).trim()[0])} at column ${pos + 1} of the condition`);
    tokens.push({ t: m![1], at: pos + (m![0].length - m![1].length) + 1 });
    pos = re.lastIndex;
  }
  let i = 0;
  const kw = (k: string): boolean => i < tokens.length && tokens[i].t.toLowerCase() === k;
  const parseOr = (depth: number): CorrelationExpression => {
    const args = [parseAnd(depth)];
    while (kw('or')) { i++; args.push(parseAnd(depth)); }
    return args.length === 1 ? args[0] : { op: 'or', args };
  };
  const parseAnd = (depth: number): CorrelationExpression => {
    const args = [parseNot(depth)];
    while (kw('and')) { i++; args.push(parseNot(depth)); }
    return args.length === 1 ? args[0] : { op: 'and', args };
  };
  const parseNot = (depth: number): CorrelationExpression => {
    if (depth > 64) fail('condition nested too deeply');
    if (kw('not')) { i++; return { op: 'not', arg: parseNot(depth + 1) }; }
    if (i >= tokens.length) fail('condition ends unexpectedly');
    const tok = tokens[i];
    if (tok.t === '(') {
      i++;
      const e = parseOr(depth + 1);
      if (i >= tokens.length || tokens[i].t !== ')') fail(`missing ')' for '(' at column ${tok.at}`);
      i++;
      return e;
    }
    if (tok.t === ')' || ['and', 'or'].includes(tok.t.toLowerCase())) fail(`unexpected ${show(tok.t)} at column ${tok.at} of the condition`);
    i++;
    return { op: 'ref', ref: tok.t };
  };
  if (tokens.length === 0) fail('the condition is empty');
  const e = parseOr(0);
  if (i < tokens.length) fail(`unexpected ${show(tokens[i].t)} at column ${tokens[i].at} of the condition`);
  return e;
}

export function expressionRefs(e: CorrelationExpression, out: string[] = []): string[] {
  if (e.op === 'ref') { if (!out.includes(e.ref)) out.push(e.ref); } else if (e.op === 'not') expressionRefs(e.arg, out);
  else for (const a of e.args) expressionRefs(a, out);
  return out;
}

function isConjunctionOfAll(e: CorrelationExpression, rules: string[]): boolean {
  const leaves: string[] = [];
  const walk = (x: CorrelationExpression): boolean => {
    if (x.op === 'ref') { leaves.push(x.ref); return true; }
    if (x.op === 'and') return x.args.every(walk);
    return false;
  };
  return walk(e) && rules.every((r) => leaves.includes(r));
}

// --- retired pipe aggregations ---

/**
 * When `conditionText` (a detection `condition`) uses the retired Sigma 1 aggregation syntax
 * (`| count() by x > 5`, `| count(f) by x`, `| sum(f) …`, `| near …`), return a message naming the
 * correlation type that replaces it; otherwise undefined.
 */
export function describeDeprecatedAggregation(conditionText: string): string | undefined {
  if (typeof conditionText !== 'string') return undefined;
  const bar = conditionText.indexOf('|');
  if (bar < 0) return undefined;
  const agg = conditionText.slice(bar + 1).trim();
  const shown = agg.length > 80 ? agg.slice(0, 77) + '...' : agg;
  const lead = `the aggregation "| ${shown}" is retired since Sigma 2.0;`;
  const m = /^(count|sum|avg|min|max)\s*\(\s*([^)]*?)\s*\)\s*(?:by\s+([^<>=!]+?))?\s*(?:(<=|>=|==|!=|<|>|=)\s*(-?[0-9.]+))?\s*$/i.exec(agg);
  const opName: Record<string, string> = { '>': 'gt', '>=': 'gte', '<': 'lt', '<=': 'lte', '=': 'eq', '==': 'eq', '!=': 'neq' };
  if (m) {
    const fn = m[1].toLowerCase();
    const field = m[2];
    const by = m[3]?.trim();
    const cond = m[4] ? `${opName[m[4]]}: ${m[5]}` : 'gte: 1';
    const groupBy = by ? `, group-by: [${by.split(/\s*,\s*/).join(', ')}]` : '';
    let type: string;
    let condText = cond;
    if (fn === 'count') {
      type = field ? 'value_count' : 'event_count';
      if (field) condText = `field: ${field}, ${cond}`;
    } else if (fn === 'sum' || fn === 'avg') {
      type = `value_${fn}`;
      condText = `field: ${field || '<field>'}, ${cond}`;
    } else {
      // No min/max type exists; the 0th / 100th percentile is exactly the minimum / maximum.
      type = 'value_percentile';
      condText = `field: ${field || '<field>'}, percentile: ${fn === 'min' ? 0 : 100}, ${cond}`;
    }
    return `${lead} write a correlation rule of type ${type} that references this rule ` +
      `(correlation: {type: ${type}, rules: [<this rule's id or name>]${groupBy}, timespan: <window>, condition: {${condText}}})`;
  }
  if (/^near\b/i.test(agg) || /\bnear\b/i.test(agg)) {
    return `${lead} split the selections into separate rules and write a correlation rule of type temporal ` +
      '(any order) or temporal_ordered (listed order) with a timespan that references them';
  }
  return `${lead} aggregations are expressed as correlation rules (event_count, value_count, temporal, temporal_ordered, value_sum, value_avg, value_percentile, value_median)`;
}
