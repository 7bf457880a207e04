// CSV / TSV exports (billing-application audit trails, EHR access logs, spreadsheets): RFC 4180
// quoting (embedded delimiters and newlines, doubled quotes), delimiter detection among , ; TAB |,
// a UTF-8 BOM, header detection, and a column map that names which columns hold the canonical
// fields (time, user, action, patient_id, claim_id, account_id, host, src_ip, outcome).
//
// Every column is kept under its header name; mapped columns are copied to canonical names too.
// A record longer than the limit (a quote that never closes, a runaway field) is reported as
// INGEST_LINE_TOO_LONG and the tokenizer resynchronises at the next line break.
import { ClaimGuardError, tryParseTime, type CsvColumnMap, type Fields, type LogSource, type ParsedEvent } from '../../core/index.ts';
import { DEFAULT_MAX_LINE_BYTES } from './lines.ts';
import { setKey } from './keys.ts';
import { flattenBatches, type ByteSource, type FormatReader, type ParseResult, type ReadOptions } from './types.ts';

export const CSV_DELIMITERS = [',', ';', '\t', '|'] as const;

/** Canonical fields a column map may fill, in the order they are tried. */
export const CSV_CANONICAL = ['time', 'user', 'action', 'patient_id', 'claim_id', 'account_id', 'host', 'src_ip', 'outcome'] as const;
type Canonical = (typeof CSV_CANONICAL)[number];

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/**
 * Built-in column maps. "billing-audit" recognises the headers billing and practice-management
 * systems commonly use for their audit-trail exports (each canonical field lists accepted header
 * spellings, compared without case, spaces or punctuation). "generic" maps only the timestamp.
 */
export const CSV_PRESETS: Record<string, { columns: Partial<Record<Canonical, string[]>>; logsource: LogSource }> = {
  'billing-audit': {
    columns: {
      time: ['timestamp', 'datetime', 'date time', 'event time', 'event date', 'audit date', 'audit time', 'access time', 'logged at', 'created at', 'time', 'date', 'when', 'ts'],
      user: ['user', 'username', 'user name', 'user id', 'userid', 'login', 'login id', 'operator', 'employee', 'performed by', 'staff', 'actor'],
      action: ['action', 'activity', 'event', 'event type', 'operation', 'audit action', 'function', 'transaction'],
      patient_id: ['patient id', 'patient', 'patientid', 'mrn', 'patient mrn', 'patient account', 'chart number', 'member id'],
      claim_id: ['claim id', 'claim', 'claim number', 'claim no', 'claimid', 'icn', 'encounter id'],
      account_id: ['account id', 'account', 'account number', 'acct', 'acct no', 'guarantor account', 'payer account'],
      host: ['workstation', 'workstation id', 'computer', 'terminal', 'host', 'hostname', 'machine', 'device'],
      src_ip: ['ip', 'ip address', 'ipaddress', 'src ip', 'source ip', 'client ip', 'remote ip', 'remote address'],
      outcome: ['outcome', 'result', 'status', 'success'],
    },
    logsource: { product: 'billing', service: 'audit' },
  },
  generic: {
    columns: { time: ['timestamp', 'time', '@timestamp', 'datetime', 'date time', 'event time', 'date', 'ts', 'epoch'] },
    logsource: {},
  },
};

// ---------------------------------------------------------------------------------------------
// Tokenizer

export interface CsvRecord {
  fields: string[];
  /** 1-based physical line where the record starts. */
  line: number;
  /** 0-based byte offset where the record starts. */
  offset: number;
  /** 1-based record number (header included). */
  record: number;
}

export type CsvItem = { ok: true; rec: CsvRecord } | { ok: false; code: 'INGEST_LINE_TOO_LONG' | 'CSV_BAD_RECORD'; reason: string; line: number; offset: number; record: number };

function utf8Len(c: number): number {
  return c < 0x80 ? 1 : c < 0x800 ? 2 : c >= 0xd800 && c <= 0xdbff ? 4 : c >= 0xdc00 && c <= 0xdfff ? 0 : 3;
}

/**
 * Push-style RFC 4180 tokenizer: feed text with push(), finish with end(); each returns the records
 * completed so far. Memory is bounded by `maxRecordBytes`.
 */
export class CsvTokenizer {
  private readonly delim: number;
  private readonly max: number;
  private fields: string[] = [];
  private field = '';
  private quoted = false; // inside a quoted field
  private afterQuote = false; // just saw the closing quote
  private recordBytes = 0;
  private skipping = false;
  private line = 1;
  private offset = 0;
  private recLine = 1;
  private recOffset = 0;
  private recNo = 0;
  private started = false;

  constructor(delimiter: string, maxRecordBytes: number = DEFAULT_MAX_LINE_BYTES) {
    this.delim = delimiter.charCodeAt(0);
    this.max = maxRecordBytes;
  }

  push(text: string): CsvItem[] {
    const out: CsvItem[] = [];
    const n = text.length;
    let segStart = 0; // start of the run of plain characters not yet copied into `field`
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      const bytes = utf8Len(c);
      if (!this.started) {
        this.started = true;
        this.recLine = this.line;
        this.recOffset = this.offset;
      }
      this.offset += bytes;
      if (this.skipping) {
        if (c === 10) {
          this.line++;
          this.skipping = false;
          this.resetRecord();
        }
        segStart = i + 1;
        continue;
      }
      this.recordBytes += bytes;
      if (this.recordBytes > this.max) {
        this.recNo++;
        out.push({ ok: false, code: 'INGEST_LINE_TOO_LONG', reason: `record longer than ${this.max} bytes skipped (unclosed quote?)`, line: this.recLine, offset: this.recOffset, record: this.recNo });
        this.skipping = c !== 10;
        if (c === 10) this.line++;
        this.quoted = false;
        this.fields = [];
        this.field = '';
        if (!this.skipping) this.resetRecord();
        segStart = i + 1;
        continue;
      }
      if (this.quoted) {
        if (c === 34) {
          this.field += text.slice(segStart, i);
          this.quoted = false;
          this.afterQuote = true;
          segStart = i + 1;
        } else if (c === 10) {
          this.line++;
        }
        continue;
      }
      if (c === 34 /* " */) {
        if (this.afterQuote) {
          // doubled quote inside a quoted field: "" → "
          this.field += text.slice(segStart, i) + '"';
          this.quoted = true;
          this.afterQuote = false;
          segStart = i + 1;
        } else if (this.field.length === 0 && i === segStart) {
          this.quoted = true;
          segStart = i + 1;
        }
        // a quote inside an unquoted field is kept literally
        continue;
      }
      if (c === this.delim) {
        this.fields.push(this.field + text.slice(segStart, i));
        this.field = '';
        this.afterQuote = false;
        segStart = i + 1;
        continue;
      }
      if (c === 13) {
        // CR is dropped outside quotes (CRLF line ends); a lone CR does not end a record.
        this.field += text.slice(segStart, i);
        segStart = i + 1;
        continue;
      }
      if (c === 10) {
        this.fields.push(this.field + text.slice(segStart, i));
        this.line++;
        this.emit(out);
        segStart = i + 1;
        continue;
      }
      this.afterQuote = false;
    }
    if (!this.skipping && segStart < n) this.field += text.slice(segStart);
    return out;
  }

  end(): CsvItem[] {
    const out: CsvItem[] = [];
    if (this.skipping) return out;
    if (this.quoted) {
      this.recNo++;
      out.push({ ok: false, code: 'CSV_BAD_RECORD', reason: 'quoted field is not closed before the end of the input', line: this.recLine, offset: this.recOffset, record: this.recNo });
      return out;
    }
    if (this.fields.length > 0 || this.field.length > 0) {
      this.fields.push(this.field);
      this.emit(out);
    }
    return out;
  }

  private emit(out: CsvItem[]): void {
    const fields = this.fields;
    // A blank line is not a record.
    if (!(fields.length === 1 && fields[0] === '')) {
      this.recNo++;
      out.push({ ok: true, rec: { fields, line: this.recLine, offset: this.recOffset, record: this.recNo } });
    }
    this.resetRecord();
  }

  private resetRecord(): void {
    this.fields = [];
    this.field = '';
    this.quoted = false;
    this.afterQuote = false;
    this.recordBytes = 0;
    this.started = false;
  }
}

/** Parse a whole CSV text (tests, small inputs). Throws CSV_BAD_RECORD on the first bad record. */
export function parseCsvText(text: string, delimiter = ','): string[][] {
  const t = new CsvTokenizer(delimiter, Number.MAX_SAFE_INTEGER);
  const items = [...t.push(text.replace(/^\uFEFF/, '')), ...t.end()];
  return items.map((it) => {
    if (!it.ok) throw new ClaimGuardError('CSV_BAD_RECORD', it.reason, { line: it.line, offset: it.offset, record: it.record });
    return it.rec.fields;
  });
}

// ---------------------------------------------------------------------------------------------
// Detection

/** Counts of `delim` per line outside quotes for the first lines of `sample`. */
function delimiterCounts(sample: string, delim: string): number[] {
  const counts: number[] = [];
  let count = 0, quoted = false;
  for (let i = 0; i < sample.length && counts.length < 20; i++) {
    const ch = sample[i];
    if (ch === '"') quoted = !quoted;
    else if (!quoted && ch === delim) count++;
    else if (!quoted && ch === '\n') { counts.push(count); count = 0; }
  }
  return counts;
}

/** The delimiter whose per-line count is highest and consistent over the sample; undefined if none. */
export function detectDelimiter(sample: string): string | undefined {
  let best: string | undefined, bestScore = 0;
  for (const d of CSV_DELIMITERS) {
    const counts = delimiterCounts(sample, d);
    if (counts.length === 0) {
      const single = sample.split(d).length - 1;
      if (single > bestScore) { best = d; bestScore = single; }
      continue;
    }
    const first = counts[0];
    if (first === 0) continue;
    const same = counts.filter((c) => c === first).length;
    if (same / counts.length < 0.8) continue;
    const score = first * (same / counts.length);
    if (score > bestScore) { best = d; bestScore = score; }
  }
  return best;
}

function looksLikeData(v: string): boolean {
  const t = v.trim();
  return t === '' || /^[-+]?\d+(?:[.,]\d+)?$/.test(t) || tryParseTime(t) !== undefined || /^\d+\.\d+\.\d+\.\d+$/.test(t);
}

/** A first record is a header when every cell is a non-empty label (not a number, date or IP) and labels are unique. */
export function looksLikeHeader(fields: string[]): boolean {
  if (fields.length === 0) return false;
  const seen = new Set<string>();
  for (const f of fields) {
    if (looksLikeData(f) || f.length > 128) return false;
    const k = f.trim().toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Column maps

interface ResolvedMap {
  /** canonical field → column index */
  index: Partial<Record<Canonical, number>>;
  logsource: LogSource;
  name: string;
}

function resolvePreset(name: string, header: string[]): ResolvedMap {
  const preset = CSV_PRESETS[name];
  const normHeader = header.map(norm);
  const index: Partial<Record<Canonical, number>> = {};
  const used = new Set<number>();
  for (const canon of CSV_CANONICAL) {
    const synonyms = preset.columns[canon];
    if (!synonyms) continue;
    for (const syn of synonyms) {
      const i = normHeader.indexOf(norm(syn));
      if (i !== -1 && !used.has(i)) { index[canon] = i; used.add(i); break; }
    }
  }
  return { index, logsource: preset.logsource, name };
}

function resolveConfigured(name: string, map: CsvColumnMap, header: string[], file: string): ResolvedMap | ClaimGuardError {
  const normHeader = header.map(norm);
  const index: Partial<Record<Canonical, number>> = {};
  for (const canon of CSV_CANONICAL) {
    const col = map[canon];
    if (col === undefined) continue;
    const i = normHeader.indexOf(norm(col));
    if (i === -1) return new ClaimGuardError('CSV_BAD_RECORD', `column map "${name}": the header has no column "${col}" for ${canon}`, { file, line: 1, record: 1 });
    index[canon] = i;
  }
  return { index, logsource: map.logsource ?? { product: 'billing', service: 'audit' }, name };
}

const SUCCESS = new Set(['success', 'succeeded', 'successful', 'ok', 'allowed', 'allow', 'granted', 'pass', 'passed', 'true', 'yes', '1']);
const FAILURE = new Set(['failure', 'failed', 'fail', 'denied', 'deny', 'blocked', 'rejected', 'error', 'false', 'no', '0']);

/** "Success", "DENIED", "ok" … → success | failure; anything else is kept as written. */
export function normaliseOutcome(v: string): string {
  const k = v.trim().toLowerCase();
  if (SUCCESS.has(k)) return 'success';
  if (FAILURE.has(k)) return 'failure';
  return v.trim();
}

// ---------------------------------------------------------------------------------------------
// Reader

export interface CsvOptions {
  /** Delimiter; default detected from the first 64 KiB. */
  delimiter?: string;
  /** true / false / 'auto' (default). */
  header?: boolean | 'auto';
  /** Column names when the file has no header. */
  columns?: string[];
  /** Column map: a preset name (billing-audit, generic), a configured map name, or a map object. */
  map?: string | CsvColumnMap;
  /** Configured maps by name (config formats.csv.maps). */
  maps?: Record<string, CsvColumnMap>;
  maxRecordBytes?: number;
}

function csvOptions(o: Record<string, unknown> | undefined): CsvOptions {
  return (o ?? {}) as CsvOptions;
}

async function* readCsvBatches(input: ByteSource, opts: ReadOptions): AsyncGenerator<ParseResult[]> {
  const o = csvOptions(opts.options);
  const file = opts.file;
  const decoder = new TextDecoder('utf-8');
  let tokenizer: CsvTokenizer | undefined;
  let header: string[] | undefined;
  let map: ResolvedMap | undefined;
  let fatal = false;
  let bomChecked = false;
  let sample = '';
  const maxBytes = o.maxRecordBytes ?? DEFAULT_MAX_LINE_BYTES;
  const timeOpts = { ...(opts.timeZone ? { timeZone: opts.timeZone } : {}), ...(opts.referenceTime ? { referenceTime: opts.referenceTime } : {}) };

  let firstIsHeader = false;
  const setup = (first: CsvRecord): ParseResult | undefined => {
    const headerMode = o.header ?? 'auto';
    const isHeader = headerMode === 'auto' ? (o.columns === undefined && looksLikeHeader(first.fields)) : headerMode;
    firstIsHeader = isHeader;
    header = isHeader ? first.fields.map((h) => h.trim()) : (o.columns ?? first.fields.map((_, i) => `col${i + 1}`));
    const chosen = o.map;
    let resolved: ResolvedMap | ClaimGuardError;
    if (typeof chosen === 'object') resolved = resolveConfigured('inline', chosen, header, file);
    else if (typeof chosen === 'string' && o.maps?.[chosen]) resolved = resolveConfigured(chosen, o.maps[chosen], header, file);
    else if (typeof chosen === 'string' && CSV_PRESETS[chosen]) resolved = resolvePreset(chosen, header);
    else if (typeof chosen === 'string') resolved = new ClaimGuardError('CSV_BAD_RECORD', `unknown CSV column map "${chosen}" (built in: ${Object.keys(CSV_PRESETS).join(', ')}; or define it under formats.csv.maps)`, { file });
    else {
      // No map named: the billing-audit preset when it finds a user or patient/claim/account column, else generic.
      const billing = resolvePreset('billing-audit', header);
      const ix = billing.index;
      resolved = ix.user !== undefined || ix.patient_id !== undefined || ix.claim_id !== undefined || ix.account_id !== undefined ? billing : resolvePreset('generic', header);
    }
    if (resolved instanceof ClaimGuardError) { fatal = true; return { ok: false, error: resolved }; }
    map = resolved;
    if (map.index.time === undefined) {
      fatal = true;
      return { ok: false, error: new ClaimGuardError('CSV_BAD_RECORD', `no timestamp column found in the header (${header.slice(0, 12).join(', ')}); name it in a column map (formats.csv.maps.<name>.time)`, { file, line: first.line, record: first.record }) };
    }
    return undefined;
  };

  const toEvent = (rec: CsvRecord): ParseResult => {
    const h = header as string[], m = map as ResolvedMap;
    const loc = { file, line: rec.line, offset: rec.offset, record: rec.record };
    // A row with more or fewer fields than the header is ambiguous (shifted or truncated): rejected.
    if (rec.fields.length !== h.length) {
      return { ok: false, error: new ClaimGuardError('CSV_BAD_RECORD', `record has ${rec.fields.length} fields, the header has ${h.length}`, loc) };
    }
    const fields: Fields = {};
    for (let i = 0; i < h.length; i++) {
      const v = rec.fields[i];
      if (v !== undefined && h[i] !== '') setKey(fields, h[i], v);
    }
    const tcol = m.index.time as number;
    const tv = rec.fields[tcol] ?? '';
    const time = tryParseTime(tv, timeOpts);
    if (time === undefined) {
      const shown = tv.length > 40 ? tv.slice(0, 37) + '...' : tv;
      return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `column "${h[tcol]}": bad timestamp ${JSON.stringify(shown)}`, { ...loc, path: h[tcol] }) };
    }
    for (const canon of CSV_CANONICAL) {
      if (canon === 'time') continue;
      const i = m.index[canon];
      if (i === undefined) continue;
      const v = (rec.fields[i] ?? '').trim();
      if (v === '') continue;
      fields[canon] = canon === 'outcome' ? normaliseOutcome(v) : v;
    }
    const event: ParsedEvent = { time, logsource: { ...m.logsource }, fields };
    if (opts.keepRaw) event.raw = rec.fields.join(String.fromCharCode(o.delimiter ? o.delimiter.charCodeAt(0) : 44));
    return { ok: true, event };
  };

  const handle = (items: CsvItem[]): ParseResult[] => {
    const out: ParseResult[] = [];
    for (const it of items) {
      if (fatal) break;
      if (!it.ok) {
        out.push({ ok: false, error: new ClaimGuardError(it.code, it.reason, { file, line: it.line, offset: it.offset, record: it.record }) });
        continue;
      }
      if (header === undefined) {
        const err = setup(it.rec);
        if (err) { out.push(err); break; }
        if (firstIsHeader) continue;
      }
      out.push(toEvent(it.rec));
    }
    return out;
  };

  const start = (text: string): void => {
    const delim = o.delimiter ?? detectDelimiter(text) ?? ',';
    o.delimiter = delim;
    tokenizer = new CsvTokenizer(delim, maxBytes);
  };

  for await (const chunk of input) {
    let text = decoder.decode(chunk, { stream: true });
    if (!bomChecked) {
      if (text.length === 0) continue;
      bomChecked = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (!tokenizer) {
      sample += text;
      if (sample.length < 65536) continue;
      start(sample);
      text = sample;
      sample = '';
    }
    const out = handle((tokenizer as CsvTokenizer).push(text));
    if (out.length > 0) yield out;
    if (fatal) return;
  }
  const tail = decoder.decode();
  let out: ParseResult[] = [];
  if (!tokenizer) { start(sample + tail); out = handle((tokenizer as unknown as CsvTokenizer).push(sample + tail)); }
  else if (tail) out = handle(tokenizer.push(tail));
  if (!fatal) out.push(...handle((tokenizer as unknown as CsvTokenizer).end()));
  if (out.length > 0) yield out;
}

export function sniffCsv(head: Uint8Array, fileName: string): boolean {
  if (/\.(csv|tsv)(\.gz)?$/i.test(fileName)) return true;
  const text = new TextDecoder().decode(head.subarray(0, 16384)).replace(/^\uFEFF/, '');
  const first = text.trimStart()[0];
  if (first === '{' || first === '[' || first === '<') return false;
  const lines = text.split('\n');
  if (lines.length < 3) return false;
  const d = detectDelimiter(lines.slice(0, -1).join('\n') + '\n');
  if (!d) return false;
  const t = new CsvTokenizer(d);
  const recs = t.push(lines.slice(0, 2).join('\n') + '\n');
  return recs.length > 0 && recs[0].ok && recs[0].rec.fields.length >= 2 && looksLikeHeader(recs[0].rec.fields);
}

export const csvReader: FormatReader = {
  name: 'csv',
  sniff: sniffCsv,
  read: (input, opts) => flattenBatches(readCsvBatches(input, opts)),
  readBatches: readCsvBatches,
};
