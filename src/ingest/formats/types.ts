// The contract every format parser implements. Parsers are pure: bytes in, events or located errors
// out. One bad record yields one error result and parsing goes on.
import type { ClaimGuardError, ParsedEvent } from '../../core/index.ts';

/** One parse outcome. Errors carry a Location (file, line or byte offset, record). */
export type ParseResult = { ok: true; event: ParsedEvent } | { ok: false; error: ClaimGuardError };

/** Options every reader accepts; format-specific options ride along in `options`. */
export interface ReadOptions {
  /** Display name of the input (a path), used in error locations. */
  file: string;
  /** Reference time for formats whose timestamps lack a year or zone (epoch ms). */
  referenceTime?: number;
  /** IANA time zone for timestamps without an offset (default UTC). */
  timeZone?: string;
  /** Keep the original record text in `Event.raw`. */
  keepRaw?: boolean;
  options?: Record<string, unknown>;
}

/** A byte source that can be read more than once from the start (files) or once (streams). */
export type ByteSource = AsyncIterable<Uint8Array>;

export interface FormatReader {
  /** Name used by `--format`. */
  name: string;
  /** Cheap recognition from the first bytes (up to 64 KiB) and the file name. */
  sniff(head: Uint8Array, fileName: string): boolean;
  /** Stream results with bounded memory. */
  read(input: ByteSource, opts: ReadOptions): AsyncIterable<ParseResult>;
  /**
   * Optional: the same results in arrays (one per input chunk), for bulk callers that want to avoid
   * per-record async overhead. When present it must yield exactly what `read` yields, in order.
   */
  readBatches?(input: ByteSource, opts: ReadOptions): AsyncIterable<ParseResult[]>;
}

/** `read` for a reader that implements `readBatches`. */
export async function* flattenBatches(batches: AsyncIterable<ParseResult[]>): AsyncGenerator<ParseResult> {
  for await (const batch of batches) yield* batch;
}
