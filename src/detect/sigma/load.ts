// Load Sigma rule files: YAML (single and multi-document, rule collections with action
// global/reset/repeat) → validated rules (specification v2.1.0), filters and correlation documents.
// Every problem becomes a ClaimGuardError with a stable SIGMA_* code and file:line:column; the loader
// gathers every error and keeps loading the other documents and files (pySigma `collect_errors`).
//
// Speed: files are parsed with js-yaml (about 6x faster than `yaml` on the SigmaHQ corpus); only a
// file with an error is parsed again with `yaml`, whose node ranges give the error's line and column.
import { loadAll } from 'js-yaml';
import { ClaimGuardError, isSeverity, type ErrorCode, type LogSource, type RuleRef, type Severity } from '../../core/index.ts';
import type { CorrelationRule } from '../correlate/types.ts';
import { compileDetection, type CompileProblem, type YamlPath } from './compile.ts';
import type { ModifierContext } from './modifiers.ts';
import { documentStartLines, YamlLocator } from './locate.ts';
import type { CompiledRule, SigmaRuleMeta } from './types.ts';

export interface RuleSource {
  /** Display path, used in error locations. */
  file: string;
  text: string;
  /** Link for Alert.rule.source (e.g. the SigmaHQ GitHub URL); defaults to `file`. */
  sourceUrl?: string;
  /** Licence applying to the file's rules unless a rule names its own (e.g. "DRL-1.1"). */
  license?: string;
}

export type CorrelationParser = (doc: Record<string, unknown>, ctx: { file: string; line?: number; column?: number; source: string }) => CorrelationRule;

export interface LoadOptions {
  /** Placeholder values for `|expand`. */
  placeholders?: Record<string, string[]>;
  /** Parser for correlation documents; when absent they are kept in `pendingCorrelations`. */
  parseCorrelation?: CorrelationParser;
}

export interface SigmaFilter {
  title: string;
  id?: string;
  file: string;
  /** Rule ids, names or titles this filter applies to; empty = every rule. */
  rules: string[];
  logsource: LogSource;
  selections: Record<string, unknown>;
  condition: string;
  docIndex: number;
}

export interface RuleSet {
  rules: CompiledRule[];
  correlations: CorrelationRule[];
  filters: SigmaFilter[];
  /** Correlation documents not parsed because no correlation parser was available. */
  pendingCorrelations: { file: string; line?: number; title?: string }[];
  errors: ClaimGuardError[];
  /** Documents seen (rules + filters + correlations + rejected). */
  documents: number;
  files: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = ['stable', 'test', 'experimental', 'deprecated', 'unsupported'];
const RELATED_TYPES = ['derived', 'obsolete', 'merged', 'renamed', 'similar'];
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const LOGSOURCE_KEYS = ['category', 'product', 'service', 'definition'];
export const MAX_TITLE = 256;
export const MAX_DESCRIPTION = 65_535;
/** Documents per file (a hostile file cannot make the loader build unbounded state). */
export const MAX_DOCUMENTS_PER_FILE = 10_000;

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    out[k] = isRecord(v) && isRecord(out[k]) ? deepMerge(out[k] as Record<string, unknown>, v) : v;
  }
  return out;
}

interface Doc { index: number; body: Record<string, unknown> }

interface FileCtx {
  src: RuleSource;
  lines: number[];
  locator?: YamlLocator;
}

function err(fc: FileCtx, doc: number, code: ErrorCode, message: string, path: YamlPath = [], column?: number, onKey = false): ClaimGuardError {
  fc.locator ??= new YamlLocator(fc.src.text);
  const pos = fc.locator.locate(doc, path, column, onKey) ?? { line: fc.lines[doc] ?? 1, column: 1 };
  return new ClaimGuardError(code, message, { file: fc.src.file, line: pos.line, column: pos.column, ...(path.length ? { path: path.join('.') } : {}) });
}

/** Split a file into documents, resolving rule collections (action: global / reset / repeat). */
function documents(fc: FileCtx, errors: ClaimGuardError[]): Doc[] {
  let raw: unknown[];
  try {
    raw = loadAll(fc.src.text, { filename: fc.src.file }) as unknown[];
  } catch (e) {
    const mark = (e as { mark?: { line?: number; column?: number } }).mark;
    const reason = (e as { reason?: string }).reason ?? (e as Error).message;
    errors.push(new ClaimGuardError('SIGMA_YAML', `not valid YAML: ${reason}`, { file: fc.src.file, line: (mark?.line ?? 0) + 1, column: (mark?.column ?? 0) + 1 }));
    return [];
  }
  if (raw.length > MAX_DOCUMENTS_PER_FILE) {
    errors.push(new ClaimGuardError('SIGMA_LIMIT', `file has ${raw.length} YAML documents (limit ${MAX_DOCUMENTS_PER_FILE})`, { file: fc.src.file, line: 1, column: 1 }));
    return [];
  }
  ownStrings(raw, new Set());
  const out: Doc[] = [];
  let global: Record<string, unknown> | undefined;
  let prev: Record<string, unknown> | undefined;
  raw.forEach((d, index) => {
    if (d === null || d === undefined) return; // empty document (e.g. a trailing ---)
    if (!isRecord(d)) {
      errors.push(err(fc, index, 'SIGMA_INVALID_RULE', `a rule document must be a map, not ${Array.isArray(d) ? 'a list' : typeof d}`));
      return;
    }
    const action = d.action;
    const { action: _drop, ...body } = d;
    if (action === 'global') { global = global ? deepMerge(global, body) : body; prev = undefined; return; }
    if (action === 'reset') { global = undefined; prev = undefined; return; }
    let merged: Record<string, unknown>;
    if (action === 'repeat') {
      if (!prev) { errors.push(err(fc, index, 'SIGMA_INVALID_RULE', 'action: repeat needs a previous rule document in the same file', ['action'])); return; }
      merged = deepMerge(prev, body);
    } else if (action !== undefined) {
      errors.push(err(fc, index, 'SIGMA_INVALID_RULE', `unknown collection action ${JSON.stringify(action)} (expected global, reset or repeat)`, ['action']));
      return;
    } else {
      merged = global ? deepMerge(global, body) : body;
    }
    prev = merged;
    out.push({ index, body: merged });
  });
  return out;
}

/**
 * Replace, in place, every string of parsed YAML by its own copy: js-yaml's strings are slices of the
 * file's text, so one kept title or value kept the whole file alive (6 MB over SigmaHQ's corpus).
 * Each object is visited once (YAML aliases share objects, and may nest deeply).
 */
function ownStrings(v: unknown, seen: Set<object>): unknown {
  if (typeof v === 'string') return v.length < 13 ? v : (JSON.parse(JSON.stringify(v)) as string); // V8 copies shorter slices anyway
  if (typeof v !== 'object' || v === null || seen.has(v)) return v;
  seen.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) v[i] = ownStrings(v[i], seen);
  } else if (isRecord(v)) {
    for (const k of Object.keys(v)) v[k] = ownStrings(v[k], seen);
  }
  return v;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function stringList(fc: FileCtx, doc: number, body: Record<string, unknown>, key: string, problems: ClaimGuardError[]): string[] {
  const v = body[key];
  if (v === undefined || v === null) return [];
  if (typeof v === 'string') return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.map(String);
  problems.push(err(fc, doc, 'SIGMA_INVALID_RULE', `${key} must be a list of strings`, [key]));
  return [];
}

function parseLogsource(fc: FileCtx, doc: number, v: unknown, problems: ClaimGuardError[], what = 'logsource'): LogSource | undefined {
  if (v === undefined) { problems.push(err(fc, doc, 'SIGMA_MISSING_FIELD', `${what} is required`)); return undefined; }
  if (!isRecord(v)) { problems.push(err(fc, doc, 'SIGMA_INVALID_RULE', `${what} must be a map of category/product/service`, [what])); return undefined; }
  const ls: LogSource = {};
  for (const [k, x] of Object.entries(v)) {
    if (!LOGSOURCE_KEYS.includes(k)) continue; // custom logsource attributes are allowed and not evaluated
    if (typeof x !== 'string') { problems.push(err(fc, doc, 'SIGMA_INVALID_RULE', `${what}.${k} must be a string`, [what, k])); continue; }
    if (k === 'definition') continue;
    ls[k as 'category' | 'product' | 'service'] = x.toLowerCase();
  }
  return ls;
}

/** Validate the metadata of a detection rule document. */
function ruleMeta(fc: FileCtx, doc: Doc, problems: ClaimGuardError[]): SigmaRuleMeta | undefined {
  const b = doc.body;
  const i = doc.index;
  const title = b.title;
  if (title === undefined) problems.push(err(fc, i, 'SIGMA_MISSING_FIELD', 'title is required'));
  else if (typeof title !== 'string' || title.length === 0) problems.push(err(fc, i, 'SIGMA_INVALID_RULE', 'title must be a non-empty string', ['title']));
  else if (title.length > MAX_TITLE) problems.push(err(fc, i, 'SIGMA_INVALID_RULE', `title is longer than ${MAX_TITLE} characters`, ['title']));
  let id = b.id;
  if (id !== undefined && (typeof id !== 'string' || !UUID.test(id))) problems.push(err(fc, i, 'SIGMA_INVALID_RULE', `id must be a UUID, got ${JSON.stringify(id)}`, ['id']));
  if (b.name !== undefined && typeof b.name !== 'string') problems.push(err(fc, i, 'SIGMA_INVALID_RULE', 'name must be a string', ['name']));
  if (b.status !== undefined && (typeof b.status !== 'string' || !STATUSES.includes(b.status))) problems.push(err(fc, i, 'SIGMA_INVALID_RULE', `status must be one of ${STATUSES.join(', ')}`, ['status']));
  let level: Severity = 'medium';
  if (b.level !== undefined) {
    if (isSeverity(b.level)) level = b.level;
    else problems.push(err(fc, i, 'SIGMA_INVALID_RULE', `level must be one of informational, low, medium, high, critical (got ${JSON.stringify(b.level)})`, ['level']));
  }
  if (b.description !== undefined && (typeof b.description !== 'string' || b.description.length > MAX_DESCRIPTION)) problems.push(err(fc, i, 'SIGMA_INVALID_RULE', `description must be a string of at most ${MAX_DESCRIPTION} characters`, ['description']));
  for (const k of ['date', 'modified']) {
    const v = b[k];
    if (v !== undefined && !(typeof v === 'string' && DATE.test(v))) problems.push(err(fc, i, 'SIGMA_INVALID_RULE', `${k} must be a date YYYY-MM-DD (got ${JSON.stringify(v)})`, [k]));
  }
  if (b.author !== undefined && typeof b.author !== 'string') problems.push(err(fc, i, 'SIGMA_INVALID_RULE', 'author must be a string', ['author']));
  if (b.related !== undefined) {
    if (!Array.isArray(b.related)) problems.push(err(fc, i, 'SIGMA_INVALID_RULE', 'related must be a list of {id, type}', ['related']));
    else b.related.forEach((r, n) => {
      if (!isRecord(r) || typeof r.id !== 'string' || typeof r.type !== 'string' || !RELATED_TYPES.includes(r.type)) {
        problems.push(err(fc, i, 'SIGMA_INVALID_RULE', `related[${n}] must have an id and a type (${RELATED_TYPES.join(', ')})`, ['related', n]));
      }
    });
  }
  const tags = stringList(fc, i, b, 'tags', problems);
  const references = stringList(fc, i, b, 'references', problems);
  const falsepositives = stringList(fc, i, b, 'falsepositives', problems);
  if (b.fields !== undefined) stringList(fc, i, b, 'fields', problems);
  const logsource = parseLogsource(fc, i, b.logsource, problems);
  if (typeof id !== 'string') id = undefined;
  if (!logsource || typeof title !== 'string') return undefined;
  return {
    id: (id as string | undefined) ?? `file:${fc.src.file}#${i}`,
    ...(typeof b.name === 'string' ? { name: b.name } : {}),
    title,
    level,
    ...(typeof b.status === 'string' ? { status: b.status } : {}),
    author: str(b.author) ?? '',
    tags,
    ...(typeof b.description === 'string' ? { description: b.description } : {}),
    references,
    falsepositives,
    logsource,
    file: fc.src.file,
    line: fc.lines[i],
    source: fc.src.sourceUrl ?? fc.src.file,
    ...(str(b.license) ?? fc.src.license ? { license: str(b.license) ?? fc.src.license } : {}),
    ...(typeof b.regression_tests_path === 'string' ? { regressionTestsPath: b.regression_tests_path } : {}),
  };
}

function toRuleRef(m: SigmaRuleMeta): RuleRef {
  return { id: m.id, title: m.title, level: m.level, author: m.author, source: m.source, ...(m.license ? { license: m.license } : {}), tags: m.tags };
}


function parseFilter(fc: FileCtx, doc: Doc, problems: ClaimGuardError[]): SigmaFilter | undefined {
  const b = doc.body;
  const i = doc.index;
  const before = problems.length;
  if (typeof b.title !== 'string') problems.push(err(fc, i, 'SIGMA_FILTER', 'a filter needs a title'));
  if (b.id !== undefined && (typeof b.id !== 'string' || !UUID.test(b.id))) problems.push(err(fc, i, 'SIGMA_FILTER', 'id must be a UUID', ['id']));
  const logsource = parseLogsource(fc, i, b.logsource, problems);
  const f = b.filter;
  if (!isRecord(f)) { problems.push(err(fc, i, 'SIGMA_FILTER', 'filter must be a map with rules, selections and a condition', ['filter'])); return undefined; }
  let rules: string[] = [];
  if (f.rules === 'any' || f.rules === undefined || f.rules === null) rules = [];
  else if (typeof f.rules === 'string') rules = [f.rules];
  else if (Array.isArray(f.rules) && f.rules.every((x) => typeof x === 'string')) rules = f.rules as string[];
  else problems.push(err(fc, i, 'SIGMA_FILTER', 'filter.rules must be a list of rule ids or names (or "any")', ['filter', 'rules']));
  if (typeof f.condition !== 'string') problems.push(err(fc, i, 'SIGMA_FILTER', 'filter.condition must be a string', ['filter', 'condition']));
  const selections: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) if (k !== 'rules' && k !== 'condition') selections[k] = v;
  if (Object.keys(selections).length === 0) problems.push(err(fc, i, 'SIGMA_FILTER', 'filter has no selections', ['filter']));
  if (problems.length > before || !logsource) return undefined;
  return { title: b.title as string, ...(typeof b.id === 'string' ? { id: b.id } : {}), file: fc.src.file, rules, logsource, selections, condition: f.condition as string, docIndex: i };
}

/** Filters apply when every logsource attribute the filter names equals the rule's (pySigma). */
function filterApplies(f: SigmaFilter, meta: SigmaRuleMeta): boolean {
  for (const k of ['category', 'product', 'service'] as const) {
    if (f.logsource[k] !== undefined && f.logsource[k] !== meta.logsource[k]) return false;
  }
  if (f.rules.length === 0) return true;
  return f.rules.some((r) => r === meta.id || r === meta.name || r === meta.title);
}

function locateProblem(fc: FileCtx, docIndex: number, p: CompileProblem): ClaimGuardError {
  return err(fc, docIndex, p.code, p.message, p.path, p.column, p.onKey);
}

/** Load and compile rule files. Never throws for bad rules: problems land in `errors`. */
export function loadRuleSources(sources: RuleSource[], opts: LoadOptions = {}): RuleSet {
  const errors: ClaimGuardError[] = [];
  const ctx: ModifierContext = { placeholders: opts.placeholders ?? {} };
  const filters: { f: SigmaFilter; fc: FileCtx }[] = [];
  const correlations: CorrelationRule[] = [];
  const pendingCorrelations: RuleSet['pendingCorrelations'] = [];
  const rules: CompiledRule[] = [];
  let documentsSeen = 0;

  // Filters apply to rules of every file, so files holding a top-level `filter:` are read first.
  // Every other file is parsed and compiled one at a time, so its YAML tree dies young.
  const early = new Map<RuleSource, { fc: FileCtx; docs: Doc[] }>();
  for (const src of sources) {
    if (!/(^|[{,\s"'])filter["']?\s*:/m.test(src.text)) continue; // may pick too many files, never too few
    const fc: FileCtx = { src, lines: documentStartLines(src.text) };
    const docs = documents(fc, errors);
    early.set(src, { fc, docs });
    for (const doc of docs) {
      if ('filter' in doc.body && !('detection' in doc.body) && !('correlation' in doc.body)) {
        const f = parseFilter(fc, doc, errors);
        if (f) filters.push({ f, fc });
      }
    }
  }

  const compileRule = (fc: FileCtx, doc: Doc, meta: SigmaRuleMeta): void => {
    const problems: CompileProblem[] = [];
    const detection = doc.body.detection as Record<string, unknown>;
    const det = compileDetection(detection, ctx, problems);
    if (!det) {
      for (const p of problems) errors.push(locateProblem(fc, doc.index, p));
      return;
    }
    let test = det.test;
    const applicable = filters.length ? filters.filter(({ f }) => filterApplies(f, meta)) : [];
    if (applicable.length) {
      const fProblems: CompileProblem[] = [];
      const withFilters = compileDetection(detection, ctx, fProblems,
        applicable.map(({ f }) => ({ sels: f.selections, condition: f.condition, path: ['filter'] })));
      if (!withFilters) {
        for (const { f, fc: ffc } of applicable) for (const p of fProblems) errors.push(locateProblem(ffc, f.docIndex, { ...p, code: p.code === 'SIGMA_CONDITION' ? 'SIGMA_FILTER' : p.code }));
        return;
      }
      test = withFilters.test;
    }
    rules.push({ meta, ref: toRuleRef(meta), test, explain: det.explain, ...(det.eventIds ? { eventIds: det.eventIds } : {}), ...(det.witness ? { witness: det.witness } : {}), ...(det.clauses ? { clauses: det.clauses } : {}) });
  };

  for (const src of sources) {
    const pre = early.get(src);
    const fc: FileCtx = pre?.fc ?? { src, lines: documentStartLines(src.text) };
    for (const doc of pre?.docs ?? documents(fc, errors)) {
      documentsSeen++;
      const b = doc.body;
      if ('correlation' in b) {
        if (!opts.parseCorrelation) { pendingCorrelations.push({ file: src.file, line: fc.lines[doc.index], ...(typeof b.title === 'string' ? { title: b.title } : {}) }); continue; }
        try {
          correlations.push(opts.parseCorrelation(b, { file: src.file, line: fc.lines[doc.index], column: 1, source: src.sourceUrl ?? src.file }));
        } catch (e) {
          if (e instanceof ClaimGuardError) errors.push(e);
          else errors.push(err(fc, doc.index, 'SIGMA_CORRELATION', `correlation rule could not be read: ${(e as Error).message}`));
        }
        continue;
      }
      if ('filter' in b && !('detection' in b)) continue; // read in the first pass
      if (!('detection' in b)) {
        errors.push(err(fc, doc.index, 'SIGMA_MISSING_FIELD', 'document is neither a rule (detection), a filter (filter) nor a correlation (correlation)'));
        continue;
      }
      const before = errors.length;
      const meta = ruleMeta(fc, doc, errors);
      if (!isRecord(b.detection)) { errors.push(err(fc, doc.index, 'SIGMA_INVALID_RULE', 'detection must be a map of search identifiers and a condition', ['detection'])); continue; }
      if (meta && errors.length === before) compileRule(fc, doc, meta);
      else if (meta) {
        // Metadata problems already recorded; still compile to report detection problems too.
        const problems: CompileProblem[] = [];
        compileDetection(b.detection, ctx, problems);
        for (const p of problems) errors.push(locateProblem(fc, doc.index, p));
      }
    }
  }
  const order = new Map(sources.map((s, i) => [s.file, i]));
  errors.sort((a, b) => (order.get(a.location?.file ?? '') ?? 0) - (order.get(b.location?.file ?? '') ?? 0)
    || (a.location?.line ?? 0) - (b.location?.line ?? 0) || (a.location?.column ?? 0) - (b.location?.column ?? 0));
  return { rules, correlations, filters: filters.map((x) => x.f), pendingCorrelations, errors, documents: documentsSeen, files: sources.length };
}
