// `claimguard demo`: generate the Lone Star Billing Partners telemetry, ingest it, run detection
// (Sigma rules + correlations, login geography, billing audit-trail and X12 watches), store the
// alerts and print how the five scripted attacks fared. `--generate DIR` only writes the files.
// Each stage is one small function; a stage that fails with a ClaimGuardError is reported and the others still run.
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ClaimGuardError, type Alert, type Event, type Store } from '../../core/index.ts';
import {
  generateDemo, scoreAlerts, validateOptions, DEFAULT_DAYS, DEFAULT_END, DEFAULT_SEED, MIN_DAYS, MAX_DAYS,
  APPROVALS_FILE, NETWORKS_FILE, ROSTER_FILE, TRUSTED_NETWORKS, EXPECTED_RULES, LOG_FILES, DEMO_TENANT, OFFICE_SCHEDULE, X12_DIRS,
  type GroundTruth, type Score,
} from '../../demo/index.ts';
import { openStore, type SqliteStore } from '../../store/index.ts';
import { ingestFiles, type IngestSummary } from '../../pipeline/index.ts';
import * as detect from '../../detect/index.ts';
import * as billing from '../../billing/index.ts';
import { createLoginWatch } from '../../detect/index.ts';
import { parseNetworkTable, parseRoster, createAuditTrailWatch } from '../../billing/index.ts';
import { loadRuleDirs, DEFAULT_RULES_DIR } from './rules.ts';
import { choice, parseCommandArgs } from '../args.ts';
import type { CliIO, Command } from '../io.ts';


const HELP = `Usage: claimguard demo [--seed N] [--days N] [--end YYYY-MM-DD] [--out DIR] [--data-dir DIR]
                      [--rules DIR]... [--format text|json]
       claimguard demo --generate DIR [--seed N] [--days N] [--end YYYY-MM-DD]

The demo company is "Lone Star Billing Partners" (Austin, Texas; 45 staff; 12 provider clients;
fictitious). Its telemetry is generated deterministically from the seed: Windows Security/Sysmon
(evtx_dump JSON Lines), sshd syslog from the SFTP host that receives ERAs, Microsoft 365 audit and
Entra sign-ins, FortiGate VPN/firewall CEF, the practice-management audit trail and staff roster
CSVs, and X12 835/837P files, over a window of business days with five scripted attacks:
  (a) VPN password spraying -> valid login -> RDP -> ransomware precursors
  (b) phished mailbox -> external forwarding rule -> 835 payee bank-account change
  (c) billing clerk views hundreds of patient accounts after hours and exports them
  (d) brute force on the SFTP host
  (e) a terminated employee's account used again
Ground truth is written to DIR/attacks.json.

Without --generate (this is what \`npm start\` runs): generate into --out, ingest the logs into the
store, run detection (rules/ Sigma rules and correlations, login geography, billing audit-trail
watch, X12 remittance and claim watches), store the alerts, and print events per source, alerts by
rule and severity, each attack and whether it was detected, and the false positives on normal days.

Options:
  --generate DIR    only write the demo files into DIR (created; an existing demo directory is
                    replaced; any other non-empty directory is refused)
  --seed N          PRNG seed, 0..4294967295 (default ${DEFAULT_SEED}); same seed -> same bytes
  --days N          days of telemetry, ${MIN_DAYS}..${MAX_DAYS} (default ${DEFAULT_DAYS}); the attacks are in the last ${MIN_DAYS}
  --end DATE        last day of the window (default ${DEFAULT_END})
  --out DIR         where the full run generates its files (default ./demo-data)
  --data-dir DIR    the store (default ./claimguard-data); earlier demo data in it is replaced
  --rules DIR       rule files or directories (repeatable; default the repository's rules/)
  --format F        text (default) or json: one JSON object with the whole summary on stdout
  -h, --help        this text

Exit codes: 0 every attack detected; 1 an attack was missed or a stage failed; 2 bad options.
See docs/demo.md.`;

export const command: Command = {
  summary: 'generate the demo billing company, ingest it, detect the five attacks (npm start)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      generate: { type: 'string' }, seed: { type: 'string' }, days: { type: 'string' }, end: { type: 'string' },
      out: { type: 'string' }, 'data-dir': { type: 'string' }, rules: { type: 'string', multiple: true }, format: { type: 'string' },
    });
    if (positionals.length) throw new ClaimGuardError('CLI_USAGE', `unexpected argument "${positionals[0]}"`);
    const format = choice('format', values.format, ['text', 'json'] as const, 'text');
    const options = demoOptions(values);
    if (values.generate !== undefined) {
      const dir = resolve(io.cwd, values.generate);
      const g = stageGenerate(dir, options, io);
      io.stdout.write(`wrote ${g.files} files (${mb(g.bytes)}) for ${g.truth.company}, ${g.truth.days} days to ${dir}\n`
        + g.truth.attacks.map((a) => `  (${a.id}) ${a.start.replace('T', ' ').slice(0, 16)} UTC  ${a.title}\n`).join('')
        + `ground truth: ${join(dir, 'attacks.json')}\n`);
      return 0;
    }
    return fullRun(values, options, format, io);
  },
};

function demoOptions(values: { seed?: string; days?: string; end?: string }): { seed: number; days: number; end: string } {
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v)) throw new ClaimGuardError('CLI_USAGE', `--${name} must be a whole number (got "${v}")`);
    return Number(v);
  };
  try {
    const seed = int('seed', values.seed), days = int('days', values.days);
    return validateOptions({ ...(seed !== undefined ? { seed } : {}), ...(days !== undefined ? { days } : {}), ...(values.end !== undefined ? { end: values.end } : {}) });
  } catch (e) {
    if (e instanceof RangeError) throw new ClaimGuardError('CLI_USAGE', e.message);
    throw e;
  }
}

function mb(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}

// ------------------------------------------------------------------------------------------------
// Stages

/** Files and directories the generator owns inside its output directory. */
const OWNED = ['README.md', 'attacks.json', 'company.json', 'windows', 'linux', 'm365', 'network', 'pm', 'x12', 'reference'];

/** Writes the demo into `dir`, replacing an earlier demo there; refuses a directory holding anything else. */
export function stageGenerate(dir: string, options: { seed: number; days: number; end: string }, io: CliIO): { truth: GroundTruth; files: number; bytes: number } {
  if (existsSync(dir)) {
    const entries = readdirSync(dir).filter((n) => !n.startsWith('.'));
    const foreign = entries.filter((n) => !OWNED.includes(n));
    if (entries.length && (!existsSync(join(dir, 'attacks.json')) || foreign.length)) {
      throw new ClaimGuardError('CLI_USAGE', `${dir} is not empty and is not a demo directory (found ${(foreign[0] ?? entries[0])}); choose an empty or new directory`);
    }
    try {
      for (const n of entries) rmSync(join(dir, n), { recursive: true, force: true });
    } catch (e) {
      throw new ClaimGuardError('OUTPUT_WRITE', `cannot replace the earlier demo in ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: dir }, { cause: e });
    }
  }
  io.stderr.write(`demo: generating ${options.days} days of telemetry (seed ${options.seed}, ending ${options.end})…\n`);
  const out = generateDemo(options);
  let bytes = 0;
  const made = new Set<string>();
  for (const [rel, text] of out.files) {
    const path = join(dir, rel);
    try {
      const parent = dirname(path);
      if (!made.has(parent)) { mkdirSync(parent, { recursive: true }); made.add(parent); }
      writeFileSync(path, text);
    } catch (e) {
      throw new ClaimGuardError('OUTPUT_WRITE', `cannot write ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: path }, { cause: e });
    }
    bytes += Buffer.byteLength(text);
  }
  return { truth: out.truth, files: out.files.size, bytes };
}

/** Opens the store and removes the previous demo run's events and alerts (tenant-scoped). */
export function stageOpenStore(dataDir: string): { store: SqliteStore; replaced: number } {
  const store = openStore({ dataDir, synchronous: 'NORMAL' });
  const replaced = store.events.count({ tenant: DEMO_TENANT });
  if (replaced > 0) store.deleteTenant(DEMO_TENANT, 'claimguard demo');
  return { store, replaced };
}

/** Ingests the demo's log files through the ordinary ingest path, keeping the events for detection. */
export async function stageIngest(store: Store, dir: string, truth: GroundTruth, io: CliIO): Promise<{ summary: IngestSummary; events: Event[] }> {
  const events: Event[] = [];
  const tee: Pick<Store, 'events'> = {
    events: {
      insertBatch: (batch) => { for (const e of batch) events.push(e); return store.events.insertBatch(batch); },
      query: (q) => store.events.query(q),
      count: (q) => store.events.count(q),
      prune: (before) => store.events.prune(before),
    },
  };
  io.stderr.write(`demo: ingesting ${LOG_FILES.length} log files…\n`);
  const summary = await ingestFiles({
    paths: LOG_FILES, cwd: dir, store: tee, tenant: DEMO_TENANT,
    // Syslog lines carry no year: infer it from the end of the demo window, not from today.
    referenceTime: Date.parse(truth.to) + 86_400_000,
    timeZone: 'UTC',
  });
  events.sort((a, b) => a.time - b.time);
  return { summary, events };
}

export interface StageResult {
  name: string;
  alerts: Alert[];
  /** Set when the stage could not run; the message says why. */
  skipped?: string;
  detail?: string;
}

/** Sigma rules and correlations from rules/ over every event, in time order. */
export async function stageSigma(events: Event[], rulePaths: string[], cwd: string): Promise<StageResult> {
  const existing = rulePaths.filter((p) => existsSync(resolve(cwd, p)));
  if (existing.length === 0) return { name: 'sigma', alerts: [], skipped: `no rule directory found (${rulePaths.join(', ')})` };
  const { set } = loadRuleDirs(existing, cwd);
  if (set.rules.length === 0) return { name: 'sigma', alerts: [], skipped: `no Sigma rules loaded from ${existing.join(', ')} (${set.errors.length} problems)` };
  const detector = detect.createDetector({ rules: set.rules, correlations: set.correlations });
  const alerts: Alert[] = [];
  for (const e of events) for (const a of detector.process(e)) alerts.push(a);
  alerts.push(...detector.flush());
  return { name: 'sigma', alerts, detail: `${set.rules.length} rules, ${set.correlations.length} correlations${set.errors.length ? `, ${set.errors.length} rule problems` : ''}` };
}

function readTable(dir: string, rel: string): string {
  return readFileSync(join(dir, rel), 'utf8');
}

/** New country / impossible travel for VPN, Entra and SSH logins. */
export async function stageLogins(events: Event[], dir: string): Promise<StageResult> {
  const { table } = parseNetworkTable(readTable(dir, NETWORKS_FILE), NETWORKS_FILE);
  // The watch itself joins identities across sources ("dnguyen", "dnguyen@…" → one principal) and
  // compares countries as ISO codes whatever the source writes ("United States" from FortiGate, "US"
  // from Entra); the operator's table fills in countries for events that carry none.
  const watch = createLoginWatch({ countries: table, tenant: DEMO_TENANT });
  const alerts: Alert[] = [];
  for (const e of events) alerts.push(...watch.process(e));
  return { name: 'login geography', alerts };
}

/** Billing-application audit trail against the roster, the office's hours and each user's history. */
export async function stageAuditTrail(events: Event[], dir: string): Promise<StageResult> {
  const roster = parseRoster(readTable(dir, ROSTER_FILE), ROSTER_FILE, 'America/Chicago');
  const { table } = parseNetworkTable(readTable(dir, NETWORKS_FILE), NETWORKS_FILE);
  const watch = createAuditTrailWatch({
    tenant: DEMO_TENANT, timeZone: 'America/Chicago', roster: roster.rows, countries: table, trustedNetworks: TRUSTED_NETWORKS,
    // The office is open 06:00–20:00 on weekdays (the early shift starts at 07:00, people come in before).
    schedule: OFFICE_SCHEDULE,
    // Credentialing specialists file EFT enrollment updates; their bank edits are reviewed, not escalated.
    bankEditRoles: ['billing_manager', 'credentialing'],
  });
  const alerts: Alert[] = [];
  for (const e of events) {
    if (e.logsource.product !== 'billing') continue;
    alerts.push(...watch.process(e));
  }
  return { name: 'billing audit trail', alerts, detail: `roster of ${roster.rows.length} accounts` };
}

/** X12 835 remittance watch (payment redirection) and 837 claim watch over the files in time order. */
export async function stageX12(dir: string, truth: GroundTruth): Promise<StageResult> {
  const files: string[] = [];
  for (const sub of X12_DIRS) {
    const abs = join(dir, sub);
    if (existsSync(abs)) for (const n of readdirSync(abs)) files.push(join(sub, n));
  }
  // Files are named <CCYYMMDD>_…: name order is arrival order; 837s and 835s are merged by date.
  files.sort((a, b) => a.split('/').pop()!.localeCompare(b.split('/').pop()!));
  const company = JSON.parse(readTable(dir, 'company.json')) as { clearinghouse: { submitterId: string; receiverId: string } };
  let state = billing.newBillingState({ submitters: [company.clearinghouse.submitterId], receivers: [company.clearinghouse.receiverId] });
  // Documented EFT enrollment updates: each silences the remittance alert for its one change.
  let approvals = 0;
  if (existsSync(join(dir, APPROVALS_FILE))) {
    const rows = readTable(dir, APPROVALS_FILE).trim().split(/\r?\n/).slice(1).filter((l) => l.trim() !== '');
    for (const row of rows) {
      const [payee, payer, routing, account, approvedBy, approvedAt, reference] = row.split(',');
      state = { ...state, remit: billing.approveAccountChange(state.remit, { payee, payer, routing, account, approvedBy, approvedAt, reference }) };
      approvals++;
    }
  }
  const alerts: Alert[] = [];
  let parseErrors = 0, claims = 0;
  for (const rel of files) {
    const parsed = billing.parseX12(readFileSync(join(dir, rel)), { file: rel });
    parseErrors += parsed.errors.length;
    for (const t of parsed.transactions) claims += billing.claimCount(t);
    const r = billing.watchTransactions(state, parsed.transactions, { tenant: DEMO_TENANT });
    state = r.state;
    alerts.push(...r.alerts);
  }
  const volume = billing.checkRemittanceVolume(state.remit, Date.parse(truth.to), { tenant: DEMO_TENANT });
  alerts.push(...volume.alerts);
  return { name: 'X12 remittance and claim watches', alerts, detail: `${files.length} files, ${claims} claims, ${approvals} approved EFT changes${parseErrors ? `, ${parseErrors} parse errors` : ''}` };
}

export function stageStoreAlerts(store: Store, alerts: Alert[]): number {
  // Alerts carry their triggering events for scoring; the store keeps event ids only.
  return store.alerts.insertBatch(alerts.map(({ events: _events, ...a }) => a));
}

// ------------------------------------------------------------------------------------------------
// The full run

async function fullRun(values: { out?: string; 'data-dir'?: string; rules?: string[] }, options: { seed: number; days: number; end: string }, format: 'text' | 'json', io: CliIO): Promise<number> {
  const started = performance.now();
  const timings: Record<string, number> = {};
  let mark = started;
  const lap = (name: string): void => { const now = performance.now(); timings[name] = (now - mark) / 1000; mark = now; };
  const dir = resolve(io.cwd, values.out ?? 'demo-data');
  const dataDir = resolve(io.cwd, values['data-dir'] ?? 'claimguard-data');
  const gen = stageGenerate(dir, options, io);
  lap('generate');
  const { store, replaced } = stageOpenStore(dataDir);
  try {
    const { summary, events } = await stageIngest(store, dir, gen.truth, io);
    lap('ingest');
    io.stderr.write(`demo: detecting over ${events.length.toLocaleString('en-US')} events…\n`);
    const stages: StageResult[] = [];
    const run = async (name: string, fn: () => Promise<StageResult>): Promise<void> => {
      try {
        stages.push(await fn());
      } catch (e) {
        if (e instanceof ClaimGuardError) stages.push({ name, alerts: [], skipped: e.message });
        else throw e;
      }
    };
    await run('sigma', () => stageSigma(events, values.rules?.length ? values.rules : [DEFAULT_RULES_DIR], io.cwd));
    await run('login geography', () => stageLogins(events, dir));
    await run('billing audit trail', () => stageAuditTrail(events, dir));
    await run('X12 remittance and claim watches', () => stageX12(dir, gen.truth));
    const alerts = stages.flatMap((s) => s.alerts).sort((a, b) => a.time - b.time);
    lap('detect');
    const stored = stageStoreAlerts(store, alerts);
    const score = scoreAlerts(gen.truth, alerts, EXPECTED_RULES);
    lap('store alerts');
    const seconds = (performance.now() - started) / 1000;
    const report = { dir, dataDir, replacedEvents: replaced, seconds, timings, truth: gen.truth, ingest: summary, stages, storedAlerts: stored, score };
    if (format === 'json') io.stdout.write(JSON.stringify(jsonReport(report), null, 2) + '\n');
    else io.stdout.write(textReport(report));
    return score.attacks.every((a) => a.detected) && summary.rejected === 0 ? 0 : 1;
  } finally {
    store.close();
  }
}

interface Report {
  dir: string;
  dataDir: string;
  replacedEvents: number;
  seconds: number;
  /** Seconds per stage: generate, ingest, detect, store alerts. */
  timings: Record<string, number>;
  truth: GroundTruth;
  ingest: IngestSummary;
  stages: StageResult[];
  storedAlerts: number;
  score: Score;
}

function jsonReport(r: Report): Record<string, unknown> {
  return {
    company: r.truth.company, seed: r.truth.seed, days: r.truth.days, from: r.truth.from, to: r.truth.to,
    generatedInto: r.dir, store: r.dataDir, seconds: Math.round(r.seconds * 10) / 10,
    timings: Object.fromEntries(Object.entries(r.timings).map(([k, v]) => [k, Math.round(v * 10) / 10])),
    ingest: { stored: r.ingest.stored, rejected: r.ingest.rejected, files: r.ingest.files, errors: r.ingest.errors },
    stages: r.stages.map((s) => ({ name: s.name, alerts: s.alerts.length, ...(s.skipped ? { skipped: s.skipped } : {}), ...(s.detail ? { detail: s.detail } : {}) })),
    alerts: { total: r.score.total, stored: r.storedAlerts, bySeverity: r.score.bySeverity, byRule: r.score.byRule },
    attacks: r.score.attacks.map((a) => ({ ...a, start: r.truth.attacks.find((t) => t.id === a.id)?.start })),
    reviews: { expected: (r.truth.benign ?? []).map((b) => ({ key: b.key, title: b.title, rules: b.expectedReviews })), raised: r.score.reviews },
    falsePositives: { total: r.score.falsePositives, onNormalDays: r.score.falsePositivesOnNormalDays, normalDays: r.score.normalDays, byRule: r.score.falsePositivesByRule },
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

function textReport(r: Report): string {
  const L: string[] = [];
  const n = (x: number): string => x.toLocaleString('en-US');
  L.push(`ClaimGuard demo — ${r.truth.company}, Austin, Texas`);
  L.push(`${r.truth.days} days ${r.truth.from.slice(0, 10)} … ${r.truth.to.slice(0, 10)}, seed ${r.truth.seed}; files in ${r.dir}; store ${r.dataDir}${r.replacedEvents ? ` (replaced ${n(r.replacedEvents)} events of an earlier demo run)` : ''}`);
  L.push('');
  L.push(`Events ingested: ${n(r.ingest.stored)} (${n(r.ingest.rejected)} rejected)`);
  for (const f of r.ingest.files) L.push(`  ${pad(f.file, 34)} ${pad(f.format, 9)} ${n(f.stored).padStart(8)}${f.rejected ? `  ${n(f.rejected)} rejected` : ''}`);
  L.push('');
  L.push('Detection stages:');
  for (const s of r.stages) L.push(`  ${pad(s.name, 34)} ${s.skipped ? `skipped: ${s.skipped}` : `${n(s.alerts.length)} alerts${s.detail ? ` (${s.detail})` : ''}`}`);
  L.push('');
  const sev = r.score.bySeverity;
  L.push(`Alerts: ${n(r.score.total)} (critical ${sev.critical}, high ${sev.high}, medium ${sev.medium}, low ${sev.low}, informational ${sev.informational}); ${n(r.storedAlerts)} stored`);
  const rules = Object.entries(r.score.byRule).sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  for (const [id, x] of rules) L.push(`  ${String(x.count).padStart(5)}  ${pad(x.level, 13)} ${pad(id, 52)} ${x.title}`);
  L.push('');
  L.push('Scripted attacks:');
  for (const a of r.score.attacks) {
    const t = r.truth.attacks.find((x) => x.id === a.id)!;
    const mark = a.detected ? 'DETECTED' : Object.keys(a.rules).length ? 'PARTIAL ' : 'MISSED  ';
    L.push(`  (${a.id}) ${mark} ${t.title}`);
    L.push(`      started ${t.start.replace('T', ' ').slice(0, 16)} UTC${a.minutesToDetect !== undefined ? `; first alert after ${a.minutesToDetect} min` : ''}`);
    const fired = Object.entries(a.rules).sort((x, y) => y[1] - x[1]).map(([id, c]) => `${id} ×${c}`);
    if (fired.length) L.push(`      alerts: ${fired.join(', ')}`);
    if (a.missing.length) L.push(`      expected but not raised: ${a.missing.join(', ')}`);
  }
  L.push('');
  for (const b of r.truth.benign ?? []) {
    const seen = b.expectedReviews.map((id) => `${id} ×${r.score.reviews[id] ?? 0}`).join(', ');
    L.push(`Documented change (expected review, not an attack): ${b.title}`);
    const other = Object.entries(r.score.unexpectedOnBenign).map(([id, c]) => `${id} ×${c}`);
    L.push(`      ${seen}; ${other.length ? `also raised (counted as false positives): ${other.join(', ')}` : 'the approved new account raised no remittance alert'}`);
  }
  L.push('');
  const fpRules = Object.entries(r.score.falsePositivesByRule).sort((a, b) => b[1] - a[1]).map(([id, c]) => `${id} ×${c}`);
  L.push(`False positives (alerts tied to no attack): ${r.score.falsePositives}; on the ${r.score.normalDays} attack-free days: ${r.score.falsePositivesOnNormalDays} (${(r.score.falsePositivesOnNormalDays / Math.max(1, r.score.normalDays)).toFixed(2)} per day)`);
  if (fpRules.length) L.push(`  ${fpRules.join(', ')}`);
  L.push('');
  L.push(`Done in ${r.seconds.toFixed(1)} s (${Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}). Ground truth: ${join(r.dir, 'attacks.json')}. Alerts are in the store (claimguard serve to browse).`);
  return L.join('\n') + '\n';
}
