// Splits a byte stream of JSON exports into one text per record, with its line, byte offset and
// record number, without holding the whole input in memory.
//
// Shapes recognised from the first bytes:
//   lines    JSON Lines / NDJSON (Sentinel and Log Analytics exports, `Search-UnifiedAuditLog | ConvertTo-Json -Compress`)
//   array    a top-level JSON array of records (`ConvertTo-Json`, portal downloads)
//   wrapper  an object whose `value` or `records` array holds the records (Graph pages `{"@odata.context":…,"value":[…]}`,
//            diagnostic-settings blobs and Event Hub batches `{"records":[…]}`)
//   stream   pretty-printed objects one after another (neither array nor NDJSON)
// In `lines` mode a broken line costs that line only. In the other modes the splitter tracks string and
// nesting state, so a record that never closes ends the input with one located error.
import { ClaimGuardError, type Location } from '../../../core/index.ts';
import type { ByteSource } from '../types.ts';

/** Largest single record accepted, in UTF-16 code units (≈ bytes for ASCII). */
export const MAX_RECORD_CHARS = 8 * 1024 * 1024;

export type RecordText = { ok: true; text: string; loc: Location } | { ok: false; error: ClaimGuardError };

type Mode = 'lines' | 'array' | 'wrapper' | 'stream';

const WRAPPER_HEAD = /^\s*\{(?:\s*"[^"\\]*"\s*:\s*(?:"(?:[^"\\]|\\.)*"|-?[\d.eE+-]+|true|false|null)\s*,)*\s*"(?:value|records)"\s*:\s*\[/;

/** Decides the container shape from the first characters of the input (BOM already removed). */
export function detectMode(head: string): Mode {
  const t = head.replace(/^\s+/, '');
  if (t.startsWith('[')) return 'array';
  if (WRAPPER_HEAD.test(t)) return 'wrapper';
  const nl = t.indexOf('\n');
  const first = (nl < 0 ? t : t.slice(0, nl)).trim();
  if (first.startsWith('{') && first.endsWith('}')) {
    try { JSON.parse(first); return 'lines'; } catch { /* a pretty-printed first object */ }
  }
  return t.startsWith('{') ? 'stream' : 'lines';
}

/**
 * Yields the text of each record. Never throws for bad input: oversize or unterminated records become
 * `{ok:false}` results with a location.
 */
export async function* splitJsonRecords(input: ByteSource, file: string): AsyncGenerator<RecordText> {
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: false });
  let mode: Mode | undefined;
  let pending = '';           // undecided head (before mode is known)
  let state: SplitState | undefined;
  for await (const chunk of input) {
    const text = decoder.decode(chunk, { stream: true });
    if (!state) {
      pending += text;
      if (pending.length < 4096) continue;
      mode = detectMode(pending);
      state = newState(mode);
      yield* feed(state, pending, file);
      pending = '';
    } else {
      yield* feed(state, text, file);
    }
  }
  const tail = decoder.decode();
  if (!state) {
    pending += tail;
    if (!pending.trim()) return;
    mode = detectMode(pending);
    state = newState(mode);
    yield* feed(state, pending, file);
  } else if (tail) {
    yield* feed(state, tail, file);
  }
  yield* finish(state, file);
}

interface SplitState {
  mode: Mode;
  /** Record depth: where records start (0 lines/stream, 1 array, 2 wrapper). */
  recordDepth: number;
  depth: number;
  inString: boolean;
  escape: boolean;
  /** Container kinds on the stack ('{' or '['). */
  stack: string[];
  buf: string;
  collecting: boolean;
  /** Bytes consumed before the current character, line of the current character. */
  offset: number;
  line: number;
  recStartOffset: number;
  recStartLine: number;
  record: number;
  overflow: boolean;
  /** After an unrecoverable structural error the rest of the input is ignored. */
  dead: boolean;
  /** In stream mode, skipping a garbage line until its newline. */
  skippingLine: boolean;
}

function newState(mode: Mode): SplitState {
  return {
    mode, recordDepth: mode === 'array' ? 1 : mode === 'wrapper' ? 2 : 0,
    depth: 0, inString: false, escape: false, stack: [], buf: '', collecting: false,
    offset: 0, line: 1, recStartOffset: 0, recStartLine: 1, record: 0, overflow: false, dead: false, skippingLine: false,
  };
}

function utf8Len(code: number): number {
  return code < 0x80 ? 1 : code < 0x800 ? 2 : code >= 0xd800 && code <= 0xdfff ? 2 : 3;
}

function* feed(s: SplitState, text: string, file: string): Generator<RecordText> {
  if (s.mode === 'lines') { yield* feedLines(s, text, file); return; }
  // Record text is sliced from the chunk, not built per character.
  let segStart = s.collecting ? 0 : -1;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (s.dead) { s.offset += utf8Len(ch); continue; }
    if (s.skippingLine) {
      if (ch === 10) { s.skippingLine = false; s.line++; }
      s.offset += utf8Len(ch);
      continue;
    }
    if (s.inString) {
      if (s.escape) s.escape = false;
      else if (ch === 92) s.escape = true;          // backslash
      else if (ch === 34) s.inString = false;       // quote
      else if (ch === 10) s.line++;
    } else if (ch === 34) {
      s.inString = true;
    } else if (ch === 123 || ch === 91) {           // { [
      if (s.depth === s.recordDepth && !s.collecting && ch === 123 && parentIsArrayOrTop(s)) {
        s.collecting = true; s.buf = ''; segStart = i; s.recStartOffset = s.offset; s.recStartLine = s.line; s.overflow = false;
      }
      s.stack.push(String.fromCharCode(ch));
      s.depth++;
    } else if (ch === 125 || ch === 93) {           // } ]
      const open = s.stack.pop();
      if (open === undefined || (ch === 125) !== (open === '{')) {
        s.dead = true;
        yield { ok: false, error: new ClaimGuardError('M365_BAD_RECORD', `unbalanced '${String.fromCharCode(ch)}' in JSON input; the rest of the file is ignored`, { file, line: s.line, offset: s.offset, record: s.record + 1 }) };
        s.offset += 1;
        continue;
      }
      s.depth--;
      if (s.collecting && s.depth === s.recordDepth) {
        s.record++;
        const loc: Location = { file, line: s.recStartLine, offset: s.recStartOffset, record: s.record };
        if (!s.overflow) s.buf += text.slice(segStart, i + 1);
        segStart = -1;
        if (s.overflow || s.buf.length > MAX_RECORD_CHARS) {
          yield { ok: false, error: new ClaimGuardError('INGEST_LINE_TOO_LONG', `record is longer than ${MAX_RECORD_CHARS} characters`, loc) };
        } else {
          yield { ok: true, text: s.buf, loc };
        }
        s.collecting = false; s.buf = ''; s.overflow = false;
      }
    } else if (ch === 10) {
      s.line++;
    } else if (!s.collecting && s.depth === 0 && s.mode === 'stream' && ch !== 32 && ch !== 9 && ch !== 13 && ch !== 44 && ch !== 0xfeff) {
      // Text between top-level objects that is not JSON: report it once per line and skip the line.
      s.record++;
      yield { ok: false, error: new ClaimGuardError('M365_BAD_RECORD', 'text outside any JSON object', { file, line: s.line, offset: s.offset, record: s.record }) };
      s.skippingLine = true;
    }
    s.offset += utf8Len(ch);
  }
  if (s.collecting && !s.overflow && segStart >= 0) {
    s.buf += text.slice(segStart);
    if (s.buf.length > MAX_RECORD_CHARS) { s.overflow = true; s.buf = ''; }
  }
}

function parentIsArrayOrTop(s: SplitState): boolean {
  if (s.recordDepth === 0) return true;
  return s.stack[s.stack.length - 1] === '[';
}

function* feedLines(s: SplitState, text: string, file: string): Generator<RecordText> {
  let start = 0;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const piece = nl < 0 ? text.slice(start) : text.slice(start, nl);
    if (!s.overflow) {
      s.buf += piece;
      if (s.buf.length > MAX_RECORD_CHARS) { s.overflow = true; s.buf = ''; }
    }
    if (nl < 0) return;
    yield* emitLine(s, file);
    start = nl + 1;
  }
}

function* emitLine(s: SplitState, file: string): Generator<RecordText> {
  const lineText = s.buf;
  const line = s.line;
  const offset = s.recStartOffset;
  s.recStartOffset += Buffer.byteLength(lineText, 'utf8') + 1;
  s.line++;
  s.buf = '';
  if (s.overflow) {
    s.overflow = false;
    s.record++;
    yield { ok: false, error: new ClaimGuardError('INGEST_LINE_TOO_LONG', `line is longer than ${MAX_RECORD_CHARS} characters`, { file, line, record: s.record }) };
    return;
  }
  const t = lineText.replace(/^\ufeff/, '').trim();
  if (!t) return;
  s.record++;
  yield { ok: true, text: t, loc: { file, line, offset, record: s.record } };
}

function* finish(s: SplitState, file: string): Generator<RecordText> {
  if (s.mode === 'lines') {
    if (s.buf.length || s.overflow) yield* emitLine(s, file);
    return;
  }
  if (s.collecting && !s.dead) {
    s.record++;
    yield { ok: false, error: new ClaimGuardError('M365_BAD_RECORD', 'input ends inside a record (truncated JSON)', { file, line: s.recStartLine, offset: s.recStartOffset, record: s.record }) };
  }
}
