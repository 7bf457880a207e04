// `claimguard ingest` without the command line: read files and directories through the format
// registry, complete each parsed event (id, tenant, source, ingest time), and store them in
// batches, each batch one transaction. Located errors are counted and the first `maxErrors` kept;
// the good records of a file still flow past its bad ones. A store failure stops the run (it is a
// failure, not bad input) after reporting what was already committed.
import { basename } from 'node:path';
import { ClaimGuardError, newId, type Event, type Store } from '../core/index.ts';
import { readInputBatches } from '../ingest/index.ts';

export const DEFAULT_BATCH_SIZE = 5000;
export const DEFAULT_MAX_ERRORS = 100;

export interface IngestFilesOptions {
  paths: string[];
  /** The store's event repository is all this needs. */
  store: Pick<Store, 'events'>;
  tenant: string;
  /** "auto" (default) or a format name. */
  format?: string;
  /** Source name on every event; default: the input file's base name. */
  source?: string;
  cwd?: string;
  batchSize?: number;
  maxErrors?: number;
  referenceTime?: number;
  timeZone?: string;
  keepRaw?: boolean;
  formatOptions?: Record<string, Record<string, unknown>>;
  /** Called at most every `progressEveryMs` (and at each file start) with running totals. */
  onProgress?: (p: IngestProgress) => void;
  progressEveryMs?: number;
  now?: () => number;
}

export interface IngestProgress {
  file: string;
  fileIndex: number;
  fileCount: number;
  bytesRead: number;
  totalBytes: number;
  stored: number;
  rejected: number;
}

export interface IngestErrorRow {
  file: string;
  /** 1-based line, null when the error concerns the whole file or has only a byte offset. */
  line: number | null;
  offset?: number;
  record?: number;
  code: string;
  reason: string;
}

export interface IngestFileStats {
  file: string;
  format: string;
  stored: number;
  rejected: number;
}

export interface IngestSummary {
  stored: number;
  /** Records that could not be parsed (each has a located error). */
  rejected: number;
  /** Inputs that could not be read at all (missing, unreadable, unknown format). */
  failedInputs: number;
  errors: IngestErrorRow[];
  /** Errors beyond the first `maxErrors`, counted but not listed. */
  moreErrors: number;
  files: IngestFileStats[];
}

/** True when an error concerns a whole input rather than one record. */
function isInputError(code: string): boolean {
  return code === 'INPUT_NOT_FOUND' || code === 'INPUT_READ' || code === 'INGEST_FORMAT_UNKNOWN';
}

export async function ingestFiles(opts: IngestFilesOptions): Promise<IngestSummary> {
  const batchSize = opts.batchSize ?? DEFAULT_BATCH_SIZE;
  const maxErrors = opts.maxErrors ?? DEFAULT_MAX_ERRORS;
  const now = opts.now ?? Date.now;
  const summary: IngestSummary = { stored: 0, rejected: 0, failedInputs: 0, errors: [], moreErrors: 0, files: [] };
  const perFile = new Map<string, IngestFileStats>();
  let batch: Event[] = [];
  let batchFiles: IngestFileStats[] = [];
  let bytesRead = 0;
  let totalBytes = 0;
  let fileName = '', fileIndex = 0, fileCount = 0;
  let lastProgress = 0;
  const every = opts.progressEveryMs ?? 250;

  const progress = (force: boolean): void => {
    if (!opts.onProgress) return;
    const t = Date.now();
    if (!force && t - lastProgress < every) return;
    lastProgress = t;
    opts.onProgress({ file: fileName, fileIndex, fileCount, bytesRead, totalBytes, stored: summary.stored, rejected: summary.rejected });
  };

  const flush = (): void => {
    if (batch.length === 0) return;
    let stored: number;
    try {
      stored = opts.store.events.insertBatch(batch);
    } catch (e) {
      if (e instanceof ClaimGuardError) throw e;
      throw new ClaimGuardError('STORE_WRITE', `storing a batch of ${batch.length} events failed: ${(e as Error).message}`, undefined, { cause: e });
    }
    summary.stored += stored;
    // Attribute per file (a batch may span files).
    const counts = new Map<IngestFileStats, number>();
    for (const s of batchFiles) counts.set(s, (counts.get(s) ?? 0) + 1);
    for (const [s, n] of counts) s.stored += n;
    batch = [];
    batchFiles = [];
    progress(false);
  };

  const stats = (file: string, format: string): IngestFileStats => {
    let s = perFile.get(file);
    if (!s) {
      s = { file, format, stored: 0, rejected: 0 };
      perFile.set(file, s);
      summary.files.push(s);
    }
    if (!s.format && format) s.format = format;
    return s;
  };

  const inputs = readInputBatches(opts.paths, {
    format: opts.format ?? 'auto',
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.referenceTime !== undefined ? { referenceTime: opts.referenceTime } : {}),
    ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
    keepRaw: opts.keepRaw ?? false,
    ...(opts.formatOptions ? { formatOptions: opts.formatOptions } : {}),
    onFile: (info) => {
      fileName = info.file;
      fileIndex = info.index;
      fileCount = info.count;
      if (info.index === 1) totalBytes = 0;
      totalBytes += info.size;
      progress(true);
    },
    onBytes: (n) => { bytesRead += n; },
  });

  for await (const { file, format, results } of inputs) {
    const s = stats(file, format);
    const source = opts.source ?? basename(file);
    for (const result of results) {
      if (result.ok) {
        const p = result.event;
        const t = now();
        const event: Event = {
          id: newId(t),
          time: p.time,
          ingested: t,
          tenant: opts.tenant,
          source: opts.source ?? p.source ?? source,
          logsource: p.logsource,
          fields: p.fields,
        };
        if (p.raw !== undefined) event.raw = p.raw;
        batch.push(event);
        batchFiles.push(s);
        if (batch.length >= batchSize) flush();
        continue;
      }
      const err = result.error;
      if (isInputError(err.code)) summary.failedInputs++;
      else { summary.rejected++; s.rejected++; }
      if (summary.errors.length < maxErrors) {
        const loc = err.location ?? {};
        const row: IngestErrorRow = { file: loc.file ?? file, line: loc.line ?? null, code: err.code, reason: err.message };
        if (loc.offset !== undefined) row.offset = loc.offset;
        if (loc.record !== undefined) row.record = loc.record;
        summary.errors.push(row);
      } else {
        summary.moreErrors++;
      }
    }
    progress(false);
  }
  flush();
  progress(true);
  return summary;
}

/** Exit status for a summary: 0 all stored, 2 some records rejected or some input unusable. */
export function summaryExitCode(s: IngestSummary): 0 | 2 {
  return s.rejected > 0 || s.failedInputs > 0 ? 2 : 0;
}
