// Reading inputs from disk: files and directories (recursive, in sorted order, dot-files skipped),
// transparent gzip (by magic bytes, whatever the name), and format detection per file from its
// first 64 KiB. Streams ParseResults through the format registry with bounded memory. Problems
// with a whole input (missing, unreadable, unknown format) come out as error results located at
// the file, and the other inputs still flow.
import { Buffer } from 'node:buffer';
import { createReadStream, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createGunzip } from 'node:zlib';
import { ClaimGuardError } from '../core/index.ts';
import { detectFormat, formatNames, getFormat } from './formats/index.ts';
import type { ByteSource, FormatReader, ParseResult } from './formats/types.ts';

/** How much of a file format detection looks at. */
export const SNIFF_BYTES = 64 * 1024;

export interface ReadInputsOptions {
  /** "auto" (default) or a registry name. */
  format?: string;
  /** Directory relative paths resolve against (default process.cwd()). */
  cwd?: string;
  referenceTime?: number;
  timeZone?: string;
  keepRaw?: boolean;
  /** Reader options by format name, e.g. { csv: { maps }, jsonl: { timeField } }. */
  formatOptions?: Record<string, Record<string, unknown>>;
  /** Called when a file starts, with its size on disk (compressed size for .gz). */
  onFile?: (info: { file: string; format: string; size: number; index: number; count: number }) => void;
  /** Called with the number of bytes read from disk as reading goes on. */
  onBytes?: (bytes: number) => void;
}

export interface InputResult {
  /** The input as named (a path relative to cwd, or as given). */
  file: string;
  /** The format that read it ("" when none could be chosen). */
  format: string;
  result: ParseResult;
}

export interface InputFile {
  file: string;
  path: string;
  size: number;
}

function fail(file: string, error: ClaimGuardError): InputResult {
  return { file, format: '', result: { ok: false, error } };
}

/** Expands paths into files (directories recursively, sorted, skipping dot-files); missing paths become errors. */
export async function expandInputs(paths: string[], cwd: string = process.cwd()): Promise<{ files: InputFile[]; errors: InputResult[] }> {
  const files: InputFile[] = [];
  const errors: InputResult[] = [];
  const walk = async (display: string, abs: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(abs, { withFileTypes: true });
    } catch (e) {
      errors.push(fail(display, new ClaimGuardError('INPUT_READ', `directory could not be read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file: display })));
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const ent of entries) {
      if (ent.name.startsWith('.')) continue;
      const d = join(display, ent.name), p = join(abs, ent.name);
      if (ent.isDirectory()) await walk(d, p);
      else if (ent.isFile() || ent.isSymbolicLink()) {
        try {
          const st = await stat(p);
          if (st.isFile()) files.push({ file: d, path: p, size: st.size });
          else if (st.isDirectory()) await walk(d, p);
        } catch {
          errors.push(fail(d, new ClaimGuardError('INPUT_NOT_FOUND', `broken link: ${d}`, { file: d })));
        }
      }
    }
  };
  for (const given of paths) {
    const abs = resolve(cwd, given);
    let st: Stats;
    try {
      st = await stat(abs);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      errors.push(fail(given, code === 'ENOENT' || code === 'ENOTDIR'
        ? new ClaimGuardError('INPUT_NOT_FOUND', `no such file or directory: ${given}`, { file: given })
        : new ClaimGuardError('INPUT_READ', `cannot read ${given}: ${code ?? (e as Error).message}`, { file: given })));
      continue;
    }
    if (st.isDirectory()) await walk(given, abs);
    else files.push({ file: given, path: abs, size: st.size });
  }
  return { files, errors };
}

/** The bytes of a file, gunzipped when they start with the gzip magic (1f 8b). Reports raw bytes read. */
async function* fileBytes(path: string, onBytes?: (n: number) => void): AsyncGenerator<Uint8Array> {
  const raw = createReadStream(path, { highWaterMark: 256 * 1024 });
  const counted = async function* (): AsyncGenerator<Uint8Array> {
    for await (const chunk of raw as AsyncIterable<Buffer>) {
      onBytes?.(chunk.length);
      yield chunk;
    }
  };
  const it = counted()[Symbol.asyncIterator]();
  const head = await it.next();
  if (head.done) return;
  const first: Uint8Array = head.value;
  const rest = async function* (): AsyncGenerator<Uint8Array> {
    yield first;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  };
  if (first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b) {
    const gunzip = createGunzip();
    const feed = (async () => {
      try {
        for await (const c of rest()) {
          if (!gunzip.write(c)) await new Promise<void>((r) => gunzip.once('drain', () => r()));
        }
        gunzip.end();
      } catch (e) {
        gunzip.destroy(e as Error);
      }
    })();
    for await (const c of gunzip as AsyncIterable<Buffer>) yield c;
    await feed;
  } else {
    yield* rest();
  }
}

/** Reads up to SNIFF_BYTES from `source` and returns them with a source that replays them first. */
async function peek(source: AsyncIterable<Uint8Array>): Promise<{ head: Uint8Array; source: ByteSource }> {
  const it = source[Symbol.asyncIterator]();
  const buffered: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < SNIFF_BYTES) {
    const n = await it.next();
    if (n.done) { done = true; break; }
    buffered.push(n.value);
    size += n.value.length;
  }
  const head = Buffer.concat(buffered).subarray(0, SNIFF_BYTES);
  const replay = async function* (): AsyncGenerator<Uint8Array> {
    yield* buffered;
    if (done) return;
    for (;;) {
      const n = await it.next();
      if (n.done) return;
      yield n.value;
    }
  };
  return { head, source: replay() };
}

export interface InputBatch {
  file: string;
  format: string;
  results: ParseResult[];
}

/** Readers without `readBatches` are grouped into arrays of this many results. */
const GROUP = 512;

async function* grouped(results: AsyncIterable<ParseResult>): AsyncGenerator<ParseResult[]> {
  let out: ParseResult[] = [];
  for await (const r of results) {
    out.push(r);
    if (out.length >= GROUP) { yield out; out = []; }
  }
  if (out.length > 0) yield out;
}

/**
 * Every ParseResult of every input, in order, in arrays (one or more per file). `format` "auto"
 * detects per file; a file no reader claims yields one INGEST_FORMAT_UNKNOWN error.
 */
export async function* readInputBatches(paths: string[], opts: ReadInputsOptions = {}): AsyncGenerator<InputBatch> {
  const forced: FormatReader | undefined = opts.format && opts.format !== 'auto' ? getFormat(opts.format) : undefined;
  const { files, errors } = await expandInputs(paths, opts.cwd);
  for (const e of errors) yield { file: e.file, format: e.format, results: [e.result] };
  let index = 0;
  for (const f of files) {
    index++;
    let reader: FormatReader | undefined = forced;
    try {
      const { head, source } = await peek(fileBytes(f.path, opts.onBytes));
      if (!reader) reader = detectFormat(head, f.file);
      if (!reader) {
        const e = fail(f.file, new ClaimGuardError('INGEST_FORMAT_UNKNOWN', `cannot tell the format of ${f.file}; name it with --format (${['auto', ...formatNames()].join(', ')})`, { file: f.file }));
        yield { file: e.file, format: '', results: [e.result] };
        continue;
      }
      opts.onFile?.({ file: f.file, format: reader.name, size: f.size, index, count: files.length });
      const ropts = {
        file: f.file,
        ...(opts.referenceTime !== undefined ? { referenceTime: opts.referenceTime } : {}),
        ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
        keepRaw: opts.keepRaw ?? false,
        options: opts.formatOptions?.[reader.name] ?? {},
      };
      const batches = reader.readBatches ? reader.readBatches(source, ropts) : grouped(reader.read(source, ropts));
      for await (const results of batches) yield { file: f.file, format: reader.name, results };
    } catch (e) {
      const err = e instanceof ClaimGuardError ? e
        : new ClaimGuardError('INPUT_READ', `${f.file} could not be read: ${(e as NodeJS.ErrnoException).code === 'Z_DATA_ERROR' ? 'corrupt gzip data' : (e as Error).message}`, { file: f.file }, { cause: e });
      yield { file: f.file, format: reader?.name ?? '', results: [{ ok: false, error: err }] };
    }
  }
}

/** readInputBatches one result at a time. */
export async function* readInputs(paths: string[], opts: ReadInputsOptions = {}): AsyncGenerator<InputResult> {
  for await (const b of readInputBatches(paths, opts)) {
    for (const result of b.results) yield { file: b.file, format: b.format, result };
  }
}
