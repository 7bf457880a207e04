// `claimguard ingest <files|dirs…>`: parse log files (any registered format, auto-detected per
// file, .gz transparently) and store the events. See docs/ingest.md.
import { resolve } from 'node:path';
import { ClaimGuardError, isValidTimeZone, loadConfig, tryParseIso } from '../../core/index.ts';
import { formatNames } from '../../ingest/index.ts';
import { openStore } from '../../store/index.ts';
import { DEFAULT_BATCH_SIZE, DEFAULT_MAX_ERRORS, ingestFiles, summaryExitCode, type IngestProgress, type IngestSummary } from '../../pipeline/ingest-files.ts';
import { choice, parseCommandArgs } from '../args.ts';
import type { CliIO, Command } from '../io.ts';

const HELP = `Usage: claimguard ingest <file|dir>... [options]

Parse log files and store their events. Directories are read recursively in sorted order
(dot-files skipped); gzip-compressed files are read transparently. The format is detected per file
from its first 64 KiB unless --format names it.

Formats: syslog (RFC 3164, RFC 5424, /var/log style), jsonl (JSON lines, a JSON array, or
concatenated objects), csv (audit-trail exports, with column maps), cef (ArcSight CEF, with or
without a syslog prefix){extra}.

Options:
  --format NAME       auto (default) or one of: {formats}
  --source NAME       source name stored on every event (default: each file's base name)
  --data-dir DIR      store directory (default: config dataDir, else ./claimguard-data)
  --tenant NAME       tenant stored on every event (default: config tenant, else "default")
  --time-zone ZONE    IANA zone for timestamps without an offset (default: config timeZone, else UTC)
  --reference-time T  RFC 3339 instant used to infer the year of syslog timestamps (default: now)
  --csv-map NAME      CSV column map: billing-audit, generic, or a map from formats.csv.maps
  --time-field PATH   JSON time field, a dotted path (default: config formats.jsonl.timeField,
                      else @timestamp, timestamp, time, …)
  --batch-size N      events per store transaction (default ${DEFAULT_BATCH_SIZE})
  --keep-raw          also store each record's original text
  --summary json      print exactly one JSON object on stdout:
                      {"stored":N,"rejected":N,"errors":[{"file","line","reason",…}],"moreErrors":N,…}
                      (the first ${DEFAULT_MAX_ERRORS} errors are listed; moreErrors counts the rest)
  --progress          progress on stderr even when stderr is not a terminal
  --config FILE       configuration file (default: $CLAIMGUARD_CONFIG, else ./claimguard.yaml)

Exit codes: 0 every record stored; 2 some records were rejected or an input is missing, unreadable
or of unknown format (the good records are still stored); 1 failure (e.g. the store could not be
written).
`;

function fmtInt(n: number): string {
  return n.toLocaleString('en-US');
}

function progressLine(p: IngestProgress): string {
  const pct = p.totalBytes > 0 ? Math.min(100, Math.floor((p.bytesRead / p.totalBytes) * 100)) : 0;
  const files = p.fileCount > 1 ? ` (${p.fileIndex}/${p.fileCount})` : '';
  return `ingest ${p.file}${files}: ${pct}% read, ${fmtInt(p.stored)} stored, ${fmtInt(p.rejected)} rejected`;
}

function humanSummary(s: IngestSummary, dataDir: string): string {
  const lines: string[] = [];
  for (const f of s.files) {
    if (!f.format) continue;
    lines.push(`  ${f.file} [${f.format}]: ${fmtInt(f.stored)} stored${f.rejected ? `, ${fmtInt(f.rejected)} rejected` : ''}`);
  }
  const files = s.files.filter((f) => f.format).length;
  lines.unshift(`Stored ${fmtInt(s.stored)} event${s.stored === 1 ? '' : 's'} from ${files} file${files === 1 ? '' : 's'} in ${dataDir}; ${fmtInt(s.rejected)} record${s.rejected === 1 ? '' : 's'} rejected${s.failedInputs ? `; ${s.failedInputs} input${s.failedInputs === 1 ? '' : 's'} unusable` : ''}.`);
  return lines.join('\n') + '\n';
}

export const command: Command = {
  summary: 'parse log files (syslog, JSON, CSV, CEF …) and store their events',
  get help() {
    const names = formatNames();
    const extra = names.filter((n) => !['syslog', 'jsonl', 'csv', 'cef'].includes(n));
    return HELP.replace('{formats}', names.join(', ')).replace('{extra}', extra.length ? ', and ' + extra.join(', ') : '');
  },
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(argv, {
      format: { type: 'string' },
      source: { type: 'string' },
      'data-dir': { type: 'string' },
      tenant: { type: 'string' },
      'time-zone': { type: 'string' },
      'reference-time': { type: 'string' },
      'csv-map': { type: 'string' },
      'time-field': { type: 'string' },
      'batch-size': { type: 'string' },
      'keep-raw': { type: 'boolean' },
      summary: { type: 'string' },
      progress: { type: 'boolean' },
      config: { type: 'string' },
    });
    if (positionals.length === 0) throw new ClaimGuardError('CLI_USAGE', 'name at least one file or directory to ingest (see --help)');
    const format = choice('format', values.format, ['auto', ...formatNames()], 'auto');
    const summaryMode = choice('summary', values.summary, ['json', 'text'], 'text');
    const config = loadConfig({ cwd: io.cwd, env: io.env, ...(values.config ? { file: values.config } : {}) });
    const timeZone = values['time-zone'] ?? config.timeZone;
    if (!isValidTimeZone(timeZone)) throw new ClaimGuardError('CLI_USAGE', `--time-zone: unknown IANA time zone "${timeZone}"`);
    let referenceTime: number | undefined;
    if (values['reference-time'] !== undefined) {
      referenceTime = tryParseIso(values['reference-time']);
      if (referenceTime === undefined) throw new ClaimGuardError('CLI_USAGE', `--reference-time must be an RFC 3339 instant (got "${values['reference-time']}")`);
    }
    let batchSize = DEFAULT_BATCH_SIZE;
    if (values['batch-size'] !== undefined) {
      if (!/^\d{1,7}$/.test(values['batch-size']) || Number(values['batch-size']) < 1) throw new ClaimGuardError('CLI_USAGE', '--batch-size must be a whole number from 1 to 9999999');
      batchSize = Number(values['batch-size']);
    }
    if (values.source !== undefined && values.source.trim() === '') throw new ClaimGuardError('CLI_USAGE', '--source must not be empty');
    const tenant = values.tenant ?? config.tenant;
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(tenant)) throw new ClaimGuardError('CLI_USAGE', '--tenant must be 1–64 letters, digits, "_", "." or "-"');
    const dataDir = values['data-dir'] ?? config.dataDir;

    const csvOptions: Record<string, unknown> = { maps: config.formats.csv.maps };
    if (values['csv-map']) csvOptions.map = values['csv-map'];
    const timeField = values['time-field'] ?? config.formats.jsonl.timeField;
    const jsonOptions: Record<string, unknown> = timeField ? { timeField } : {};

    const showProgress = io.interactive || values.progress === true;
    let drewProgress = false;
    const onProgress = showProgress
      ? (p: IngestProgress) => {
        if (io.interactive) { io.stderr.write(`\r\x1b[K${progressLine(p)}`); drewProgress = true; }
        else io.stderr.write(progressLine(p) + '\n');
      }
      : undefined;

    let store;
    try {
      store = openStore({ dataDir: resolve(io.cwd, dataDir) });
    } catch (e) {
      if (e instanceof ClaimGuardError) throw e;
      throw new ClaimGuardError('STORE_OPEN', `the store in ${dataDir} could not be opened: ${(e as Error).message}`, undefined, { cause: e });
    }
    let summary: IngestSummary;
    try {
      summary = await ingestFiles({
        paths: positionals,
        store,
        tenant,
        format,
        cwd: io.cwd,
        batchSize,
        timeZone,
        keepRaw: values['keep-raw'] === true,
        formatOptions: { csv: csvOptions, jsonl: jsonOptions },
        ...(values.source !== undefined ? { source: values.source } : {}),
        ...(referenceTime !== undefined ? { referenceTime } : {}),
        ...(onProgress ? { onProgress, progressEveryMs: io.interactive ? 200 : 2000 } : {}),
      });
    } finally {
      if (drewProgress) io.stderr.write('\r\x1b[K');
      store.close();
    }

    if (summaryMode === 'json') {
      io.stdout.write(JSON.stringify({
        stored: summary.stored,
        rejected: summary.rejected,
        errors: summary.errors,
        moreErrors: summary.moreErrors,
        failedInputs: summary.failedInputs,
        files: summary.files,
      }) + '\n');
    } else {
      io.stdout.write(humanSummary(summary, dataDir));
      const shown = summary.errors.slice(0, 20);
      for (const e of shown) {
        const where = [e.file, e.line ?? undefined].filter((x) => x !== undefined).join(':') + (e.line === null && e.offset !== undefined ? ` (offset ${e.offset})` : '');
        io.stderr.write(`${where}: ${e.reason} [${e.code}]\n`);
      }
      const more = summary.errors.length - shown.length + summary.moreErrors;
      if (more > 0) io.stderr.write(`… and ${fmtInt(more)} more error${more === 1 ? '' : 's'} (use --summary json to list the first ${DEFAULT_MAX_ERRORS})\n`);
    }
    return summaryExitCode(summary);
  },
};
