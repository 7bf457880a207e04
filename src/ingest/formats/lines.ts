// Line splitting over a byte stream with bounded memory: lines are cut on LF (a trailing CR is
// dropped), decoded as UTF-8, and numbered. A line longer than `maxBytes` is not buffered: it is
// reported once as `tooLong` with its line number and byte offset, skipped up to the next LF, and
// splitting resynchronises there. Memory stays at one chunk plus at most `maxBytes`.
import { Buffer } from 'node:buffer';
import { ClaimGuardError, type Location } from '../../core/index.ts';
import type { ByteSource, ParseResult, ReadOptions } from './types.ts';

/** Default record length limit for line-based formats (1 MiB). */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

export interface Line {
  /** Line text without the terminator (CR LF or LF). */
  text: string;
  /** 1-based line number. */
  line: number;
  /** 0-based byte offset of the first byte of the line. */
  offset: number;
}

export interface LongLine {
  tooLong: true;
  line: number;
  offset: number;
  /** Bytes seen before giving up (at least maxBytes + 1). */
  length: number;
}

export type LineItem = Line | LongLine;

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function decode(buf: Buffer, start: number, end: number): string {
  if (end > start && buf[end - 1] === 13) end--;
  return buf.toString('utf8', start, end);
}

/**
 * Split `input` into lines. Yields arrays (one per input chunk) to keep per-line overhead low; use
 * `lines()` for one at a time.
 */
export async function* lineBatches(input: ByteSource, maxBytes: number = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<LineItem[]> {
  let lineNo = 1;
  let offset = 0; // byte offset of the start of the current (pending) line
  let pending: Buffer[] = [];
  let pendingLen = 0;
  let skipping = false; // inside an over-long line: drop bytes until LF
  for await (const raw of input) {
    if (raw.byteLength === 0) continue;
    const chunk = asBuffer(raw);
    const out: LineItem[] = [];
    let pos = 0;
    while (pos < chunk.length) {
      const nl = chunk.indexOf(10, pos);
      const end = nl === -1 ? chunk.length : nl;
      const total = pendingLen + (end - pos);
      if (skipping) {
        // dropping the rest of an over-long line
      } else if (total > maxBytes) {
        out.push({ tooLong: true, line: lineNo, offset, length: total });
        skipping = true;
        pending = [];
      } else if (nl !== -1) {
        if (pending.length === 0) {
          out.push({ text: decode(chunk, pos, end), line: lineNo, offset });
        } else {
          pending.push(chunk.subarray(pos, end));
          const joined = Buffer.concat(pending);
          out.push({ text: decode(joined, 0, joined.length), line: lineNo, offset });
        }
      } else {
        // Keep a copy: the producer may reuse its chunk buffer.
        pending.push(Buffer.from(chunk.subarray(pos, end)));
      }
      pendingLen = total;
      if (nl === -1) break;
      offset += total + 1;
      lineNo++;
      pendingLen = 0;
      pending = [];
      skipping = false;
      pos = nl + 1;
    }
    if (out.length > 0) yield out;
  }
  if (skipping) return;
  if (pending.length > 0) {
    const joined = Buffer.concat(pending);
    yield [{ text: decode(joined, 0, joined.length), line: lineNo, offset }];
  }
}

/** One line at a time (see lineBatches). */
export async function* lines(input: ByteSource, maxBytes: number = DEFAULT_MAX_LINE_BYTES): AsyncGenerator<LineItem> {
  for await (const batch of lineBatches(input, maxBytes)) yield* batch;
}

export function isLongLine(item: LineItem): item is LongLine {
  return (item as LongLine).tooLong === true;
}

/**
 * The read loop of every one-record-per-line format: split, report over-long lines as located errors,
 * skip blank lines, and parse each line with `parseLine`. Yields one array of results per input chunk.
 */
export async function* lineRecordBatches(
  input: ByteSource,
  opts: ReadOptions,
  parseLine: (text: string, loc: Location) => ParseResult,
): AsyncGenerator<ParseResult[]> {
  const o = opts.options ?? {};
  const maxBytes = typeof o.maxLineBytes === 'number' ? o.maxLineBytes : DEFAULT_MAX_LINE_BYTES;
  for await (const batch of lineBatches(input, maxBytes)) {
    const out: ParseResult[] = [];
    for (const item of batch) {
      const loc = { file: opts.file, line: item.line, offset: item.offset };
      if (isLongLine(item)) {
        out.push({ ok: false, error: new ClaimGuardError('INGEST_LINE_TOO_LONG', `line longer than ${maxBytes} bytes skipped`, loc) });
        continue;
      }
      if (item.text.trim() === '') continue;
      out.push(parseLine(item.text, loc));
    }
    if (out.length > 0) yield out;
  }
}

/** A ByteSource over an in-memory string or bytes, in chunks of `chunkSize` (tests, HTTP bodies). */
export async function* bytesOf(data: string | Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : asBuffer(data);
  for (let i = 0; i < buf.length; i += chunkSize) yield buf.subarray(i, Math.min(buf.length, i + chunkSize));
}
