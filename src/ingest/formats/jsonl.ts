// JSON inputs: JSON lines (NDJSON), one JSON array of objects, and concatenated (pretty-printed)
// objects — all read through one streaming record splitter that tracks strings and nesting, so a
// multi-gigabyte array never has to fit in memory. Each object becomes one event; its time comes
// from a configurable field (a dotted path) or the first of the usual names.
//
// Splitter rules: at the top level, whitespace separates records; a "[" opens an array whose
// elements are records (commas between them). Anything else at the top level (a number, a word,
// garbage) runs to the end of its line and is reported as one bad record. Resynchronisation: a record
// longer than the limit is reported and skipped to the next line; in object mode an opening "{" at
// the start of a line while a record is still open means that record was truncated (pretty
// printers never put a nested "{" in column 1), so it is reported and the new record starts there.
import { Buffer } from 'node:buffer';
import { ClaimGuardError, tryParseTime, type FieldValue, type Fields, type LogSource, type ParsedEvent } from '../../core/index.ts';
import { flattenBatches, type ByteSource, type FormatReader, type ParseResult, type ReadOptions } from './types.ts';

/** Default limit for one JSON record (characters): 4 Mi. */
export const DEFAULT_MAX_JSON_RECORD_CHARS = 4 * 1024 * 1024;
/** Deepest nesting accepted in a record; deeper records are rejected (they would exhaust the stack downstream). */
export const MAX_JSON_DEPTH = 64;

export type JsonPiece =
  | { ok: true; text: string; line: number; offset: number; record: number }
  | { ok: false; reason: string; code: 'JSON_BAD_RECORD' | 'INGEST_LINE_TOO_LONG'; line: number; offset: number; record: number };

const WS = (c: number): boolean => c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;

/** Push-style splitter: push(text) / end() return the pieces completed so far. */
export class JsonRecordSplitter {
  private buf = '';
  private pos = 0; // scan position in buf
  private base = 0; // 1 inside a top-level array
  private depth = 0;
  private inStr = false;
  private esc = false;
  private scalar = false;
  private recStart = -1;
  private recLine = 0;
  private recOffset = 0;
  private recNo = 0;
  private line = 1;
  private skipping = false;
  private tooDeep = false;
  private atLineStart = true;
  // Byte accounting: byte offset of buf[byteIdx].
  private byteIdx = 0;
  private byteOff = 0;
  private readonly max: number;

  constructor(maxRecordChars: number = DEFAULT_MAX_JSON_RECORD_CHARS) {
    this.max = maxRecordChars;
  }

  private offsetAt(i: number): number {
    if (i > this.byteIdx) {
      this.byteOff += Buffer.byteLength(this.buf.slice(this.byteIdx, i));
      this.byteIdx = i;
    }
    return this.byteOff;
  }

  private startRecord(i: number): void {
    this.tooDeep = false;
    this.recStart = i;
    this.recLine = this.line;
    this.recOffset = this.offsetAt(i);
    this.recNo++;
  }

  private endRecord(out: JsonPiece[], end: number): void {
    if (this.tooDeep) out.push({ ok: false, code: 'JSON_BAD_RECORD', reason: `JSON record nests deeper than ${MAX_JSON_DEPTH} levels`, line: this.recLine, offset: this.recOffset, record: this.recNo });
    else out.push({ ok: true, text: this.buf.slice(this.recStart, end), line: this.recLine, offset: this.recOffset, record: this.recNo });
    this.tooDeep = false;
    this.recStart = -1;
    this.depth = 0;
    this.scalar = false;
    this.inStr = false;
  }

  push(text: string): JsonPiece[] {
    const out: JsonPiece[] = [];
    this.buf += text;
    const buf = this.buf;
    const n = buf.length;
    let i = this.pos;
    for (; i < n; i++) {
      const c = buf.charCodeAt(i);
      if (this.skipping) {
        if (c === 10) { this.line++; this.skipping = false; this.atLineStart = true; }
        continue;
      }
      if (this.recStart < 0) {
        if (c === 10) { this.line++; this.atLineStart = true; continue; }
        if (WS(c)) continue;
        if (this.base === 1 && c === 44 /* , */) continue;
        if (this.base === 1 && c === 93 /* ] */) { this.base = 0; continue; }
        if (this.base === 0 && c === 91 /* [ */) {
          // A top-level "[" whose first element is an object or "]" opens an array of records.
          let j = i + 1;
          while (j < n && WS(buf.charCodeAt(j))) j++;
          if (j >= n && text.length > 0) break; // need more input to decide
          const d = buf.charCodeAt(j);
          if (d === 123 || d === 93 || j >= n) { this.base = 1; this.atLineStart = false; continue; }
        }
        this.startRecord(i);
        this.atLineStart = false;
        if (c === 123 || c === 91) { this.depth = 1; this.scalar = false; }
        else { this.scalar = true; this.depth = 0; if (c === 34) this.inStr = true; }
        continue;
      }
      if (i - this.recStart > this.max) {
        out.push({ ok: false, code: 'INGEST_LINE_TOO_LONG', reason: `JSON record longer than ${this.max} characters skipped`, line: this.recLine, offset: this.recOffset, record: this.recNo });
        this.recStart = -1;
        this.depth = 0;
        this.inStr = false;
        this.esc = false;
        this.scalar = false;
        this.base = 0;
        if (c === 10) { this.line++; this.atLineStart = true; } else this.skipping = true;
        continue;
      }
      if (this.inStr) {
        if (this.esc) this.esc = false;
        else if (c === 92) this.esc = true;
        else if (c === 34) {
          this.inStr = false;
          if (this.scalar) { this.endRecord(out, i + 1); }
        } else if (c === 10) { this.line++; }
        continue;
      }
      if (this.scalar) {
        // At the top level a stray value runs to the end of its line (one error per bad line);
        // inside an array it ends at the next separator.
        if (this.base === 0 ? (c === 10 || c === 13) : (WS(c) || c === 44 || c === 93)) {
          this.endRecord(out, i);
          i--; // re-read the separator between records
        }
        continue;
      }
      if (c === 10) { this.line++; this.atLineStart = true; continue; }
      if (c === 34) { this.inStr = true; this.atLineStart = false; continue; }
      if (c === 123 || c === 91) {
        if (c === 123 && this.atLineStart && this.base === 0 && buf.charCodeAt(i - 1) === 10) {
          out.push({ ok: false, code: 'JSON_BAD_RECORD', reason: 'JSON record is truncated: a new record starts before it closes', line: this.recLine, offset: this.recOffset, record: this.recNo });
          this.startRecord(i);
          this.depth = 1;
          this.atLineStart = false;
          continue;
        }
        if (++this.depth > MAX_JSON_DEPTH) this.tooDeep = true;
      } else if (c === 125 || c === 93) {
        this.depth--;
        if (this.depth === 0) this.endRecord(out, i + 1);
      }
      if (!WS(c)) this.atLineStart = false;
    }
    this.pos = i;
    // Drop what is consumed; keep the open record (or the undecided "[") in the buffer.
    const keepFrom = this.recStart >= 0 ? this.recStart : (this.skipping ? n : i);
    if (keepFrom > 0) {
      this.offsetAt(keepFrom);
      this.buf = this.buf.slice(keepFrom);
      this.pos -= keepFrom;
      if (this.recStart >= 0) this.recStart -= keepFrom;
      this.byteIdx -= keepFrom;
    }
    return out;
  }

  end(): JsonPiece[] {
    const out = this.push('');
    if (this.pos < this.buf.length && this.recStart < 0 && !this.skipping) {
      // An undecided "[" at the very end: an empty or truncated array.
      const rest = this.buf.slice(this.pos).trim();
      if (rest !== '' && rest !== '[') out.push({ ok: false, code: 'JSON_BAD_RECORD', reason: 'unexpected end of input', line: this.line, offset: this.offsetAt(this.pos), record: this.recNo + 1 });
    }
    if (this.recStart >= 0) {
      if (this.scalar && !this.inStr) this.endRecord(out, this.buf.length);
      else out.push({ ok: false, code: 'JSON_BAD_RECORD', reason: 'JSON record is not closed before the end of the input', line: this.recLine, offset: this.recOffset, record: this.recNo });
      this.recStart = -1;
    } else if (this.base === 1) {
      out.push({ ok: false, code: 'JSON_BAD_RECORD', reason: 'JSON array is not closed before the end of the input', line: this.line, offset: this.byteOff, record: this.recNo });
    }
    this.buf = '';
    this.pos = 0;
    return out;
  }
}

/**
 * Split a byte (or text) stream into JSON record texts with their line, byte offset and record
 * number. Reusable by any JSON-shaped format (winevent, m365 …). Bad pieces come out as
 * `{ok: false}` with a reason; the caller turns them into located errors.
 */
export async function* splitJsonRecords(input: ByteSource | AsyncIterable<string>, maxRecordChars: number = DEFAULT_MAX_JSON_RECORD_CHARS): AsyncGenerator<JsonPiece> {
  for await (const batch of splitJsonRecordBatches(input, maxRecordChars)) yield* batch;
}

/** splitJsonRecords in arrays, one per input chunk (less per-record overhead for bulk readers). */
export async function* splitJsonRecordBatches(input: ByteSource | AsyncIterable<string>, maxRecordChars: number = DEFAULT_MAX_JSON_RECORD_CHARS): AsyncGenerator<JsonPiece[]> {
  const splitter = new JsonRecordSplitter(maxRecordChars);
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of input as AsyncIterable<Uint8Array | string>) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text.length === 0) continue;
    const out = splitter.push(text);
    if (out.length > 0) yield out;
  }
  const tail = decoder.decode();
  const out = tail ? splitter.push(tail) : [];
  out.push(...splitter.end());
  if (out.length > 0) yield out;
}

// ---------------------------------------------------------------------------------------------

/** Field names tried, in order, when no time field is configured. */
export const JSON_TIME_FIELDS = ['@timestamp', 'timestamp', 'time', 'Timestamp', 'TimeCreated', 'eventTime', 'EventTime', 'event_time',
  'CreationTime', 'CreatedDateTime', 'createdDateTime', 'activityDateTime', 'ts', 'date', 'datetime', 'created_at', 'event.created', 'received_at'];

// Canonical names filled from common native spellings when the record does not have them already.
const CANONICAL_SOURCES: Record<string, string[]> = {
  user: ['user', 'username', 'user_name', 'userName', 'UserId', 'user.name', 'actor', 'account'],
  src_ip: ['src_ip', 'source_ip', 'sourceIp', 'client_ip', 'clientIp', 'ClientIP', 'ipAddress', 'ip', 'remote_addr', 'source.ip', 'client.ip'],
  src_port: ['src_port', 'source_port', 'source.port'],
  host: ['host', 'hostname', 'host.name', 'computer', 'Computer', 'workstation'],
  outcome: ['outcome', 'event.outcome', 'result'],
};

/** Value at a dotted path; a key containing dots is matched whole first ("event.created"). */
export function getPath(obj: Record<string, FieldValue>, path: string): FieldValue | undefined {
  if (Object.hasOwn(obj, path)) return obj[path];
  let cur: FieldValue | undefined = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur) || !Object.hasOwn(cur, part)) return undefined;
    cur = (cur as Record<string, FieldValue>)[part];
  }
  return cur;
}

export interface JsonReadOptions {
  /** Dotted path of the time field (config formats.jsonl.timeField). */
  timeField?: string;
  /** Logsource stamped on every event (default none). */
  logsource?: LogSource;
  maxRecordChars?: number;
}

/** Turns one record text into an event (or a located error). */
export function jsonRecordToEvent(text: string, loc: { file: string; line: number; offset: number; record: number }, opts: ReadOptions, jo: JsonReadOptions): ParseResult {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const why = (e as Error).message.replace(/^Unexpected token/, 'unexpected token').slice(0, 120);
    return { ok: false, error: new ClaimGuardError('JSON_BAD_RECORD', `invalid JSON: ${why}`, loc) };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, error: new ClaimGuardError('JSON_BAD_RECORD', `a record must be a JSON object, not ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}`, loc) };
  }
  const fields = value as Fields;
  let tv: FieldValue | undefined;
  let used: string | undefined;
  if (jo.timeField) {
    tv = getPath(fields, jo.timeField);
    used = jo.timeField;
    if (tv === undefined) return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `record has no time field "${jo.timeField}"`, { ...loc, path: jo.timeField }) };
  } else {
    for (const name of JSON_TIME_FIELDS) {
      tv = getPath(fields, name);
      if (tv !== undefined && tv !== null && tv !== '') { used = name; break; }
    }
    if (used === undefined) {
      return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `record has no time field (looked for ${JSON_TIME_FIELDS.slice(0, 6).join(', ')} …); set formats.jsonl.timeField`, loc) };
    }
  }
  const time = tryParseTime(tv, { ...(opts.timeZone ? { timeZone: opts.timeZone } : {}), ...(opts.referenceTime ? { referenceTime: opts.referenceTime } : {}) });
  if (time === undefined) {
    const shown = JSON.stringify(tv) ?? String(tv);
    return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `field "${used}": bad timestamp ${shown.length > 48 ? shown.slice(0, 45) + '...' : shown}`, { ...loc, path: used }) };
  }
  for (const [canon, names] of Object.entries(CANONICAL_SOURCES)) {
    if (fields[canon] !== undefined) continue;
    for (const n of names) {
      const v = getPath(fields, n);
      if (typeof v === 'string' && v !== '') { fields[canon] = v; break; }
      if (typeof v === 'number' && canon === 'src_port') { fields[canon] = v; break; }
    }
  }
  const event: ParsedEvent = { time, logsource: { ...(jo.logsource ?? {}) }, fields };
  if (opts.keepRaw) event.raw = text;
  return { ok: true, event };
}

async function* readJsonBatches(input: ByteSource, opts: ReadOptions): AsyncGenerator<ParseResult[]> {
  const jo = (opts.options ?? {}) as JsonReadOptions;
  for await (const pieces of splitJsonRecordBatches(input, jo.maxRecordChars ?? DEFAULT_MAX_JSON_RECORD_CHARS)) {
    const out: ParseResult[] = [];
    for (const piece of pieces) {
      const loc = { file: opts.file, line: piece.line, offset: piece.offset, record: piece.record };
      if (!piece.ok) out.push({ ok: false, error: new ClaimGuardError(piece.code, piece.reason, loc) });
      else out.push(jsonRecordToEvent(piece.text, loc, opts, jo));
    }
    yield out;
  }
}

export function sniffJson(head: Uint8Array, fileName: string): boolean {
  const text = new TextDecoder().decode(head.subarray(0, 4096)).replace(/^\uFEFF/, '').trimStart();
  if (text.startsWith('{')) return true;
  if (/^\[\s*(\{|\]|$)/.test(text)) return true;
  return /\.(jsonl|ndjson|json)(\.gz)?$/i.test(fileName) && text.length === 0;
}

export const jsonlReader: FormatReader = {
  name: 'jsonl',
  sniff: sniffJson,
  read: (input, opts) => flattenBatches(readJsonBatches(input, opts)),
  readBatches: readJsonBatches,
};
