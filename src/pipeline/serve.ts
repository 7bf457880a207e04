// `claimguard serve`: open the store, start the listeners the configuration names, commit what they
// receive, prune by retention, and shut down cleanly (listeners first, then a final flush).
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Config } from '../core/index.ts';
import { ClaimGuardError } from '../core/index.ts';
import {
  FileTail, jsonRecordToEvent, ndjsonRecordParser, parseCefLine, startHttpIngest, startSyslogTcp, startSyslogTls, startSyslogUdp,
  syslogRecordParser, type Listener, type RecordParser,
} from '../ingest/index.ts';
import { openStore, type SqliteStore, type SyncMode } from '../store/index.ts';
import { IngestPipeline } from './ingest.ts';
import { ErrorTally, type Logger } from './log.ts';

const HOUR_MS = 3600 * 1000;

export interface ServeOptions {
  log: Logger;
  /** Syslog buffer flush interval, ms (default 200). */
  flushIntervalMs?: number;
  maxBatch?: number;
  synchronous?: SyncMode;
  /** Interval of the progress summary on the log, ms (default 60 s; 0 = none). */
  statsIntervalMs?: number;
}

export interface RunningServer {
  store: SqliteStore;
  pipeline: IngestPipeline;
  listeners: Listener[];
  /** Stops listeners, commits what is buffered, closes the store. */
  close(): Promise<void>;
}

/**
 * Line parser for a tailed file's `format`: syslog (listener mode), jsonl (as `claimguard ingest` reads
 * JSON lines), cef, or auto (JSON objects, CEF lines and syslog told apart per line).
 */
export function tailParser(format: string, config: Config): RecordParser {
  const syslog = syslogRecordParser({ timeZone: config.timeZone, keepRaw: true });
  const jsonOpts = { timeField: config.formats.jsonl.timeField };
  const json: RecordParser = (text, ctx) => jsonRecordToEvent(text, { file: ctx.file, line: ctx.line ?? 0, offset: ctx.offset ?? 0, record: ctx.record ?? 0 },
    { file: ctx.file, timeZone: config.timeZone, referenceTime: Date.now(), keepRaw: true }, jsonOpts);
  const cef: RecordParser = (text, ctx) => parseCefLine(text, { referenceTime: Date.now(), timeZone: config.timeZone, keepRaw: true },
    { file: ctx.file, offset: ctx.offset });
  switch (format) {
    case 'syslog': return syslog;
    case 'jsonl': case 'ndjson': case 'json': return json;
    case 'cef': return cef;
    case 'auto': return (text, ctx) => {
      const t = text.trimStart();
      if (t.startsWith('{')) return json(text, ctx);
      if (t.startsWith('CEF:') || /^\S.{0,200}?\sCEF:\d\|/.test(t.slice(0, 260))) return cef(text, ctx);
      return syslog(text, ctx);
    };
    default:
      throw new ClaimGuardError('CONFIG_INVALID', `listeners.tail: format "${format}" cannot be followed line by line; use syslog, jsonl, cef or auto`, { path: 'listeners.tail' });
  }
}

export async function startServer(config: Config, opts: ServeOptions): Promise<RunningServer> {
  const { log } = opts;
  const store = openStore({ dataDir: config.dataDir, synchronous: opts.synchronous });
  const pipeline = new IngestPipeline({ store, tenant: config.tenant, flushIntervalMs: opts.flushIntervalMs, maxBatch: opts.maxBatch, log });
  const errors = new ErrorTally(log);
  const listeners: Listener[] = [];
  const timers: NodeJS.Timeout[] = [];

  const closeAll = async (): Promise<void> => {
    for (const t of timers) clearInterval(t);
    await Promise.allSettled(listeners.map((l) => l.close()));
    await pipeline.close();
    store.close();
  };

  if (config.retentionDays !== undefined) {
    const days = config.retentionDays;
    const prune = (): void => {
      try {
        const r = store.pruneRetention({ retentionDays: days });
        if (r.events > 0) log.info(`retention: pruned ${r.events} events older than ${days} days`);
      } catch (e) {
        log.warn(`retention pruning failed [${e instanceof ClaimGuardError ? e.code : 'STORE_WRITE'}]`);
      }
    };
    prune(); // once at start-up, before the listeners run, then hourly
    timers.push(setInterval(prune, HOUR_MS).unref());
  }
  try {
    const syslogParse = syslogRecordParser({ timeZone: config.timeZone, keepRaw: true });
    const sys = config.listeners.syslog;
    const common = { parse: syslogParse, sink: pipeline.submit, onError: errors.report, maxMessageBytes: sys.maxMessageBytes };
    if (sys.udp) listeners.push(await startSyslogUdp({ ...common, host: sys.udp.host, port: sys.udp.port, source: 'syslog-udp' }));
    if (sys.tcp) listeners.push(await startSyslogTcp({ ...common, host: sys.tcp.host, port: sys.tcp.port, source: 'syslog-tcp' }));
    if (sys.tls) {
      let cert: Buffer, key: Buffer, ca: Buffer | undefined;
      try {
        cert = readFileSync(sys.tls.cert);
        key = readFileSync(sys.tls.key);
        ca = sys.tls.ca ? readFileSync(sys.tls.ca) : undefined;
      } catch (e) {
        throw new ClaimGuardError('CONFIG_INVALID', `listeners.syslog.tls: cannot read certificate files: ${(e as Error).message}`, { path: 'listeners.syslog.tls' }, { cause: e });
      }
      listeners.push(await startSyslogTls({ ...common, host: sys.tls.host, port: sys.tls.port, source: 'syslog-tls', cert, key, ...(ca ? { ca } : {}) }));
    }
    const h = config.listeners.http;
    if (h) {
      if (h.sources.length === 0) log.warn('listeners.http has no sources: every request will be refused (401)');
      listeners.push(await startHttpIngest({
        host: h.host, port: h.port, maxBodyBytes: h.maxBodyBytes, sources: h.sources,
        parse: ndjsonRecordParser({ timeField: config.formats.jsonl.timeField, timeZone: config.timeZone }),
        commit: pipeline.commitBatch, onError: errors.report,
      }));
    }
    for (const t of config.listeners.tail) {
      const source = t.source || basename(t.path);
      const tail = new FileTail({
        path: t.path, source, parse: tailParser(t.format, config),
        commit: (events, cp, key) => pipeline.commitWithCheckpoint(events, cp, key, source),
        loadCheckpoint: (key) => store.checkpoints.get(key),
        onError: errors.report, log: (m) => log.info(m),
      });
      await tail.start();
      listeners.push(tail);
    }
  } catch (e) {
    await closeAll();
    throw e;
  }

  for (const l of listeners) log.info(`listening: ${l.kind} ${l.address}`);
  if (listeners.length === 0) log.warn('no listeners configured (see docs/listeners.md); nothing will be received');

  const statsEvery = opts.statsIntervalMs ?? 60_000;
  if (statsEvery > 0) {
    let last = 0;
    timers.push(setInterval(() => {
      const s = pipeline.stats;
      if (s.stored === last && errors.total === 0) return;
      log.info(`ingest: ${s.stored} events stored (+${s.stored - last}), ${s.duplicates} replayed batches, ${errors.total} records rejected${errors.total ? ' (' + errors.summary() + ')' : ''}`);
      last = s.stored;
    }, statsEvery).unref());
  }

  return { store, pipeline, listeners, close: closeAll };
}
