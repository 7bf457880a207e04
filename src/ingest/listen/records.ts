// Record parsers for live inputs.
// - syslogRecordParser: one syslog message (RFC 3164 / 5424) through the syslog format's line parser in
//   listener mode (a message with an unreadable header is kept whole, stamped with the receive time).
// - ndjsonRecordParser: one NDJSON line of an HTTP batch. A line is either an envelope
//   {"time", "logsource", "fields", "raw"} or a flat object whose members are the fields and whose time
//   comes from `timeField` ("time", "@timestamp" or "timestamp" by default). A line without a time gets
//   the receive time; a time that does not parse is an error (the batch is rejected with its line).
import type { Fields, FieldValue, LogSource, ParsedEvent } from '../../core/index.ts';
import { ClaimGuardError, tryParseTime } from '../../core/index.ts';
import { parseSyslogLine } from '../formats/index.ts';
import type { ParseResult } from '../formats/types.ts';
import type { RecordContext, RecordParser } from './types.ts';

export interface SyslogRecordOptions {
  /** IANA zone of senders' clocks for RFC 3164 timestamps (default UTC). */
  timeZone?: string;
  /** Keep the message text in Event.raw (default true: live messages have no file to go back to). */
  keepRaw?: boolean;
  /** Clock, for tests. */
  now?: () => number;
}

export function syslogRecordParser(opts: SyslogRecordOptions = {}): RecordParser {
  const now = opts.now ?? Date.now;
  const keepRaw = opts.keepRaw ?? true;
  return (text: string, ctx: RecordContext): ParseResult => {
    const t = now();
    return parseSyslogLine(text, { referenceTime: t, receivedAt: t, lenient: true, keepRaw, timeZone: opts.timeZone },
      { file: ctx.file, line: ctx.line, offset: ctx.offset, record: ctx.record });
  };
}

export interface NdjsonRecordOptions {
  /** Field holding the event time in flat objects; default: the first of time, @timestamp, timestamp. */
  timeField?: string;
  timeZone?: string;
  now?: () => number;
}

const DEFAULT_TIME_FIELDS = ['time', '@timestamp', 'timestamp'];

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function logsourceOf(v: unknown): LogSource | undefined {
  if (!isPlainObject(v)) return undefined;
  const ls: LogSource = {};
  for (const k of ['product', 'category', 'service'] as const) {
    const x = v[k];
    if (x === undefined || x === null) continue;
    if (typeof x !== 'string') return undefined;
    ls[k] = x;
  }
  return ls;
}

export function ndjsonRecordParser(opts: NdjsonRecordOptions = {}): RecordParser {
  const now = opts.now ?? Date.now;
  const timeFields = opts.timeField ? [opts.timeField] : DEFAULT_TIME_FIELDS;
  const timeOpts = { timeZone: opts.timeZone };
  return (text: string, ctx: RecordContext): ParseResult => {
    const loc = { file: ctx.file, line: ctx.line, offset: ctx.offset, record: ctx.record };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      return { ok: false, error: new ClaimGuardError('JSON_BAD_RECORD', `not valid JSON: ${(e as Error).message}`, loc) };
    }
    if (!isPlainObject(value)) return { ok: false, error: new ClaimGuardError('JSON_BAD_RECORD', 'each line must be a JSON object', loc) };
    let fields: Fields;
    let timeValue: unknown;
    let timeName: string | undefined;
    let logsource: LogSource = {};
    let raw: string | undefined;
    if (isPlainObject(value.fields)) {
      // Envelope form.
      fields = value.fields as Fields;
      timeValue = value.time;
      timeName = 'time';
      if (value.logsource !== undefined) {
        const ls = logsourceOf(value.logsource);
        if (!ls) return { ok: false, error: new ClaimGuardError('JSON_BAD_RECORD', 'logsource must be an object of strings (product, category, service)', loc) };
        logsource = ls;
      }
      if (value.raw !== undefined) {
        if (typeof value.raw !== 'string') return { ok: false, error: new ClaimGuardError('JSON_BAD_RECORD', 'raw must be a string', loc) };
        raw = value.raw;
      }
    } else {
      fields = value as Record<string, FieldValue>;
      for (const f of timeFields) {
        if (fields[f] !== undefined) { timeValue = fields[f]; timeName = f; break; }
      }
    }
    let time: number;
    if (timeValue === undefined || timeValue === null) {
      time = now();
    } else {
      const t = tryParseTime(timeValue, timeOpts);
      if (t === undefined) {
        return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `"${timeName}" is not a recognised timestamp (RFC 3339 or epoch)`, loc) };
      }
      time = t;
    }
    const event: ParsedEvent = { time, logsource, fields };
    if (raw !== undefined) event.raw = raw;
    return { ok: true, event };
  };
}
