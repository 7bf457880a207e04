// `claimguard x12 parse FILE`: read an X12 835/837 file and print its structure or a summary.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseX12Stream, type Transaction } from '../../billing/index.ts';
import { ClaimGuardError } from '../../core/index.ts';
import { choice, parseCommandArgs } from '../args.ts';
import type { Command } from '../io.ts';

const HELP = `Usage: claimguard x12 parse FILE [--format summary|json]

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
See docs/billing.md.`;

export const command: Command = {
  summary: 'parse X12 835/837 billing files (x12 parse FILE)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string' } });
    const format = choice('format', values.format, ['summary', 'json'] as const, 'summary');
    const [sub, file, ...extra] = positionals;
    if (sub !== 'parse') throw new ClaimGuardError('CLI_USAGE', sub ? `unknown x12 subcommand "${sub}" (expected parse)` : 'missing subcommand: claimguard x12 parse FILE');
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
