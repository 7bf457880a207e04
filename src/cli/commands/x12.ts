// `claimguard x12 parse FILE`: read an X12 835/837 file and print its structure or a summary.
import { createReadStream, existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { approveAccountChange, checkRemittanceVolume, newBillingState, parseX12Stream, watchTransactions, type BillingState, type Transaction } from '../../billing/index.ts';
import { ClaimGuardError, type Alert } from '../../core/index.ts';
import { choice, parseCommandArgs } from '../args.ts';
import type { Command } from '../io.ts';

const HELP = `Usage: claimguard x12 parse FILE [--format summary|json]
       claimguard x12 watch --state STATE.json FILE... [--as-of CCYYMMDD] [--tenant T]
       claimguard x12 approve --state STATE.json --payee NPI|TIN --by WHO --reference REF
                              (--routing R --account A | --method CHK) [--payer ID] [--at ISO-TIME]

Read an ASC X12 file (005010X221A1 835 remittance, 005010X222A1 837P or 005010X223A2 837I claims)
and check its envelopes and loops. Other transaction sets (999, 277 …) are read for their envelope
only and count 0 claims. 4010 files are refused with X12_UNSUPPORTED_VERSION.

Options:
  --format summary   one JSON object on stdout: version, transactions, claims (CLP in 835 / CLM in
                     837), segments, interchanges, warnings, errors  (default)
  --format json      the full parse: interchanges, typed transactions, warnings, errors
  -h, --help         this text

Wrong SE/GE/IEA counts and control numbers are warnings (exit 0). A file whose content is ambiguous
(bad segment id, segment out of place, required loop missing, truncated, unsupported version) exits 2
with each located error on stderr: file:line (record N = segment number, path = element and loop).
watch: run each file's 835s through the remittance watch and 837s through the claim watch, in the
order given, with state kept in STATE.json (created when missing; plain JSON, no full account
numbers). Alerts are printed as JSON lines on stdout. --as-of also runs the ERA/EFT volume-drop check
for the 7 days ending that date. Exit 0 no alerts, 1 alerts, 2 a file had errors (its good
transactions are still watched).

approve: record a documented EFT enrollment change in STATE.json so that change alone raises no
new-account (or EFT/check switch) alert. The account number is hashed at once and never stored.

See docs/billing.md.`;

export const command: Command = {
  summary: 'parse X12 835/837 billing files (x12 parse FILE)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string' }, state: { type: 'string' }, 'as-of': { type: 'string' }, tenant: { type: 'string' },
      payee: { type: 'string' }, payer: { type: 'string' }, routing: { type: 'string' }, account: { type: 'string' },
      method: { type: 'string' }, by: { type: 'string' }, reference: { type: 'string' }, at: { type: 'string' },
    });
    const [sub, file, ...extra] = positionals;
    if (sub === 'watch') return watch(positionals.slice(1), values, io);
    if (sub === 'approve') return approve(positionals.slice(1), values, io);
    const format = choice('format', values.format, ['summary', 'json'] as const, 'summary');
    if (sub !== 'parse') throw new ClaimGuardError('CLI_USAGE', sub ? `unknown x12 subcommand "${sub}" (expected parse, watch or approve)` : 'missing subcommand: claimguard x12 parse FILE');
    if (!file) throw new ClaimGuardError('CLI_USAGE', 'missing FILE: claimguard x12 parse FILE');
    if (extra.length) throw new ClaimGuardError('CLI_USAGE', `unexpected argument "${extra[0]}"`);
    const path = resolve(io.cwd, file);
    if (!existsSync(path) || !statSync(path).isFile()) throw new ClaimGuardError('INPUT_NOT_FOUND', `no such file: ${file}`, { file });
    const versions = new Set<string>();
    const types = new Set<string>();
    const res = await parseX12Stream(createReadStream(path), {
      file,
      keepTransactions: format === 'json',
      onTransaction(t: Transaction) {
        versions.add(t.version);
        types.add(t.type);
      },
    });
    for (const e of res.errors) io.stderr.write(`claimguard x12: ${e.format()}\n`);
    if (res.errorCount > res.errors.length) io.stderr.write(`claimguard x12: … ${res.errorCount - res.errors.length} more errors\n`);
    const warnings = res.warnings.map((w) => ({ code: w.code, message: w.message, location: w.location }));
    const errors = res.errors.map((e) => e.toJSON());
    if (format === 'json') {
      io.stdout.write(JSON.stringify({ file, interchanges: res.interchanges, transactions: res.transactions, segments: res.segments, warnings, errors }, null, 2) + '\n');
    } else {
      const summary = {
        file,
        valid: res.errorCount === 0,
        version: [...versions].join(',') || (res.interchanges[0]?.groups[0]?.version ?? ''),
        transactionTypes: [...types],
        interchanges: res.interchanges.length,
        groups: res.interchanges.reduce((n, i) => n + i.groups.length, 0),
        transactions: res.transactionCount,
        claims: res.claimCount,
        segments: res.segments,
        warningCount: res.warningCount,
        warnings,
        errorCount: res.errorCount,
        errors,
      };
      io.stdout.write(JSON.stringify(summary) + '\n');
    }
    return res.errorCount ? 2 : 0;
  },
};

type Values = Record<string, string | boolean | undefined>;

function str(values: Values, name: string): string | undefined {
  const v = values[name];
  return typeof v === 'string' ? v : undefined;
}

function loadState(path: string): BillingState {
  if (!existsSync(path)) return newBillingState();
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ClaimGuardError('INPUT_READ', `state file is not valid JSON: ${(e as Error).message}`, { file: path });
  }
  const s = parsed as Partial<BillingState>;
  if (!s || typeof s !== 'object' || s.remit?.version !== 1 || s.claims?.version !== 1) {
    throw new ClaimGuardError('INPUT_READ', 'state file is not a ClaimGuard billing state (version 1)', { file: path });
  }
  return s as BillingState;
}

function saveState(path: string, state: BillingState): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, path);
}

async function watch(files: string[], values: Values, io: Parameters<Command['run']>[1]): Promise<number> {
  const statePath = str(values, 'state');
  if (!statePath) throw new ClaimGuardError('CLI_USAGE', 'x12 watch needs --state STATE.json');
  if (!files.length) throw new ClaimGuardError('CLI_USAGE', 'x12 watch needs at least one FILE');
  const asOf = str(values, 'as-of');
  if (asOf !== undefined && !/^\d{8}$/.test(asOf)) throw new ClaimGuardError('CLI_USAGE', `--as-of must be CCYYMMDD (got "${asOf}")`);
  const opts = { tenant: str(values, 'tenant') };
  const path = resolve(io.cwd, statePath);
  let state = loadState(path);
  let bad = 0;
  let alerts = 0;
  const emit = (list: Alert[]): void => {
    for (const a of list) io.stdout.write(JSON.stringify(a) + '\n');
    alerts += list.length;
  };
  for (const [i, file] of files.entries()) {
    const p = resolve(io.cwd, file);
    if (!existsSync(p) || !statSync(p).isFile()) throw new ClaimGuardError('INPUT_NOT_FOUND', `no such file: ${file}`, { file });
    const res = await parseX12Stream(createReadStream(p), { file });
    for (const e of res.errors) io.stderr.write(`claimguard x12: ${e.format()}\n`);
    if (res.errorCount) bad++;
    const out = watchTransactions(state, res.transactions, opts);
    state = out.state;
    emit(out.alerts);
    if (io.interactive) io.stderr.write(`\r${i + 1}/${files.length} files, ${alerts} alerts`);
  }
  if (asOf) {
    const vol = checkRemittanceVolume(state.remit, asOf, opts);
    state = { ...state, remit: vol.state };
    emit(vol.alerts);
  }
  saveState(path, state);
  io.stderr.write(`${io.interactive ? '\n' : ''}claimguard x12 watch: ${files.length} files, ${alerts} alerts, ${bad} files with errors; state saved to ${statePath}\n`);
  return bad ? 2 : alerts ? 1 : 0;
}

async function approve(rest: string[], values: Values, io: Parameters<Command['run']>[1]): Promise<number> {
  if (rest.length) throw new ClaimGuardError('CLI_USAGE', `unexpected argument "${rest[0]}"`);
  const statePath = str(values, 'state');
  const payee = str(values, 'payee');
  const by = str(values, 'by');
  const reference = str(values, 'reference');
  if (!statePath || !payee || !by || !reference) throw new ClaimGuardError('CLI_USAGE', 'x12 approve needs --state, --payee, --by and --reference');
  const method = str(values, 'method');
  if (method !== undefined && method !== 'CHK' && method !== 'EFT') throw new ClaimGuardError('CLI_USAGE', '--method must be CHK or EFT');
  const account = str(values, 'account');
  const routing = str(values, 'routing');
  if (!account && !method) throw new ClaimGuardError('CLI_USAGE', 'x12 approve needs --routing and --account (new bank account) or --method CHK');
  if (account && !routing) throw new ClaimGuardError('CLI_USAGE', '--account needs --routing');
  const at = str(values, 'at') ?? new Date().toISOString();
  if (Number.isNaN(Date.parse(at))) throw new ClaimGuardError('CLI_USAGE', `--at must be an ISO date-time (got "${at}")`);
  const path = resolve(io.cwd, statePath);
  const state = loadState(path);
  const remit = approveAccountChange(state.remit, { payee, payer: str(values, 'payer'), routing, account, method: method as 'CHK' | 'EFT' | undefined, approvedBy: by, approvedAt: at, reference });
  saveState(path, { ...state, remit });
  io.stderr.write(`claimguard x12 approve: recorded ${reference} by ${by} for payee ${payee}${account ? ` (account ****${account.slice(-4)})` : ` (method ${method})`}\n`);
  return 0;
}
