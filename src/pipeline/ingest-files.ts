// `claimguard ingest` without the command line: read files and directories through the format
// registry, complete each parsed event (id, tenant, source, ingest time), and store them in
// batches, each batch one transaction. Located errors are counted and the first `maxErrors` kept;
// the good records of a file still flow past its bad ones. A store failure stops the run (it is a
// failure, not bad input) after reporting what was already committed.
//
// Reading and parsing run in a worker thread (ingest-worker.ts) while this thread stores: parsing the
// next records overlaps the inserts and the commit (fsync) of the previous batch. Only this thread
// writes to the store, so the summary counts exactly what was committed. The worker stays at most a
// few chunks ahead (it waits for acknowledgements), so memory is bounded whatever the input size.
import { Worker } from 'node:worker_threads';
import { ClaimGuardError, type Event, type Fields, type Store } from '../core/index.ts';
import { ROW_COLUMNS, type IngestErrorRow, type RowValue, type WorkerJob, type WorkerMessage } from './ingest-protocol.ts';

export type { IngestErrorRow } from './ingest-protocol.ts';

export const DEFAULT_BATCH_SIZE = 5000;
export const DEFAULT_MAX_ERRORS = 100;

export interface IngestFilesOptions {
  paths: string[];
  /**
   * The store's event repository is all this needs. A repository with `insertRows` (the SQLite one)
   * receives the worker's flat rows directly; any other gets Event objects through insertBatch.
   */
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

/** The optional fast path of a repository: events as flat column values (see SqliteEventRepository). */
interface RowWriter { insertRows(rows: readonly RowValue[]): number }

function hasRowWriter(repo: object): repo is RowWriter {
  return typeof (repo as Partial<RowWriter>).insertRows === 'function';
}

/** Flat rows back to Events, for repositories without insertRows. */
function rowsToEvents(rows: readonly RowValue[]): Event[] {
  const out: Event[] = [];
  for (let o = 0; o < rows.length; o += ROW_COLUMNS) {
    const e: Event = {
      id: rows[o] as string, time: rows[o + 1] as number, ingested: rows[o + 2] as number, tenant: rows[o + 3] as string,
      source: rows[o + 4] as string, logsource: {}, fields: JSON.parse(rows[o + 8] as string) as Fields,
    };
    if (rows[o + 5] !== null) e.logsource.product = rows[o + 5] as string;
    if (rows[o + 6] !== null) e.logsource.category = rows[o + 6] as string;
    if (rows[o + 7] !== null) e.logsource.service = rows[o + 7] as string;
    if (rows[o + 9] !== null) e.raw = rows[o + 9] as string;
    out.push(e);
  }
  return out;
}

export async function ingestFiles(opts: IngestFilesOptions): Promise<IngestSummary> {
  const batchSize = Math.max(1, opts.batchSize ?? DEFAULT_BATCH_SIZE);
  const maxErrors = opts.maxErrors ?? DEFAULT_MAX_ERRORS;
  const summary: IngestSummary = { stored: 0, rejected: 0, failedInputs: 0, errors: [], moreErrors: 0, files: [] };
  const perFile = new Map<string, IngestFileStats>();
  const repo = opts.store.events;
  const write = hasRowWriter(repo) ? (rows: RowValue[]): number => repo.insertRows(rows) : (rows: RowValue[]): number => repo.insertBatch(rowsToEvents(rows));
  const batchValues = batchSize * ROW_COLUMNS;
  let batch: RowValue[] = [];
  /** Which file each run of events in the batch came from (a batch may span files). */
  let batchFiles: { stats: IngestFileStats; n: number }[] = [];
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
      stored = write(batch);
    } catch (e) {
      if (e instanceof ClaimGuardError) throw e;
      throw new ClaimGuardError('STORE_WRITE', `storing a batch of ${batch.length / ROW_COLUMNS} events failed: ${(e as Error).message}`, undefined, { cause: e });
    }
    summary.stored += stored;
    for (const { stats, n } of batchFiles) stats.stored += n;
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

  const onRecords = (m: Extract<WorkerMessage, { t: 'records' }>): void => {
    const s = stats(m.file, m.format);
    bytesRead = m.bytes;
    const rows = m.rows;
    let o = 0;
    while (o < rows.length) {
      const take = Math.min(rows.length - o, batchValues - batch.length);
      for (let k = o; k < o + take; k++) batch.push(rows[k]);
      const last = batchFiles[batchFiles.length - 1];
      if (last?.stats === s) last.n += take / ROW_COLUMNS;
      else batchFiles.push({ stats: s, n: take / ROW_COLUMNS });
      o += take;
      if (batch.length >= batchValues) flush();
    }
    summary.failedInputs += m.failedInputs;
    summary.rejected += m.rejected;
    s.rejected += m.rejected;
    for (const row of m.errors) {
      if (summary.errors.length < maxErrors) summary.errors.push(row);
      else summary.moreErrors++;
    }
    summary.moreErrors += m.moreErrors;
    progress(false);
  };

  const job: WorkerJob = {
    paths: opts.paths,
    format: opts.format ?? 'auto',
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.referenceTime !== undefined ? { referenceTime: opts.referenceTime } : {}),
    ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
    keepRaw: opts.keepRaw ?? false,
    ...(opts.formatOptions ? { formatOptions: opts.formatOptions } : {}),
    tenant: opts.tenant,
    ...(opts.source !== undefined ? { source: opts.source } : {}),
    maxErrors,
  };
  const worker = new Worker(new URL('./ingest-worker.ts', import.meta.url), { workerData: job });
  try {
    await new Promise<void>((resolve, reject) => {
      let finished = false;
      const fail = (e: unknown): void => { if (!finished) { finished = true; reject(e); } };
      worker.on('message', (m: WorkerMessage) => {
        if (finished) return;
        try {
          switch (m.t) {
            case 'file':
              fileName = m.file;
              fileIndex = m.index;
              fileCount = m.count;
              if (m.index === 1) totalBytes = 0;
              totalBytes += m.size;
              progress(true);
              break;
            case 'records':
              onRecords(m);
              worker.postMessage(0); // acknowledgement: the worker may read further
              break;
            case 'done':
              bytesRead = m.bytes;
              flush();
              finished = true;
              resolve();
              break;
            case 'fail':
              fail(new ClaimGuardError('INPUT_READ', `reading the inputs failed: ${m.message}`));
              break;
          }
        } catch (e) {
          fail(e);
        }
      });
      worker.on('error', (e) => fail(new ClaimGuardError('INPUT_READ', `the ingest reader stopped: ${e.message}`, undefined, { cause: e })));
      worker.on('exit', (code) => fail(new ClaimGuardError('INPUT_READ', `the ingest reader exited early (status ${code})`)));
    });
  } finally {
    await worker.terminate();
  }
  progress(true);
  return summary;
}

/** Exit status for a summary: 0 all stored, 2 some records rejected or some input unusable. */
export function summaryExitCode(s: IngestSummary): 0 | 2 {
  return s.rejected > 0 || s.failedInputs > 0 ? 2 : 0;
}
