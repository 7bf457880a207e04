// `claimguard hunt <files|dirs…>`: run Sigma rules (and correlations) over log files — syslog, JSONL,
// evtx_dump-style JSON, EVTX, M365/Entra … whatever the ingest registry reads — and print a timeline
// of alerts and a per-rule summary.
import { ClaimGuardError, SEVERITIES, atLeast, newId, type Alert, type Event, type Severity } from '../../core/index.ts';
import { createDetector, histogramPercentile } from '../../detect/index.ts';
import { readInputs } from '../../ingest/read.ts';
import { choice, parseCommandArgs } from '../args.ts';
import type { CliIO, Command } from '../io.ts';
import { DEFAULT_RULES_DIR, loadRuleDirs, parsePlaceholders, ruleSummary } from './rules.ts';

const FORMATS = ['table', 'json', 'jsonl', 'csv'] as const;

const HELP = `Usage: claimguard hunt <file|dir>… [options]

Runs Sigma rules over log files and prints the alerts as a timeline, then a per-rule summary.
Inputs: any format the ingest registry recognises (syslog, JSONL, evtx_dump-style JSON, EVTX, M365 /
Entra exports, CEF, CSV); directories are read recursively; .gz is decompressed.

Options:
  --rules DIR           rule directory or file (repeatable; default: the repository's rules/)
  --format FMT          table (default), json, jsonl (one alert per line), csv
  --min-level LEVEL     only report alerts at or above: ${SEVERITIES.join(', ')} (default informational)
  --input-format NAME   read every input as this format instead of detecting it
  --placeholder N=V,…   values for %N% placeholders used with |expand (repeatable)
  --stats               print detection statistics on stderr (events, rules evaluated per event p50/p95,
                        router memo hit rate, matches per rule, correlation state)
  -h, --help            this help

Rule problems are counted on stderr (see \`claimguard rules validate\` for the list); unreadable input
records are counted and the first few shown. A progress bar is drawn on stderr when it is a terminal.
Exit status: 0 no alert, 1 alerts found, 2 bad usage or no rule could be loaded.
`;

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : '';
}

function whyText(a: Alert): string {
  return a.why.map((w) => w.note ?? `${w.selection}${w.field ? `: ${w.field}${w.modifiers?.length ? '|' + w.modifiers.join('|') : ''}` : ''}${w.value !== undefined ? ` = ${w.value}` : ''}`).join('; ');
}

function alertJson(a: Alert): Record<string, unknown> {
  const ev = a.events?.[a.events.length - 1];
  return {
    time: iso(a.time),
    rule: a.rule,
    why: a.why,
    entities: a.entities,
    ...(a.groupKey !== undefined ? { groupKey: a.groupKey } : {}),
    eventIds: a.eventIds,
    event: ev ? { time: iso(ev.time), source: ev.source, logsource: ev.logsource, fields: ev.fields } : undefined,
    ...(a.events && a.events.length > 1 ? { events: a.events.map((e) => ({ time: iso(e.time), source: e.source, fields: e.fields })) } : {}),
  };
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function clip(s: string, n: number): string {
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

class Progress {
  private readonly io: CliIO;
  private total = 0;
  private done = 0;
  private last = 0;
  private label = '';
  constructor(io: CliIO) { this.io = io; }
  file(label: string, size: number): void { this.label = label; this.total += size; this.draw(true); }
  bytes(n: number): void { this.done += n; this.draw(false); }
  draw(force: boolean): void {
    if (!this.io.interactive) return;
    const now = Date.now();
    if (!force && now - this.last < 100) return;
    this.last = now;
    const pct = this.total ? Math.min(1, this.done / this.total) : 0;
    const w = 30;
    const bar = '#'.repeat(Math.round(pct * w)).padEnd(w, '.');
    this.io.stderr.write(`\r[${bar}] ${(pct * 100).toFixed(0).padStart(3)}% ${clip(this.label, 40)}\x1b[K`);
  }
  end(): void { if (this.io.interactive) this.io.stderr.write('\r\x1b[K'); }
}

export const command: Command = {
  summary: 'run Sigma rules over log files (timeline of alerts)',
  help: HELP,
  async run(argv: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(argv, {
      rules: { type: 'string', multiple: true },
      format: { type: 'string' },
      'min-level': { type: 'string' },
      'input-format': { type: 'string' },
      placeholder: { type: 'string', multiple: true },
      stats: { type: 'boolean' },
    });
    if (positionals.length === 0) throw new ClaimGuardError('CLI_USAGE', 'hunt needs at least one file or directory to read');
    const format = choice('format', values.format as string | undefined, FORMATS, 'table');
    const minLevel: Severity = choice('min-level', values['min-level'] as string | undefined, SEVERITIES, 'informational');
    const ruleDirs = (values.rules as string[] | undefined) ?? [DEFAULT_RULES_DIR];
    const started = performance.now();
    const { set } = loadRuleDirs(ruleDirs, io.cwd, { placeholders: parsePlaceholders(values.placeholder as string[] | undefined) });
    const loadMs = performance.now() - started;
    if (set.rules.length === 0 && set.correlations.length === 0) {
      for (const e of set.errors.slice(0, 20)) io.stderr.write(e.format() + '\n');
      throw new ClaimGuardError('CLI_USAGE', `no rule could be loaded from ${ruleDirs.join(', ')}`);
    }
    if (set.errors.length || values.stats) {
      const [head, ...rest] = ruleSummary(set);
      io.stderr.write(`hunt: ${head} (${loadMs.toFixed(0)} ms)${set.errors.length ? '; run `claimguard rules validate` for details' : ''}\n`);
      if (values.stats) for (const l of rest) io.stderr.write(l + '\n');
    }
    const detector = createDetector({ rules: set.rules, correlations: set.correlations });
    const progress = new Progress(io);
    const alerts: Alert[] = [];
    let badRecords = 0;
    let events = 0;
    const out = io.stdout;
    if (format === 'csv') out.write('time,level,rule_id,title,author,host,user,why,source\n');
    // Streaming formats keep only per-rule counts; table and json need the alerts (sorted / one array).
    const keep = format === 'table' || format === 'json';
    const byRule = new Map<string, { alert: Alert; n: number }>();
    let alertCount = 0;
    const emit = (a: Alert): void => {
      if (!atLeast(a.rule.level, minLevel)) return;
      alertCount++;
      const e = byRule.get(a.rule.id);
      if (e) e.n++; else byRule.set(a.rule.id, { alert: a, n: 1 });
      if (keep) alerts.push(a);
      if (format === 'jsonl') out.write(JSON.stringify(alertJson(a)) + '\n');
      else if (format === 'csv') {
        out.write([iso(a.time), a.rule.level, a.rule.id, a.rule.title, a.rule.author, a.entities.host ?? '', a.entities.user ?? '', whyText(a), a.events?.[0]?.source ?? '']
          .map((x) => csvCell(String(x))).join(',') + '\n');
      }
    };
    const detectStart = performance.now();
    const ingested = Date.now();
    for await (const r of readInputs(positionals, {
      cwd: io.cwd,
      ...(values['input-format'] ? { format: values['input-format'] as string } : {}),
      onFile: (info) => progress.file(info.file, info.size),
      onBytes: (n) => progress.bytes(n),
    })) {
      if (!r.result.ok) {
        badRecords++;
        if (badRecords <= 5) { progress.end(); io.stderr.write(`hunt: ${r.result.error.format()}\n`); }
        continue;
      }
      events++;
      const p = r.result.event;
      const ev: Event = { ...p, id: newId(Number.isFinite(p.time) ? p.time : ingested), ingested, tenant: 'default', source: p.source ?? r.file };
      for (const a of detector.process(ev)) emit(a);
    }
    for (const a of detector.flush()) emit(a);
    progress.end();
    const detectMs = performance.now() - detectStart;

    if (format === 'json') out.write(JSON.stringify(alerts.map(alertJson), null, 2) + '\n');
    if (format === 'table') {
      const sorted = [...alerts].sort((a, b) => a.time - b.time);
      if (sorted.length === 0) out.write(`No alerts (${events} events, ${set.rules.length} rules).\n`);
      else {
        out.write('TIME                      LEVEL          RULE                                              HOST / USER           WHY\n');
        for (const a of sorted) {
          const who = [a.entities.host, a.entities.user].filter(Boolean).join(' / ');
          out.write(`${iso(a.time).padEnd(25)} ${a.rule.level.padEnd(14)} ${clip(a.rule.title, 49).padEnd(49)} ${clip(who, 21).padEnd(21)} ${clip(whyText(a), 120)}\n`);
        }
      }
    }
    // Per-rule summary (stdout for the table, stderr for machine formats so their stdout stays clean).
    const summary = [...byRule.values()].sort((a, b) => SEVERITIES.indexOf(b.alert.rule.level) - SEVERITIES.indexOf(a.alert.rule.level) || b.n - a.n);
    const sink = format === 'table' ? out : io.stderr;
    if (summary.length && (format === 'table' || values.stats)) {
      sink.write(`\nPer-rule summary (${alertCount} alerts, ${summary.length} rules):\n`);
      for (const s of summary) sink.write(`  ${String(s.n).padStart(6)}  ${s.alert.rule.level.padEnd(13)} ${s.alert.rule.title}  [${s.alert.rule.id}] by ${s.alert.rule.author || 'unknown author'}\n`);
    }
    if (badRecords > 5) io.stderr.write(`hunt: ${badRecords} input records could not be read (first 5 shown)\n`);
    if (values.stats) {
      const st = detector.stats();
      io.stderr.write(`hunt: ${st.events} events in ${detectMs.toFixed(0)} ms (${Math.round(st.events / Math.max(detectMs / 1000, 1e-6))} events/s); rules evaluated per event p50 ${histogramPercentile(st.evaluatedHistogram, 50)}, p95 ${histogramPercentile(st.evaluatedHistogram, 95)}, mean ${(st.rulesEvaluated / Math.max(1, st.events)).toFixed(1)}; events no rule applies to: ${st.unroutedEvents}\n`);
      if (st.memo.lookups) io.stderr.write(`hunt: field values answered from the router's memo: ${(100 * st.memo.hits / st.memo.lookups).toFixed(1)}% of ${st.memo.lookups} lookups (${st.memo.bypassed} passed while a memo stood aside for values that do not repeat)\n`);
      if (st.correlation) io.stderr.write(`hunt: correlation ${JSON.stringify({ rules: st.correlation.rules, groups: st.correlation.groups, evictions: st.correlation.evictions, lateDropped: st.correlation.lateDropped, fired: st.correlation.fired })}\n`);
    }
    return alertCount ? 1 : 0;
  },
};
