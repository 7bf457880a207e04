// In-process ingest pipeline: completes parsed events (id, tenant, source, ingest time) and commits
// them to the store.
// - Acknowledged batches (HTTP) go through `commitBatch`: batches arriving in the same event-loop turn
//   share one transaction (group commit, one fsync), and each promise resolves only after that commit.
// - Unacknowledged input (syslog) goes through `submit`: buffered and committed when `maxBatch` events
//   are waiting or `flushIntervalMs` after the first buffered event, whichever comes first. That buffer
//   is the whole loss window on a crash (docs/durability.md).
// - File tails go through `commitWithCheckpoint`: events and the tail's checkpoint in one transaction.
// Committed events are then offered to `onCommitted` (the detector, in later stages).
import type { Event, ParsedEvent } from '../core/index.ts';
import { ClaimGuardError, newId } from '../core/index.ts';
import type { CommitResult, TailCheckpoint } from '../ingest/index.ts';
import type { SqliteStore } from '../store/index.ts';
import { silentLogger, type Logger } from './log.ts';

export interface PipelineOptions {
  store: SqliteStore;
  tenant: string;
  /** Longest time an unacknowledged event waits in memory before its commit, ms (default 200). */
  flushIntervalMs?: number;
  /** Buffered events that trigger an immediate commit (default 1000). */
  maxBatch?: number;
  /** Called with each committed batch (not with replays of an idempotency key). */
  onCommitted?: (events: Event[]) => void;
  log?: Logger;
  now?: () => number;
}

interface PendingBatch {
  events: Event[];
  source: string;
  key: string | undefined;
  resolve: (r: CommitResult) => void;
  reject: (e: unknown) => void;
}

export interface PipelineStats {
  stored: number;
  duplicates: number;
  buffered: number;
  commits: number;
}

export class IngestPipeline {
  private readonly store: SqliteStore;
  private readonly tenant: string;
  private readonly flushMs: number;
  private readonly maxBatch: number;
  private readonly onCommitted: ((events: Event[]) => void) | undefined;
  private readonly log: Logger;
  private readonly now: () => number;
  private buffer: Event[] = [];
  private timer: NodeJS.Timeout | undefined;
  private pending: PendingBatch[] = [];
  private drainScheduled = false;
  private closed = false;
  readonly stats: PipelineStats = { stored: 0, duplicates: 0, buffered: 0, commits: 0 };

  constructor(opts: PipelineOptions) {
    this.store = opts.store;
    this.tenant = opts.tenant;
    this.flushMs = opts.flushIntervalMs ?? 200;
    this.maxBatch = opts.maxBatch ?? 1000;
    this.onCommitted = opts.onCommitted;
    this.log = opts.log ?? silentLogger;
    this.now = opts.now ?? Date.now;
  }

  /** ParsedEvent → Event: id, ingest time, tenant and source. */
  complete(parsed: ParsedEvent[], source: string): Event[] {
    const now = this.now();
    const out = new Array<Event>(parsed.length);
    for (let i = 0; i < parsed.length; i++) {
      const p = parsed[i];
      // A parser bug must not poison a batch (time is NOT NULL): an unusable time becomes the ingest time.
      const time = Number.isFinite(p.time) ? Math.trunc(p.time) : now;
      const e: Event = { id: newId(now), time, ingested: now, tenant: this.tenant, source: p.source ?? source, logsource: p.logsource, fields: p.fields };
      if (p.raw !== undefined) e.raw = p.raw;
      out[i] = e;
    }
    return out;
  }

  /** Unacknowledged input: buffer; commit at maxBatch or after flushIntervalMs. */
  submit = (parsed: ParsedEvent[], source: string): void => {
    if (this.closed) throw new ClaimGuardError('STORE_WRITE', 'the pipeline is closed');
    const events = this.complete(parsed, source);
    for (const e of events) this.buffer.push(e);
    this.stats.buffered = this.buffer.length;
    if (this.buffer.length >= this.maxBatch) this.flush();
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), this.flushMs);
  };

  /** Commits the syslog buffer now. A failed commit keeps the events buffered and retries on the next flush. */
  flush(): void {
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
    if (this.buffer.length === 0) return;
    const events = this.buffer;
    try {
      this.store.events.insertBatch(events);
    } catch (e) {
      this.log.warn(`could not commit ${events.length} buffered events [${e instanceof ClaimGuardError ? e.code : 'STORE_WRITE'}]; retrying in ${this.flushMs} ms`);
      if (!this.closed) this.timer = setTimeout(() => this.flush(), this.flushMs);
      return;
    }
    this.buffer = [];
    this.stats.buffered = 0;
    this.stats.stored += events.length;
    this.stats.commits++;
    this.onCommitted?.(events);
  }

  /** Acknowledged input: resolves after the batch's transaction has committed (group commit). */
  commitBatch = (parsed: ParsedEvent[], meta: { source: string; idempotencyKey?: string }): Promise<CommitResult> => {
    if (this.closed) return Promise.reject(new ClaimGuardError('STORE_WRITE', 'the pipeline is closed'));
    const events = this.complete(parsed, meta.source);
    return new Promise<CommitResult>((resolve, reject) => {
      this.pending.push({ events, source: meta.source, key: meta.idempotencyKey, resolve, reject });
      if (!this.drainScheduled) {
        this.drainScheduled = true;
        setImmediate(() => this.drain());
      }
    });
  };

  private drain(): void {
    this.drainScheduled = false;
    const batches = this.pending;
    this.pending = [];
    if (batches.length === 0) return;
    let results: CommitResult[] | undefined;
    try {
      results = this.store.transaction(() => batches.map((b) => this.store.commitBatch(b.events, { source: b.source, idempotencyKey: b.key, now: this.now() })));
      this.stats.commits++;
    } catch {
      // One batch spoiled the group: commit each alone so the others still succeed.
      results = undefined;
    }
    for (let i = 0; i < batches.length; i++) {
      const b = batches[i];
      let r: CommitResult;
      if (results) {
        r = results[i];
      } else {
        try {
          r = this.store.commitBatch(b.events, { source: b.source, idempotencyKey: b.key, now: this.now() });
          this.stats.commits++;
        } catch (e) {
          b.reject(e);
          continue;
        }
      }
      if (r.duplicate) this.stats.duplicates++;
      else { this.stats.stored += r.stored; this.onCommitted?.(b.events); }
      b.resolve(r);
    }
  }

  /** File tail: events and the tail checkpoint in one transaction. */
  commitWithCheckpoint = (parsed: ParsedEvent[], checkpoint: TailCheckpoint, key: string, source: string): void => {
    const events = this.complete(parsed, source);
    this.store.transaction(() => {
      this.store.events.insertBatch(events);
      this.store.checkpoints.set(key, checkpoint);
    });
    if (events.length) {
      this.stats.stored += events.length;
      this.stats.commits++;
      this.onCommitted?.(events);
    }
  };

  /** Commits what is buffered and refuses new input. */
  async close(): Promise<void> {
    if (this.drainScheduled) await new Promise<void>((r) => setImmediate(r));
    this.drain();
    this.flush();
    this.closed = true;
    if (this.timer) { clearTimeout(this.timer); this.timer = undefined; }
  }
}
