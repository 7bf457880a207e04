// `claimguard events query`: read stored events with filters, as a table, JSON, JSON lines or CSV.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Event, EventQuery } from '../../core/index.ts';
import { ClaimGuardError, tryParseTime } from '../../core/index.ts';
import { DB_FILE, openStore } from '../../store/index.ts';
import { choice, parseCommandArgs } from '../args.ts';
import type { Command } from '../io.ts';
import { CONFIG_OPTIONS, commandConfig } from './serve.ts';

const HELP = `Usage: claimguard events query [options]

Read stored events, oldest first (newest first with --newest).

Filters:
  --from TIME        events at or after TIME
  --to TIME          events before TIME
                     TIME is RFC 3339 (2026-01-31T08:00:00Z), a date (2026-01-31), epoch seconds or
                     milliseconds, or a duration before now: 15m, 24h, 7d
  --source NAME      the source the event came from (listener, HTTP token name, file)
  --product P, --service S, --category C
                     Sigma logsource parts, e.g. --product linux --service sshd
  --where K=V        field K equals V (repeatable; all must hold). V matches text and numbers alike:
                     --where EventID=4625 --where user=alice
  --text STR         case-insensitive substring of the fields or the original record
  --tenant T         only this tenant (default: the configured tenant; "all" for every tenant)
  --limit N          at most N events (default 100; 0 for no limit)
  --newest           newest first

Output:
  --format table|json|jsonl|csv   (default table)

Store:
  --config FILE      configuration file (for dataDir and tenant)
  --data-dir DIR     data directory (overrides the configuration)
  -h, --help         this text

Exit codes: 0 ok (also when nothing matches), 2 bad usage or no store in the data directory.`;

const DURATION = /^(\d+)(s|m|h|d|w)$/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** TIME option → epoch ms. */
export function parseTimeOption(name: string, value: string, now: number = Date.now()): number {
  const d = DURATION.exec(value.trim());
  if (d) return now - Number(d[1]) * UNIT_MS[d[2]];
  const s = /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value;
  const t = tryParseTime(/^\d+$/.test(s) ? Number(s) : s);
  if (t === undefined) throw new ClaimGuardError('CLI_USAGE', `--${name} "${value}" is not a time (RFC 3339, YYYY-MM-DD, epoch, or a duration such as 24h)`);
  return t;
}

function csvCell(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

function iso(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? String(ms) : d.toISOString();
}

function summary(e: Event): string {
  const f = e.fields;
  const parts: string[] = [];
  for (const k of ['user', 'src_ip', 'host', 'outcome', 'action']) {
    const v = f[k];
    if (v !== undefined && v !== null && typeof v !== 'object') parts.push(`${k}=${String(v)}`);
  }
  const msg = f.message ?? f.msg ?? e.raw;
  if (typeof msg === 'string') parts.push(msg);
  else if (parts.length === 0) parts.push(JSON.stringify(f));
  return parts.join(' ');
}

export const command: Command = {
  summary: 'query stored events (events query --from 24h --where user=alice)',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...CONFIG_OPTIONS,
      from: { type: 'string' }, to: { type: 'string' }, source: { type: 'string' }, where: { type: 'string', multiple: true },
      text: { type: 'string' }, limit: { type: 'string' }, format: { type: 'string' }, tenant: { type: 'string' },
      product: { type: 'string' }, service: { type: 'string' }, category: { type: 'string' }, newest: { type: 'boolean' },
    });
    const [sub, ...extra] = positionals;
    if (sub !== 'query') throw new ClaimGuardError('CLI_USAGE', sub ? `unknown events subcommand "${sub}" (expected query)` : 'missing subcommand: claimguard events query [options]');
    if (extra.length) throw new ClaimGuardError('CLI_USAGE', `unexpected argument "${extra[0]}"`);
    const format = choice('format', values.format, ['table', 'json', 'jsonl', 'csv'] as const, 'table');
    const config = commandConfig(io, values);

    const q: EventQuery = {};
    const tenant = values.tenant ?? config.tenant;
    if (tenant !== 'all') q.tenant = tenant;
    if (values.from !== undefined) q.from = parseTimeOption('from', values.from);
    if (values.to !== undefined) q.to = parseTimeOption('to', values.to);
    if (values.source !== undefined) q.source = values.source;
    if (values.product !== undefined || values.service !== undefined || values.category !== undefined) {
      q.logsource = {};
      if (values.product !== undefined) q.logsource.product = values.product;
      if (values.service !== undefined) q.logsource.service = values.service;
      if (values.category !== undefined) q.logsource.category = values.category;
    }
    for (const w of values.where ?? []) {
      const eq = w.indexOf('=');
      if (eq <= 0) throw new ClaimGuardError('CLI_USAGE', `--where "${w}" must be FIELD=VALUE`);
      q.where ??= {};
      q.where[w.slice(0, eq)] = w.slice(eq + 1);
    }
    if (values.text !== undefined) q.text = values.text;
    const limit = values.limit === undefined ? 100 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 0) throw new ClaimGuardError('CLI_USAGE', `--limit must be a whole number ≥ 0 (got "${values.limit}")`);
    if (limit > 0) q.limit = limit;
    if (values.newest) q.newestFirst = true;

    if (!existsSync(join(config.dataDir, DB_FILE))) {
      throw new ClaimGuardError('INPUT_NOT_FOUND', `no store in ${config.dataDir} (ingest or serve first, or pass --data-dir)`, { file: config.dataDir });
    }
    const store = openStore({ dataDir: config.dataDir });
    try {
      const out = io.stdout;
      let n = 0;
      if (format === 'json') out.write('[');
      if (format === 'csv') out.write('time,id,tenant,source,product,category,service,fields,raw\n');
      for (const e of store.events.iterate(q)) {
        if (format === 'json') out.write((n ? ',\n' : '\n') + JSON.stringify(e));
        else if (format === 'jsonl') out.write(JSON.stringify(e) + '\n');
        else if (format === 'csv') {
          out.write([iso(e.time), e.id, e.tenant, e.source, e.logsource.product ?? '', e.logsource.category ?? '', e.logsource.service ?? '',
            JSON.stringify(e.fields), e.raw ?? ''].map(csvCell).join(',') + '\n');
        } else {
          const svc = [e.logsource.product, e.logsource.service ?? e.logsource.category].filter(Boolean).join('/');
          const line = `${iso(e.time)}  ${e.source.padEnd(12)}  ${svc.padEnd(14)}  ${summary(e)}`;
          out.write((line.length > 200 ? line.slice(0, 199) + '…' : line) + '\n');
        }
        n++;
      }
      if (format === 'json') out.write(n ? '\n]\n' : ']\n');
      if (format === 'table') io.stderr.write(`${n} event${n === 1 ? '' : 's'}${q.limit !== undefined && n === q.limit ? ` (limit ${q.limit}; use --limit to see more)` : ''}\n`);
    } finally {
      store.close();
    }
    return 0;
  },
};
