// Syslog over a byte stream (TCP, TLS): RFC 6587 octet counting ("MSG-LEN SP SYSLOG-MSG") and
// non-transparent LF framing, recognised per frame so a connection may use either (RFC 5425 TLS uses
// octet counting). A frame is octet-counted when it starts with digits, a space and "<"; anything else is
// read up to the next LF. Memory is bounded by `maxBytes` per message: an over-long LF frame is reported
// once and skipped to the next LF; an over-long octet-counted frame is reported and its bytes skipped.
import { Buffer } from 'node:buffer';
import { ClaimGuardError } from '../../core/index.ts';

export interface Frame {
  text: string;
  /** Byte offset of the message's first byte in the connection stream. */
  offset: number;
  /** 1-based message number on the connection. */
  record: number;
}

export type FrameItem = { ok: true; frame: Frame } | { ok: false; error: ClaimGuardError };

const SP = 0x20, LF = 0x0a, CR = 0x0d, LT = 0x3c, NUL = 0x00;

function isDigit(b: number): boolean {
  return b >= 0x30 && b <= 0x39;
}

function decode(buf: Buffer, start: number, end: number): string {
  // Drop a trailing CR LF / LF a sender may add after an octet-counted message, and a CR before LF.
  while (end > start && (buf[end - 1] === LF || buf[end - 1] === CR)) end--;
  return buf.toString('utf8', start, end);
}

export class SyslogFramer {
  private readonly maxBytes: number;
  private readonly file: string;
  private buf: Buffer = Buffer.alloc(0);
  /** Stream offset of buf[0]. */
  private base = 0;
  private records = 0;
  /** Octet-counted bytes still to skip after an over-long frame. */
  private skipBytes = 0;
  /** Inside an over-long LF frame: drop bytes until LF. */
  private skipToLf = false;

  constructor(opts: { maxBytes: number; file: string }) {
    this.maxBytes = opts.maxBytes;
    this.file = opts.file;
  }

  /** Feeds bytes; returns the complete messages (and framing errors) they finish. */
  push(chunk: Uint8Array): FrameItem[] {
    const out: FrameItem[] = [];
    let data = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.skipBytes > 0) {
      const n = Math.min(this.skipBytes, data.length);
      this.skipBytes -= n;
      this.base += n;
      data = data.subarray(n);
    }
    if (this.skipToLf) {
      const nl = data.indexOf(LF);
      if (nl === -1) { this.base += data.length; return out; }
      this.skipToLf = false;
      this.base += nl + 1;
      data = data.subarray(nl + 1);
    }
    this.buf = this.buf.length ? Buffer.concat([this.buf, data]) : data;
    let pos = 0;
    const buf = this.buf;
    for (;;) {
      // Separators between frames.
      while (pos < buf.length && (buf[pos] === LF || buf[pos] === CR || buf[pos] === NUL)) pos++;
      if (pos >= buf.length) break;
      const start = pos;
      if (isDigit(buf[pos])) {
        // Possibly octet counting: up to 10 digits, SP, "<".
        let p = pos;
        while (p < buf.length && p - pos < 11 && isDigit(buf[p])) p++;
        if (p >= buf.length || (p + 1 >= buf.length && buf[p] === SP)) break; // need more bytes to decide
        if (buf[p] === SP && buf[p + 1] === LT && p - pos <= 10) {
          const len = Number(buf.toString('latin1', pos, p));
          const msgStart = p + 1;
          if (len > this.maxBytes) {
            this.records++;
            out.push({ ok: false, error: this.tooLong(this.base + start, len) });
            const available = buf.length - msgStart;
            if (available >= len) { pos = msgStart + len; continue; }
            this.skipBytes = len - available;
            pos = buf.length;
            this.base += buf.length;
            this.buf = Buffer.alloc(0);
            return out;
          }
          if (buf.length - msgStart < len) break; // incomplete frame
          this.records++;
          out.push({ ok: true, frame: { text: decode(buf, msgStart, msgStart + len), offset: this.base + msgStart, record: this.records } });
          pos = msgStart + len;
          continue;
        }
      }
      // LF framing.
      const nl = buf.indexOf(LF, pos);
      if (nl === -1) {
        if (buf.length - start > this.maxBytes) {
          this.records++;
          out.push({ ok: false, error: this.tooLong(this.base + start, buf.length - start) });
          this.skipToLf = true;
          this.base += buf.length;
          this.buf = Buffer.alloc(0);
          return out;
        }
        break;
      }
      this.records++;
      if (nl - start > this.maxBytes) {
        out.push({ ok: false, error: this.tooLong(this.base + start, nl - start) });
      } else {
        out.push({ ok: true, frame: { text: decode(buf, start, nl), offset: this.base + start, record: this.records } });
      }
      pos = nl + 1;
    }
    this.base += pos;
    this.buf = pos >= buf.length ? Buffer.alloc(0) : Buffer.from(buf.subarray(pos));
    return out;
  }

  /** The sender closed the stream: a last LF frame without its LF is still a message. */
  end(): FrameItem[] {
    const out: FrameItem[] = [];
    if (this.skipToLf || this.skipBytes > 0) return out;
    const buf = this.buf;
    let start = 0;
    while (start < buf.length && (buf[start] === LF || buf[start] === CR || buf[start] === NUL)) start++;
    if (start < buf.length) {
      this.records++;
      const m = /^(\d{1,10}) </.exec(buf.toString('latin1', start, Math.min(buf.length, start + 12)));
      if (m) {
        out.push({ ok: false, error: new ClaimGuardError('INGEST_BAD_RECORD', `connection closed inside an octet-counted message (${buf.length - start} of ${Number(m[1]) + m[1].length + 1} bytes received)`, { file: this.file, offset: this.base + start, record: this.records }) });
      } else {
        out.push({ ok: true, frame: { text: decode(buf, start, buf.length), offset: this.base + start, record: this.records } });
      }
    }
    this.base += buf.length;
    this.buf = Buffer.alloc(0);
    return out;
  }

  private tooLong(offset: number, length: number): ClaimGuardError {
    return new ClaimGuardError('INGEST_LINE_TOO_LONG', `syslog message of ${length} bytes exceeds the limit of ${this.maxBytes} bytes`, { file: this.file, offset, record: this.records });
  }
}
