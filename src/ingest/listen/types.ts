// Contracts between the live listeners and whoever wires them (pipeline/). Listeners parse bytes into
// ParsedEvents with an injected parser and hand them to an injected sink; they never touch a store.
import type { ClaimGuardError, ParsedEvent } from '../../core/index.ts';
import type { ParseResult } from '../formats/types.ts';

/** Where a record came from, for error locations (never logged with the record's content). */
export interface RecordContext {
  /** Configured source name (listener name, HTTP token name, tailed file). */
  source: string;
  /** Display name of the input: "udp://127.0.0.1:5514", "tcp://10.0.0.5:40211", "/var/log/auth.log". */
  file: string;
  /** 1-based line within the input (HTTP body, file), when known. */
  line?: number;
  /** 0-based byte offset within the input (connection stream, file), when known. */
  offset?: number;
  /** 1-based record (message) number within the input. */
  record?: number;
}

/** Parses one record (a syslog message, an NDJSON line, a log line) into an event or a located error. */
export type RecordParser = (text: string, ctx: RecordContext) => ParseResult;

/** Result of committing a batch to the store. */
export interface CommitResult {
  stored: number;
  /** The idempotency key had been committed before; nothing new was stored. */
  duplicate: boolean;
}

/**
 * Receives events from listeners without acknowledgements (syslog): the events are buffered and
 * committed within the pipeline's flush interval. A returned promise means "slow down": the listener
 * pauses its socket until it settles.
 */
export type EventSink = (events: ParsedEvent[], source: string) => void | Promise<void>;

/** Commits one acknowledged batch whole (HTTP): resolves only after the transaction has committed. */
export type BatchCommitter = (events: ParsedEvent[], meta: { source: string; idempotencyKey?: string }) => Promise<CommitResult>;

/** Reports a record that could not be parsed or framed. Implementations count and log code + location only. */
export type ErrorReporter = (error: ClaimGuardError, source: string) => void;

/** A running listener. */
export interface Listener {
  /** "udp", "tcp", "tls", "http", "tail". */
  kind: string;
  /** Bound address, e.g. "127.0.0.1:5514" (the real port when 0 was asked for), or the tailed path. */
  address: string;
  port?: number;
  /** Stops accepting input and waits until work in progress is handed to the sink. */
  close(): Promise<void>;
}
