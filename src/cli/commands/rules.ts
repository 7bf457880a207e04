// `claimguard rules validate DIR…` and `claimguard rules test [DIR…]`, plus the rule-directory loading
// that `hunt` shares: walk directories for *.yml / *.yaml (skipping *.tests.yml regression files and
// dot-files), attach the SigmaHQ source link and licence to rules from a SigmaHQ checkout, and load
// everything through detect/.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { ClaimGuardError, newId, type Alert, type Event, type Fields, type LogSource } from '../../core/index.ts';
import { createDetector, loadRuleSources, type RuleSet, type RuleSource } from '../../detect/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIO, Command } from '../io.ts';

/** The repository's own rules/ directory (hunt's default). */
export const DEFAULT_RULES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'rules');
export const SIGMAHQ_BLOB = 'https://github.com/SigmaHQ/sigma/blob/master/';
const SIGMAHQ_MARKERS = ['LICENSE.sigmahq.md', 'LICENSE.Detection.Rules.md'];

function isRuleFile(name: string): boolean {
  return /\.ya?ml$/i.test(name) && !/\.tests\.ya?ml$/i.test(name) && !name.startsWith('.');
}

/** Every rule file under the paths (files given directly are taken as they are), sorted. */
export function ruleFiles(paths: string[], cwd: string, pick: (name: string) => boolean = isRuleFile): { files: string[]; errors: ClaimGuardError[] } {
  const files: string[] = [];
  const errors: ClaimGuardError[] = [];
  const walk = (abs: string): void => {
    let entries;
    try {
      entries = readdirSync(abs, { withFileTypes: true });
    } catch (e) {
      errors.push(new ClaimGuardError('INPUT_READ', `cannot read directory: ${(e as Error).message}`, { file: abs }));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const p = join(abs, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && pick(e.name)) files.push(p);
    }
  };
  for (const p of paths) {
    const abs = resolve(cwd, p);
    let st;
    try { st = statSync(abs); } catch { errors.push(new ClaimGuardError('INPUT_NOT_FOUND', `rules path not found: ${p}`, { file: p })); continue; }
    if (st.isDirectory()) walk(abs);
    else files.push(abs);
  }
  return { files, errors };
}

/** For a file inside a SigmaHQ checkout: its GitHub link and the DRL licence. */
function sigmaHqOrigin(file: string, cache: Map<string, string | null>): { url: string; license: string } | undefined {
  let dir = dirname(file);
  const visited: string[] = [];
  let root: string | null | undefined;
  for (let i = 0; i < 12; i++) {
    const hit = cache.get(dir);
    if (hit !== undefined) { root = hit; break; }
    visited.push(dir);
    if (SIGMAHQ_MARKERS.some((m) => existsSync(join(dir, m)))) { root = dir; break; }
    const up = dirname(dir);
    if (up === dir) { root = null; break; }
    dir = up;
  }
  for (const v of visited) cache.set(v, root ?? null);
  if (!root) return undefined;
  return { url: SIGMAHQ_BLOB + relative(root, file).split('\\').join('/'), license: 'DRL-1.1' };
}

export interface LoadedRules { set: RuleSet; files: string[] }

/** Load every rule under the paths. File-level problems join the rule errors. */
export function loadRuleDirs(paths: string[], cwd: string, opts: { placeholders?: Record<string, string[]> } = {}): LoadedRules {
  const { files, errors } = ruleFiles(paths, cwd);
  const cache = new Map<string, string | null>();
  const sources: RuleSource[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      errors.push(new ClaimGuardError('INPUT_READ', `cannot read rule file: ${(e as Error).message}`, { file: relative(cwd, f) || f }));
      continue;
    }
    const origin = sigmaHqOrigin(f, cache);
    sources.push({ file: relative(cwd, f) || f, text, ...(origin ? { sourceUrl: origin.url, license: origin.license } : {}) });
  }
  const set = loadRuleSources(sources, opts);
  set.errors.unshift(...errors);
  return { set, files };
}

/** "1,234 rules loaded from 3,754 files; 2 rejected" and reasons grouped by code. */
export function ruleSummary(set: RuleSet): string[] {
  const lines = [`${set.rules.length} rules, ${set.correlations.length} correlations, ${set.filters.length} filters loaded from ${set.files} files; ${set.errors.length} problem(s)`];
  if (set.pendingCorrelations.length) lines.push(`${set.pendingCorrelations.length} correlation documents not evaluated (no correlation engine)`);
  const byCode = new Map<string, number>();
  for (const e of set.errors) byCode.set(e.code, (byCode.get(e.code) ?? 0) + 1);
  for (const [code, n] of [...byCode].sort((a, b) => b[1] - a[1])) lines.push(`  ${code}: ${n}`);
  return lines;
}

// ------------------------------------------------------------------------------------------------
// Regression cases: `<rule file name without .yml>.tests.yml` beside a rule file (docs/sigma.md).

interface TestCase {
  name: string;
  expect: 'match' | 'no_match';
  count?: number;
  rule?: string;
  events: Event[];
}

function caseEvents(raw: unknown, where: string): Event[] {
  if (!Array.isArray(raw) || raw.length === 0) throw new ClaimGuardError('SIGMA_INVALID_RULE', `${where}: events must be a non-empty list`);
  return raw.map((e: unknown, i: number) => {
    if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new ClaimGuardError('SIGMA_INVALID_RULE', `${where}: events[${i}] must be a map`);
    const o = e as Record<string, unknown>;
    const hasFields = typeof o.fields === 'object' && o.fields !== null;
    const fields = (hasFields ? o.fields : Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'logsource' && k !== 'time'))) as Fields;
    const ls = (typeof o.logsource === 'object' && o.logsource !== null ? o.logsource : {}) as LogSource;
    let time = i * 1000;
    if (typeof o.time === 'number') time = o.time;
    else if (typeof o.time === 'string') {
      const t = Date.parse(o.time);
      if (!Number.isFinite(t)) throw new ClaimGuardError('SIGMA_INVALID_RULE', `${where}: events[${i}].time is not a timestamp`);
      time = t;
    }
    return { id: newId(time), time, ingested: time, tenant: 'test', source: where, logsource: ls, fields };
  });
}

function parseTests(file: string, text: string): { rule?: string; cases: TestCase[] } {
  let doc: unknown;
  try { doc = parseYaml(text); } catch (e) { throw new ClaimGuardError('SIGMA_YAML', `not valid YAML: ${(e as Error).message}`, { file }); }
  if (typeof doc !== 'object' || doc === null) throw new ClaimGuardError('SIGMA_INVALID_RULE', 'a tests file must be a map with `cases`', { file });
  const d = doc as Record<string, unknown>;
  if (!Array.isArray(d.cases)) throw new ClaimGuardError('SIGMA_INVALID_RULE', 'a tests file needs a `cases` list', { file });
  const cases = d.cases.map((c: unknown, i: number): TestCase => {
    const o = (c ?? {}) as Record<string, unknown>;
    const where = `${file} cases[${i}]`;
    const expect = o.expect ?? 'match';
    if (expect !== 'match' && expect !== 'no_match') throw new ClaimGuardError('SIGMA_INVALID_RULE', `${where}: expect must be match or no_match`, { file });
    if (o.count !== undefined && !(Number.isInteger(o.count) && (o.count as number) >= 0)) throw new ClaimGuardError('SIGMA_INVALID_RULE', `${where}: count must be a whole number`, { file });
    return {
      name: typeof o.name === 'string' ? o.name : `case ${i + 1}`,
      expect,
      ...(typeof o.count === 'number' ? { count: o.count } : {}),
      ...(typeof o.rule === 'string' ? { rule: o.rule } : {}),
      events: caseEvents(o.events, where),
    };
  });
  return { ...(typeof d.rule === 'string' ? { rule: d.rule } : {}), cases };
}

export interface TestOutcome { file: string; name: string; ok: boolean; detail: string }

/** Run one tests file against its sibling rule file. */
export function runRuleTests(testsFile: string, display: string): TestOutcome[] {
  const base = testsFile.replace(/\.tests\.ya?ml$/i, '');
  const ruleFile = ['.yml', '.yaml'].map((x) => base + x).find((p) => existsSync(p));
  if (!ruleFile) return [{ file: display, name: '(file)', ok: false, detail: `no rule file ${basename(base)}.yml beside the tests file` }];
  const { set } = loadRuleDirs([ruleFile], dirname(ruleFile));
  if (set.errors.length) return [{ file: display, name: '(rule)', ok: false, detail: set.errors.map((e) => e.format()).join('; ') }];
  let spec;
  try { spec = parseTests(display, readFileSync(testsFile, 'utf8')); } catch (e) {
    return [{ file: display, name: '(file)', ok: false, detail: e instanceof ClaimGuardError ? e.format() : String(e) }];
  }
  const out: TestOutcome[] = [];
  for (const c of spec.cases) {
    const target = c.rule ?? spec.rule ?? (set.correlations[0]?.ref.id ?? set.rules[0]?.meta.id);
    const ids = new Set<string>();
    for (const r of set.rules) if (r.meta.id === target || r.meta.name === target || r.meta.title === target) ids.add(r.meta.id);
    for (const r of set.correlations) if (r.ref.id === target || r.name === target || r.ref.title === target) ids.add(r.ref.id);
    if (ids.size === 0) { out.push({ file: display, name: c.name, ok: false, detail: `rule ${JSON.stringify(target)} is not in ${basename(ruleFile)}` }); continue; }
    const det = createDetector({ rules: set.rules, correlations: set.correlations });
    const alerts: Alert[] = [];
    for (const ev of c.events) alerts.push(...det.process(ev));
    alerts.push(...det.flush());
    const n = alerts.filter((a) => ids.has(a.rule.id)).length;
    let ok: boolean;
    let want: string;
    if (c.expect === 'no_match') { ok = n === 0; want = 'no alert'; }
    else if (c.count !== undefined) { ok = n === c.count; want = `${c.count} alert(s)`; }
    else { ok = n >= 1; want = 'at least 1 alert'; }
    out.push({ file: display, name: c.name, ok, detail: `expected ${want}, got ${n}` });
  }
  return out;
}

const HELP = `Usage: claimguard rules validate <dir|file>…
       claimguard rules test [<dir|file>…]

validate  Load every Sigma rule, filter and correlation under the paths (*.yml, *.yaml) and print every
          problem as file:line:column: message [CODE], then the counts of loaded and rejected rules
          with the reasons grouped by code. Exit 2 when any problem was found, 0 otherwise.
test      Run rule regression cases: for each <rule>.tests.yml beside a rule file <rule>.yml, feed
          its cases' events through a detector holding that file's rules and compare the alerts
          with the expectation (format in docs/sigma.md). Default path: the repository's rules/.
          Exit 1 when a case fails.

Options:
  --placeholder NAME=V1,V2   values for %NAME% placeholders used with |expand (repeatable)
  -h, --help                 this help
`;

export function parsePlaceholders(list: string[] | undefined): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const p of list ?? []) {
    const eq = p.indexOf('=');
    if (eq <= 0) throw new ClaimGuardError('CLI_USAGE', `--placeholder must look like NAME=value1,value2 (got "${p}")`);
    out[p.slice(0, eq).replace(/^%|%$/g, '')] = p.slice(eq + 1).split(',');
  }
  return out;
}

async function validate(paths: string[], placeholders: Record<string, string[]>, io: CliIO): Promise<number> {
  if (paths.length === 0) throw new ClaimGuardError('CLI_USAGE', 'rules validate needs at least one directory or file');
  const { set } = loadRuleDirs(paths, io.cwd, { placeholders });
  for (const e of set.errors) io.stdout.write(e.format() + '\n');
  for (const line of ruleSummary(set)) io.stdout.write(line + '\n');
  return set.errors.length ? 2 : 0;
}

async function test(paths: string[], io: CliIO): Promise<number> {
  const roots = paths.length ? paths : [DEFAULT_RULES_DIR];
  const { files, errors } = ruleFiles(roots, io.cwd, (n) => /\.tests\.ya?ml$/i.test(n));
  for (const e of errors) io.stderr.write(e.format() + '\n');
  let failed = 0;
  let passed = 0;
  for (const f of files) {
    for (const o of runRuleTests(f, relative(io.cwd, f) || f)) {
      if (o.ok) passed++; else failed++;
      io.stdout.write(`${o.ok ? 'PASS' : 'FAIL'}  ${o.file}  ${o.name}: ${o.detail}\n`);
    }
  }
  io.stdout.write(`${passed} passed, ${failed} failed (${files.length} tests files)\n`);
  if (errors.length && files.length === 0) return 2;
  return failed ? 1 : 0;
}

export const command: Command = {
  summary: 'validate Sigma rules and run their regression cases',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(argv, { placeholder: { type: 'string', multiple: true } });
    const [sub, ...paths] = positionals;
    const placeholders = parsePlaceholders(values.placeholder as string[] | undefined);
    if (sub === 'validate') return validate(paths, placeholders, io);
    if (sub === 'test') return test(paths, io);
    throw new ClaimGuardError('CLI_USAGE', sub ? `unknown rules subcommand "${sub}" (validate or test)` : 'rules needs a subcommand: validate or test');
  },
};
