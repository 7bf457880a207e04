// Messages between `ingestFiles` (main thread) and its parse worker (ingest-worker.ts).

/** Values per event in a `records` message, in this order (the events table's columns). */
export const ROW_COLUMNS = 10;
export type RowValue = string | number | null;

export interface IngestErrorRow {
  file: string;
  /** 1-based line, null when the error concerns the whole file or has only a byte offset. */
  line: number | null;
  offset?: number;
  record?: number;
  code: string;
  reason: string;
}

/** What the worker is asked to read (structured-cloned into it). */
export interface WorkerJob {
  paths: string[];
  format: string;
  cwd?: string;
  referenceTime?: number;
  timeZone?: string;
  keepRaw: boolean;
  formatOptions?: Record<string, Record<string, unknown>>;
  tenant: string;
  source?: string;
  /** Error rows to send in full; the rest are only counted. */
  maxErrors: number;
}

export type WorkerMessage =
  | { t: 'file'; file: string; format: string; size: number; index: number; count: number }
  | {
    t: 'records'; file: string; format: string;
    /** ROW_COLUMNS values per event: id, time, ingested, tenant, source, product, category, service, fields (JSON), raw. */
    rows: RowValue[];
    rejected: number; failedInputs: number; errors: IngestErrorRow[]; moreErrors: number;
    /** Bytes read so far, all inputs. */
    bytes: number;
  }
  | { t: 'done'; bytes: number }
  | { t: 'fail'; code: string; message: string };

/** True when an error concerns a whole input rather than one record. */
export function isInputError(code: string): boolean {
  return code === 'INPUT_NOT_FOUND' || code === 'INPUT_READ' || code === 'INGEST_FORMAT_UNKNOWN';
}
