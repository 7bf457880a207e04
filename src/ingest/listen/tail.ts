// File tail with persisted checkpoints. The reader keeps (inode, offset, fingerprint of the first bytes)
// and hands each run of complete lines to `commit` together with the checkpoint that follows them; the
// pipeline stores both in ONE transaction, so after a crash the tail resumes exactly after the last
// stored line: no gap, no duplicate.
//
// Rotation: when the path names a new inode (logrotate's rename + create), the old file is read to
// its end (a last line without LF included) and then the new file from offset 0. If the rotation
// happened while ClaimGuard was down, the old file is looked for under the rotated names (default
// "<path>.1") by inode and finished first.
// Truncation (copytruncate, `> file`): a size below the offset, or first bytes that no longer match the
// fingerprint, restart the file at offset 0.
import { open, stat, type FileHandle } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { Buffer } from 'node:buffer';
import type { ParsedEvent } from '../../core/index.ts';
import { ClaimGuardError } from '../../core/index.ts';
import type { ErrorReporter, Listener, RecordParser } from './types.ts';

/** Bytes hashed to recognise a file's identity beyond its inode. */
const FINGERPRINT_BYTES = 256;

export interface TailCheckpoint {
  offset: number;
  /** "dev:ino" of the file the offset belongs to. */
  inode?: string;
  /** "<n>:<sha256 hex of the first n bytes>". */
  fingerprint?: string;
}

export interface FileTailOptions {
  path: string;
  source: string;
  /** Checkpoint key (default "tail:<path>"). */
  key?: string;
  parse: RecordParser;
  /** Stores the events and the checkpoint in one transaction. */
  commit: (events: ParsedEvent[], checkpoint: TailCheckpoint, key: string) => void | Promise<void>;
  loadCheckpoint: (key: string) => TailCheckpoint | undefined;
  onError?: ErrorReporter;
  /** Operator messages (no log content). */
  log?: (message: string) => void;
  /** Poll interval, ms (default 250). */
  pollMs?: number;
  /** Longest line kept, bytes (default 1 MiB); longer lines are reported and skipped. */
  maxLineBytes?: number;
  /** Names the file may have been rotated to (default ["<path>.1"]). */
  rotatedNames?: string[];
}

interface OpenFile {
  fh: FileHandle;
  inode: string;
  offset: number;
  fingerprint: string | undefined;
  /** Inside an over-long line: skip to the next LF. */
  skipping: boolean;
}

function isMissing(e: unknown): boolean {
  return (e as NodeJS.ErrnoException)?.code === 'ENOENT';
}

async function fingerprintOf(fh: FileHandle, size: number): Promise<string | undefined> {
  const n = Math.min(size, FINGERPRINT_BYTES);
  if (n === 0) return undefined;
  const buf = Buffer.alloc(n);
  const { bytesRead } = await fh.read(buf, 0, n, 0);
  return `${bytesRead}:${createHash('sha256').update(buf.subarray(0, bytesRead)).digest('hex')}`;
}

/** Do the file's first bytes still match `fp` (taken when the file may have been shorter)? */
async function fingerprintMatches(fh: FileHandle, fp: string | undefined): Promise<boolean> {
  if (!fp) return true;
  const m = /^(\d+):([0-9a-f]{64})$/.exec(fp);
  if (!m) return false;
  const n = Number(m[1]);
  const buf = Buffer.alloc(n);
  const { bytesRead } = await fh.read(buf, 0, n, 0);
  if (bytesRead < n) return false;
  return createHash('sha256').update(buf).digest('hex') === m[2];
}

export class FileTail implements Listener {
  readonly kind = 'tail';
  readonly address: string;
  private readonly o: FileTailOptions;
  private readonly key: string;
  private readonly maxLine: number;
  private file: OpenFile | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private closed = false;
  private started = false;
  private readBuf: Buffer | undefined;

  constructor(opts: FileTailOptions) {
    this.o = opts;
    this.address = opts.path;
    this.key = opts.key ?? `tail:${opts.path}`;
    this.maxLine = opts.maxLineBytes ?? 1024 * 1024;
  }

  /** Runs the first poll (resuming from the checkpoint), then polls on an interval. */
  async start(): Promise<void> {
    await this.poll();
    const every = this.o.pollMs ?? 250;
    const tick = (): void => {
      if (this.closed) return;
      this.poll().catch((e: unknown) => this.o.onError?.(e instanceof ClaimGuardError ? e : new ClaimGuardError('INPUT_READ', `tail ${this.o.path}: ${(e as Error).message}`, { file: this.o.path }), this.o.source))
        .finally(() => { if (!this.closed) this.timer = setTimeout(tick, every); });
    };
    this.timer = setTimeout(tick, every);
  }

  /** One read step (serialised with any step in progress). */
  poll(): Promise<void> {
    const next = this.running.then(() => (this.closed ? undefined : this.step()));
    this.running = next.catch(() => undefined);
    return next;
  }

  /** Reads what the file holds now (one last step), then stops. */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.started && !this.closed) await this.poll().catch(() => undefined);
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    if (this.file) { await this.file.fh.close(); this.file = undefined; }
  }

  private async step(): Promise<void> {
    if (!this.started) {
      this.started = true;
      await this.resume();
    }
    if (!this.file) {
      await this.openCurrent(0);
      if (!this.file) return;
      await this.commit([], this.file);
    }
    // Truncated or rewritten in place? Checked before reading, so nothing is read from a stale offset.
    const st = await this.file.fh.stat();
    if (st.size < this.file.offset || !(await fingerprintMatches(this.file.fh, this.file.fingerprint))) {
      this.o.log?.(`tail ${this.o.path}: file was truncated or rewritten; reading it again from the start`);
      this.file.offset = 0;
      this.file.skipping = false;
      this.file.fingerprint = await fingerprintOf(this.file.fh, st.size);
      await this.commit([], this.file);
    }
    await this.readAvailable(this.file, false);
    // Rotated: the path now names another file, or none.
    let pathInode: string | undefined;
    try {
      const ps = await stat(this.o.path);
      pathInode = `${ps.dev}:${ps.ino}`;
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
    if (pathInode !== this.file.inode) {
      await this.readAvailable(this.file, true);
      await this.file.fh.close();
      this.file = undefined;
      if (pathInode !== undefined) {
        this.o.log?.(`tail ${this.o.path}: file was rotated; following the new file`);
        await this.openCurrent(0);
        if (this.file) {
          await this.commit([], this.file);
          await this.readAvailable(this.file, false);
        }
      }
    }
  }

  /** First step: continue from the checkpoint, finishing a file rotated while we were down. */
  private async resume(): Promise<void> {
    const cp = this.o.loadCheckpoint(this.key);
    if (!cp) return;
    let st;
    try {
      st = await stat(this.o.path);
    } catch (e) {
      if (!isMissing(e)) throw e;
    }
    const inode = st ? `${st.dev}:${st.ino}` : undefined;
    if (cp.inode === undefined || cp.inode === inode) {
      await this.openCurrent(cp.offset, cp.fingerprint);
      return;
    }
    // The checkpoint belongs to another file: find it among the rotated names and finish it.
    for (const name of this.o.rotatedNames ?? [`${this.o.path}.1`]) {
      let fh: FileHandle | undefined;
      try {
        fh = await open(name, 'r');
        const rs = await fh.stat();
        if (`${rs.dev}:${rs.ino}` === cp.inode && rs.size >= cp.offset && await fingerprintMatches(fh, cp.fingerprint)) {
          this.o.log?.(`tail ${this.o.path}: finishing ${name}, rotated while ClaimGuard was stopped`);
          const old: OpenFile = { fh, inode: cp.inode, offset: cp.offset, fingerprint: cp.fingerprint, skipping: false };
          fh = undefined;
          await this.readAvailable(old, true);
          await old.fh.close();
          break;
        }
      } catch (e) {
        if (!isMissing(e)) throw e;
      } finally {
        await fh?.close();
      }
    }
  }

  /** Opens the file at the path, at `offset` when it is still the same file, else at 0. */
  private async openCurrent(offset: number, fingerprint?: string): Promise<void> {
    let fh: FileHandle;
    try {
      fh = await open(this.o.path, 'r');
    } catch (e) {
      if (isMissing(e)) return;
      throw new ClaimGuardError('INPUT_READ', `tail: cannot open ${this.o.path}: ${(e as Error).message}`, { file: this.o.path }, { cause: e });
    }
    const st = await fh.stat();
    let start = offset;
    if (start > st.size || !(await fingerprintMatches(fh, fingerprint))) {
      this.o.log?.(`tail ${this.o.path}: file changed since the checkpoint; reading it from the start`);
      start = 0;
    }
    this.file = { fh, inode: `${st.dev}:${st.ino}`, offset: start, fingerprint: await fingerprintOf(fh, st.size), skipping: false };
  }

  private async commit(events: ParsedEvent[], f: OpenFile): Promise<void> {
    await this.o.commit(events, { offset: f.offset, inode: f.inode, ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}) }, this.key);
  }

  /** Reads from the offset to the end, committing each chunk's complete lines with the new offset. */
  private async readAvailable(f: OpenFile, final: boolean): Promise<void> {
    const chunkSize = Math.max(this.maxLine + 1, 1024 * 1024);
    // One read buffer per tail, reused (lines are copied out as strings).
    this.readBuf ??= Buffer.allocUnsafe(chunkSize);
    const buf = this.readBuf;
    for (;;) {
      if (this.closed && !final) return;
      const { bytesRead } = await f.fh.read(buf, 0, chunkSize, f.offset);
      if (bytesRead === 0) return;
      if (f.fingerprint === undefined || Number(f.fingerprint.split(':')[0]) < FINGERPRINT_BYTES) {
        f.fingerprint = await fingerprintOf(f.fh, f.offset + bytesRead);
      }
      const chunk = buf.subarray(0, bytesRead);
      const events: ParsedEvent[] = [];
      let pos = 0;
      if (f.skipping) {
        const nl = chunk.indexOf(10);
        if (nl === -1) { f.offset += bytesRead; await this.commit([], f); continue; }
        f.skipping = false;
        pos = nl + 1;
      }
      for (;;) {
        const nl = chunk.indexOf(10, pos);
        const atEnd = nl === -1;
        if (atEnd && !(final && bytesRead < chunkSize && pos < bytesRead)) break;
        const end = atEnd ? bytesRead : nl;
        const lineEnd = end > pos && chunk[end - 1] === 13 ? end - 1 : end;
        if (lineEnd - pos > this.maxLine) {
          this.o.onError?.(new ClaimGuardError('INGEST_LINE_TOO_LONG', `line of ${lineEnd - pos} bytes exceeds the limit of ${this.maxLine} bytes`, { file: this.o.path, offset: f.offset + pos }), this.o.source);
        } else if (lineEnd > pos) {
          const text = chunk.toString('utf8', pos, lineEnd);
          if (text.trim() !== '') {
            const r = this.o.parse(text, { source: this.o.source, file: this.o.path, offset: f.offset + pos });
            if (r.ok) events.push(r.event);
            else this.o.onError?.(r.error, this.o.source);
          }
        }
        pos = atEnd ? bytesRead : nl + 1;
        if (atEnd) break;
      }
      if (pos === 0) {
        // No LF in a full chunk: one over-long line. Report it and skip to its end.
        if (bytesRead === chunkSize) {
          this.o.onError?.(new ClaimGuardError('INGEST_LINE_TOO_LONG', `line exceeds the limit of ${this.maxLine} bytes`, { file: this.o.path, offset: f.offset }), this.o.source);
          f.skipping = true;
          f.offset += bytesRead;
          await this.commit([], f);
          continue;
        }
        return; // an unfinished last line: wait for the writer
      }
      f.offset += pos;
      await this.commit(events, f);
      if (bytesRead < chunkSize && pos === bytesRead) return;
      if (bytesRead < chunkSize && !final) return;
    }
  }
}
