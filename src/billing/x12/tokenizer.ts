// Stage 1 of the X12 reader: characters in, segments out, with the delimiters read from each ISA.
//
// Push API: `push(chunk)` returns the segments completed by that chunk, `end()` flushes the last
// one. Memory holds only the unfinished segment (capped by `maxSegmentLength`), so any file size
// streams in flat memory.
//
// Delimiters (reference/billing.md §1): ISA is fixed width, 106 characters with its terminator.
//   pos 3   element separator (must appear again at pos 103)
//   pos 82  repetition separator (ISA11, 5010 only; ignored when alphanumeric or equal to ISA16)
//   pos 104 component separator (ISA16)
//   pos 105 segment terminator (any non-alphanumeric character, CR included)
// Tolerated bookkeeping: a UTF-8 BOM, whitespace (CR, LF, spaces, tabs) between segments, blank
// lines, no terminator after the last segment. Each interchange re-reads its own delimiters.
import { TextDecoder } from 'node:util';
import { ClaimGuardError } from '../../core/index.ts';

export interface Delimiters {
  element: string;
  component: string;
  /** Repetition separator (ISA11) when the interchange defines one. */
  repetition: string | undefined;
  segment: string;
}

export interface RawSegment {
  /** Segment identifier, e.g. "CLM". */
  id: string;
  /** All elements; elements[0] is the identifier, elements[n] is the n-th data element (untrimmed). */
  elements: string[];
  /** 1-based segment number within the file (ISA counts). */
  index: number;
  /** 0-based character offset of the segment's first character (= byte offset for ASCII input). */
  offset: number;
  /** 1-based line of the segment's first character. */
  line: number;
  delimiters: Delimiters;
}

/** Width of an ISA segment including its terminator. */
export const ISA_LENGTH = 106;
/** Default cap on one segment's length; a longer run without a terminator is refused, not buffered. */
export const MAX_SEGMENT_LENGTH = 1 << 20;

const WS = /\s/;
const ALNUM = /[A-Za-z0-9]/;

/** Skipped between segments: whitespace, a BOM, NUL padding and the DOS end-of-file mark (Ctrl-Z). */
function isWs(c: string): boolean {
  return c === '\uFEFF' || c === '\u0000' || c === '\u001A' || WS.test(c);
}

export interface TokenizerOptions {
  file?: string;
  maxSegmentLength?: number;
}

export class X12Tokenizer {
  readonly file: string | undefined;
  readonly maxSegmentLength: number;
  /** The fatal error that stopped tokenizing, if any (no more segments are produced after it). */
  error: ClaimGuardError | undefined;
  private buf = '';
  /** Read position in buf: everything before it has been consumed. */
  private pos = 0;
  /** Offset in the whole input of buf[0]. */
  private base = 0;
  /** Line number of buf[0]. */
  private baseLine = 1;
  private delims: Delimiters | undefined;
  private count = 0;
  private decoder: TextDecoder | undefined;

  constructor(opts: TokenizerOptions = {}) {
    this.file = opts.file;
    this.maxSegmentLength = opts.maxSegmentLength ?? MAX_SEGMENT_LENGTH;
  }

  /** Segments emitted so far. */
  get segmentCount(): number {
    return this.count;
  }

  push(chunk: string | Uint8Array): RawSegment[] {
    if (this.error) return [];
    if (typeof chunk !== 'string') {
      this.decoder ??= new TextDecoder('utf-8');
      chunk = this.decoder.decode(chunk, { stream: true });
    }
    this.buf += chunk;
    return this.drain(false);
  }

  end(): RawSegment[] {
    if (this.error) return [];
    if (this.decoder) this.buf += this.decoder.decode();
    return this.drain(true);
  }

  private fail(code: 'X12_BAD_ENVELOPE' | 'X12_BAD_SEGMENT' | 'X12_TRUNCATED', msg: string, at: number, path?: string): void {
    const line = this.lineAt(at);
    this.error = new ClaimGuardError(code, msg, { file: this.file, offset: this.base + at, line, record: this.count + 1, ...(path ? { path } : {}) });
    this.buf = '';
    this.pos = 0;
  }

  /** Line of the character `at` places after the read position. */
  private lineAt(at: number): number {
    let line = this.baseLine;
    const stop = Math.min(this.pos + at, this.buf.length);
    for (let i = this.pos; i < stop; i++) if (this.buf.charCodeAt(i) === 10) line++;
    return line;
  }

  /** Move the read position n characters on, keeping offsets and line numbers in step. */
  private consume(n: number): void {
    const stop = Math.min(this.pos + n, this.buf.length);
    for (let i = this.pos; i < stop; i++) if (this.buf.charCodeAt(i) === 10) this.baseLine++;
    this.base += stop - this.pos;
    this.pos = stop;
  }

  private get avail(): number {
    return this.buf.length - this.pos;
  }

  private drain(final: boolean): RawSegment[] {
    const out: RawSegment[] = [];
    this.drainInto(out, final);
    // Drop what was read once per chunk (not per segment), so the cost stays linear.
    if (this.pos) {
      this.buf = this.buf.slice(this.pos);
      this.pos = 0;
    }
    return out;
  }

  private drainInto(out: RawSegment[], final: boolean): void {
    for (;;) {
      if (this.error) return;
      // Skip whitespace, BOM and padding between segments.
      let s = this.pos;
      while (s < this.buf.length && isWs(this.buf[s])) s++;
      if (s > this.pos) this.consume(s - this.pos);
      if (!this.avail) return;
      if (!this.delims || this.startsIsa()) {
        const seg = this.readIsa(final);
        if (!seg) {
          if (!this.error && this.avail > this.maxSegmentLength) this.fail('X12_BAD_SEGMENT', 'segment too long', 0);
          return;
        }
        out.push(seg);
        continue;
      }
      const d = this.delims;
      let end = this.buf.indexOf(d.segment, this.pos);
      if (end < 0) {
        if (!final) {
          if (this.avail > this.maxSegmentLength) {
            this.fail('X12_BAD_SEGMENT', `no segment terminator "${printable(d.segment)}" within ${this.maxSegmentLength} characters`, 0);
          }
          return;
        }
        end = this.buf.length; // EOF ends the last segment
      }
      let text = this.buf.slice(this.pos, end);
      // Trailing CR/LF before the terminator (e.g. LF terminator with CRLF lines).
      const last = text.charCodeAt(text.length - 1);
      if (last === 10 || last === 13) text = text.replace(/[\r\n]+$/, '');
      const seg = this.makeSegment(text, d);
      this.consume(end + 1 - this.pos);
      if (seg) out.push(seg);
      if (seg && seg.id === 'IEA') this.delims = undefined;
    }
  }

  private startsIsa(): boolean {
    // A new ISA while an interchange is still open (missing IEA); the envelope stage reports it.
    const p = this.pos;
    return this.buf.startsWith('ISA', p) && this.buf.length > p + 3 && !ALNUM.test(this.buf[p + 3]) && this.buf[p + 3] !== this.delims?.segment;
  }

  private makeSegment(text: string, d: Delimiters): RawSegment | undefined {
    if (!text.trim()) return undefined;
    const elements = text.split(d.element);
    this.count++;
    return { id: elements[0], elements, index: this.count, offset: this.base, line: this.baseLine, delimiters: d };
  }

  private readIsa(final: boolean): RawSegment | undefined {
    const b = this.buf.slice(this.pos, this.pos + ISA_LENGTH);
    if (!b.startsWith('ISA')) {
      if (b.length < 3 && !final) return undefined;
      const what = b.slice(0, 20).replace(/\s.*$/s, '');
      this.fail('X12_BAD_ENVELOPE', `expected an ISA interchange header, found "${what}"`, 0, 'ISA');
      return undefined;
    }
    if (b.length < ISA_LENGTH) {
      if (!final) return undefined;
      this.fail('X12_TRUNCATED', `ISA header is truncated: ${b.length} of ${ISA_LENGTH} characters`, 0, 'ISA');
      return undefined;
    }
    const el = b[3];
    if (ALNUM.test(el) || WS.test(el)) {
      this.fail('X12_BAD_ENVELOPE', `ISA element separator "${printable(el)}" must not be alphanumeric or whitespace`, 3, 'ISA01');
      return undefined;
    }
    if (b[103] !== el) {
      // A field is not its fixed width; say which one.
      const parts = b.split(el);
      const widths = [3, 2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1];
      let bad = 'ISA16';
      for (let i = 1; i < widths.length && i < parts.length; i++) {
        if (parts[i].length !== widths[i]) { bad = `ISA${String(i).padStart(2, '0')}`; break; }
      }
      this.fail('X12_BAD_ENVELOPE', `ISA is not ${ISA_LENGTH} characters wide: ${bad} has the wrong width (expected element separator "${printable(el)}" at position 103, found "${printable(b[103])}")`, 103, bad);
      return undefined;
    }
    const component = b[104];
    const term = b[105];
    if (ALNUM.test(component) || component === el) {
      this.fail('X12_BAD_ENVELOPE', `ISA16 component separator "${printable(component)}" is invalid`, 104, 'ISA16');
      return undefined;
    }
    if (ALNUM.test(term) || term === el || term === component || term === ' ') {
      this.fail('X12_BAD_ENVELOPE', `segment terminator "${printable(term)}" after ISA16 is invalid`, 105, 'ISA16');
      return undefined;
    }
    const version = b.slice(84, 89);
    const rep = b[82];
    const repetition = version >= '00501' && !ALNUM.test(rep) && rep !== component && rep !== el && rep !== term && rep !== ' ' ? rep : undefined;
    const d: Delimiters = { element: el, component, repetition, segment: term };
    const elements = b.slice(0, 105).split(el);
    if (elements.length !== 17) {
      this.fail('X12_BAD_ENVELOPE', `ISA must have 16 elements, found ${elements.length - 1}`, 0, 'ISA');
      return undefined;
    }
    this.delims = d;
    this.count++;
    const seg: RawSegment = { id: 'ISA', elements, index: this.count, offset: this.base, line: this.baseLine, delimiters: d };
    this.consume(ISA_LENGTH);
    return seg;
  }
}

export function printable(c: string | undefined): string {
  if (c === undefined) return 'end of input';
  if (c === '\r') return '\\r';
  if (c === '\n') return '\\n';
  if (c === '\t') return '\\t';
  return c;
}
