// Streaming EVTX reader: a 4 KiB file header, then 64 KiB chunks, each with its own header, string and
// template tables and event records. Bytes are consumed chunk by chunk from any async byte source
// (gzip is unwrapped transparently), so memory stays at a few chunks whatever the file size.
//
// Damage policy (docs/windows.md): a bad file header signature stops the read (not EVTX); a bad file
// header checksum is a warning. A chunk whose signature or layout is impossible is reported with its
// file offset and skipped. A checksum mismatch on a chunk header or its record data is a warning and the
// chunk is still read record by record, each record validated on its own (signature, size, trailing
// size copy, BinXML bounds); the first record that cannot be delimited ends that chunk. Files marked
// dirty are read as far as they are valid.
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { ClaimGuardError, type ErrorCode } from '../../../core/index.ts';
import { crc32 } from './crc32.ts';
import { BinXmlError, ChunkContext, materialise, parseRecordFragment, type XChild } from './binxml.ts';
import { filetimeMs } from './values.ts';

export const FILE_HEADER_SIZE = 4096;
export const CHUNK_SIZE = 65536;
const CHUNK_HEADER_SIZE = 512;

export interface EvtxRecord {
  /** EventRecordID from the record header. */
  recordId: number;
  /** Record header timestamp, epoch ms. */
  written: number;
  /** The record's XML tree (top-level nodes; normally one <Event> element). */
  nodes: XChild[];
  /** File offset of the record (in the decompressed stream for .gz). */
  offset: number;
  /** 0-based chunk number. */
  chunk: number;
}

export type EvtxItem = { ok: true; record: EvtxRecord } | { ok: false; error: ClaimGuardError };

export interface EvtxFileInfo {
  dirty: boolean;
  full: boolean;
  chunkCount: number;
  majorVersion: number;
  minorVersion: number;
}

export interface EvtxReadStats {
  chunks: number;
  chunksSkipped: number;
  records: number;
  recordErrors: number;
  warnings: number;
  bytes: number;
  header?: EvtxFileInfo;
}

function err(code: ErrorCode, msg: string, file: string, offset: number, record?: number): EvtxItem {
  return { ok: false, error: new ClaimGuardError(code, msg, { file, offset, ...(record !== undefined ? { record } : {}) }) };
}

const ELF_FILE = [0x45, 0x6c, 0x66, 0x46, 0x69, 0x6c, 0x65, 0x00];
const ELF_CHNK = [0x45, 0x6c, 0x66, 0x43, 0x68, 0x6e, 0x6b, 0x00];

function hasMagic(b: Uint8Array, at: number, magic: number[]): boolean {
  if (b.length < at + magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (b[at + i] !== magic[i]) return false;
  return true;
}

/** True when the bytes start like an EVTX file. */
export function isEvtxHead(head: Uint8Array): boolean {
  return hasMagic(head, 0, ELF_FILE);
}

/** True when the bytes start like gzip. */
export function isGzipHead(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/** Parse the 4 KiB file header. Returns warnings and the info, or an error when it is not EVTX. */
export function parseFileHeader(h: Uint8Array, file: string): { info?: EvtxFileInfo; items: EvtxItem[] } {
  if (!hasMagic(h, 0, ELF_FILE)) return { items: [err('EVTX_BAD_HEADER', 'not an EVTX file (no "ElfFile" signature)', file, 0)] };
  const items: EvtxItem[] = [];
  if (h.length < FILE_HEADER_SIZE) {
    items.push(err('EVTX_BAD_HEADER', `file header truncated (${h.length} of ${FILE_HEADER_SIZE} bytes)`, file, 0));
  }
  const dv = new DataView(h.buffer, h.byteOffset, h.byteLength);
  const stored = h.length >= 128 ? dv.getUint32(124, true) : 0;
  if (h.length >= 128 && crc32(h, 0, 120) !== stored) {
    items.push(err('EVTX_BAD_HEADER', 'file header checksum mismatch (header may be stale; chunks are read anyway)', file, 124));
  }
  const flags = h.length >= 124 ? dv.getUint32(120, true) : 0;
  const info: EvtxFileInfo = {
    dirty: (flags & 1) !== 0,
    full: (flags & 2) !== 0,
    chunkCount: h.length >= 44 ? dv.getUint16(42, true) : 0,
    minorVersion: h.length >= 38 ? dv.getUint16(36, true) : 0,
    majorVersion: h.length >= 40 ? dv.getUint16(38, true) : 0,
  };
  return { info, items };
}

/**
 * Read the records of one chunk. `buf` is the chunk's bytes (normally 64 KiB; shorter when the file is
 * truncated), `fileOffset` where it starts in the file.
 */
export function* readChunk(buf: Uint8Array, fileOffset: number, index: number, file: string, stats?: EvtxReadStats): Generator<EvtxItem> {
  const warn = (code: ErrorCode, msg: string, at: number, record?: number): EvtxItem => {
    if (stats) stats.warnings++;
    return err(code, msg, file, fileOffset + at, record);
  };
  if (!hasMagic(buf, 0, ELF_CHNK)) {
    let blank = true;
    for (let i = 0; i < 8 && i < buf.length; i++) if (buf[i] !== 0) { blank = false; break; }
    if (stats && !blank) stats.chunksSkipped++;
    if (!blank) yield warn('EVTX_BAD_CHUNK', `chunk ${index}: no "ElfChnk" signature; chunk skipped`, 0);
    return;
  }
  if (buf.length < CHUNK_HEADER_SIZE) {
    if (stats) stats.chunksSkipped++;
    yield warn('EVTX_BAD_CHUNK', `chunk ${index}: truncated inside its header (${buf.length} bytes); chunk skipped`, 0);
    return;
  }
  if (buf.length < CHUNK_SIZE) yield warn('EVTX_BAD_CHUNK', `chunk ${index}: truncated to ${buf.length} of ${CHUNK_SIZE} bytes; reading what is there`, buf.length);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const free = dv.getUint32(48, true);
  const headerCrc = crc32(buf, 128, CHUNK_HEADER_SIZE, crc32(buf, 0, 120));
  if (headerCrc !== dv.getUint32(124, true)) {
    yield warn('EVTX_BAD_CHUNK', `chunk ${index}: header checksum mismatch; records are validated one by one`, 124);
  }
  let end = free;
  if (free < CHUNK_HEADER_SIZE || free > CHUNK_SIZE) {
    yield warn('EVTX_BAD_CHUNK', `chunk ${index}: free-space offset ${free} is impossible; reading until the first invalid record`, 48);
    end = buf.length;
  } else if (free > buf.length) {
    end = buf.length;
  } else if (crc32(buf, CHUNK_HEADER_SIZE, free) !== dv.getUint32(52, true)) {
    yield warn('EVTX_BAD_CHUNK', `chunk ${index}: record data checksum mismatch; records are validated one by one`, 52);
  }
  if (stats) stats.chunks++;
  const ctx = new ChunkContext(buf);
  let p = CHUNK_HEADER_SIZE;
  let n = 0;
  while (p + 24 <= end) {
    if (buf[p] !== 0x2a || buf[p + 1] !== 0x2a || buf[p + 2] !== 0 || buf[p + 3] !== 0) {
      // Unused space after the last record is zero-filled; anything else is damage.
      if (!(buf[p] === 0 && buf[p + 1] === 0 && buf[p + 2] === 0 && buf[p + 3] === 0)) {
        yield warn('EVTX_BAD_RECORD', `chunk ${index}: no record signature at chunk offset ${p}; rest of chunk skipped`, p);
      }
      return;
    }
    const size = dv.getUint32(p + 4, true);
    if (size < 28 || p + size > buf.length) {
      yield warn('EVTX_BAD_RECORD', `chunk ${index}: record size ${size} at chunk offset ${p} is impossible; rest of chunk skipped`, p + 4);
      return;
    }
    if (dv.getUint32(p + size - 4, true) !== size) {
      yield warn('EVTX_BAD_RECORD', `chunk ${index}: record at chunk offset ${p} has a mismatched trailing size; rest of chunk skipped`, p + size - 4);
      return;
    }
    const recordId = Number(dv.getBigUint64(p + 8, true));
    n++;
    try {
      const nodes = materialise(parseRecordFragment(ctx, p + 24, p + size - 4), null);
      const written = filetimeMs(dv.getUint32(p + 16, true), dv.getUint32(p + 20, true));
      if (stats) stats.records++;
      yield { ok: true, record: { recordId, written, nodes, offset: fileOffset + p, chunk: index } };
    } catch (e) {
      if (!(e instanceof BinXmlError)) throw e;
      if (stats) stats.recordErrors++;
      const at = e.offset >= p && e.offset < p + size ? e.offset : p;
      yield warn('EVTX_BAD_BINXML', `record ${recordId}: ${e.message}; record skipped`, at, n);
    }
    p += size;
  }
}

/** Unwrap gzip when the stream starts with the gzip signature; otherwise pass bytes through. */
export async function* maybeGunzip(input: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const it = input[Symbol.asyncIterator]();
  const first = await it.next();
  if (first.done) return;
  const rest: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => it };
  if (!isGzipHead(first.value)) {
    yield first.value;
    for await (const b of rest) yield b;
    return;
  }
  async function* all(): AsyncGenerator<Uint8Array> {
    yield first.value;
    for await (const b of rest) yield b;
  }
  const gunzip = createGunzip();
  const out = Readable.from(all()).pipe(gunzip);
  for await (const b of out) yield b as Uint8Array;
}

/** Fill fixed-size blocks from a byte stream: yields exactly `size` bytes each time, the last one possibly shorter. */
async function* blocks(input: AsyncIterable<Uint8Array>, first: number, size: number): AsyncGenerator<Uint8Array> {
  let want = first;
  let buf = new Uint8Array(want);
  let fill = 0;
  for await (const piece of input) {
    let off = 0;
    while (off < piece.length) {
      const n = Math.min(want - fill, piece.length - off);
      buf.set(piece.subarray(off, off + n), fill);
      fill += n;
      off += n;
      if (fill === want) {
        yield buf;
        want = size;
        buf = new Uint8Array(want);
        fill = 0;
      }
    }
  }
  if (fill > 0) yield buf.subarray(0, fill);
}

/**
 * Read every record of an EVTX (or gzip-compressed EVTX) byte stream. Yields records and located
 * warnings in file order. A stream that is not EVTX yields one EVTX_BAD_HEADER error and stops.
 */
export async function* readEvtx(input: AsyncIterable<Uint8Array>, file: string, stats?: EvtxReadStats): AsyncGenerator<EvtxItem> {
  let index = -1;
  let offset = 0;
  for await (const block of blocks(maybeGunzip(input), FILE_HEADER_SIZE, CHUNK_SIZE)) {
    if (stats) stats.bytes += block.length;
    if (index < 0) {
      const { info, items } = parseFileHeader(block, file);
      for (const it of items) {
        if (stats) stats.warnings++;
        yield it;
      }
      if (!info) return;
      if (stats) stats.header = info;
    } else {
      yield* readChunk(block, offset, index, file, stats);
    }
    offset += block.length;
    index++;
  }
  if (index < 0) yield err('EVTX_BAD_HEADER', 'empty input: not an EVTX file', file, 0);
}

export function newStats(): EvtxReadStats {
  return { chunks: 0, chunksSkipped: 0, records: 0, recordErrors: 0, warnings: 0, bytes: 0 };
}
