// Repository interfaces: what domain code and the pipeline need from storage. store/sqlite implements
// them today; store/postgres implements the same later. Domain folders receive these as arguments.
import type { Event, LogSource } from './event.ts';
import type { Alert, AlertStatus } from './alert.ts';
import type { Finding } from './finding.ts';

export interface EventQuery {
  tenant?: string;
  /** Inclusive lower bound, epoch ms. */
  from?: number;
  /** Exclusive upper bound, epoch ms. */
  to?: number;
  source?: string;
  logsource?: LogSource;
  /** Field equality filters on `fields` (canonical or native names). */
  where?: Record<string, string | number | boolean>;
  /** Case-insensitive substring over the serialised fields. */
  text?: string;
  limit?: number;
  /** Oldest first unless true. */
  newestFirst?: boolean;
}

export interface EventRepository {
  /** Stores a batch atomically: all events or none. Returns the number stored. */
  insertBatch(events: Event[]): number;
  query(q: EventQuery): Event[];
  count(q?: EventQuery): number;
  /** Deletes events older than `before` (epoch ms); returns how many. */
  prune(before: number): number;
}

export interface AlertQuery {
  tenant?: string;
  from?: number;
  to?: number;
  ruleId?: string;
  status?: AlertStatus;
  limit?: number;
}

export interface AlertRepository {
  insertBatch(alerts: Alert[]): number;
  query(q: AlertQuery): Alert[];
  setStatus(id: string, status: AlertStatus, actor: string): void;
}

export interface FindingRepository {
  /** Insert or update by (tenant, kind, subject): keeps firstSeen, moves lastSeen. */
  upsert(findings: Finding[]): number;
  query(q: { tenant?: string; kind?: string; open?: boolean; limit?: number }): Finding[];
}

export interface AuditEntry {
  seq: number;
  time: number;
  actor: string;
  action: string;
  subject: string;
  detail: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface AuditVerifyResult {
  ok: boolean;
  checked: number;
  /** Each problem names the row (seq) and what is wrong: edited, inserted, deleted, reordered. */
  problems: { seq: number; kind: 'edited' | 'inserted' | 'deleted' | 'reordered'; detail: string }[];
}

export interface AuditLog {
  append(entry: { actor: string; action: string; subject: string; detail?: Record<string, unknown>; time?: number }): AuditEntry;
  list(q?: { from?: number; limit?: number }): AuditEntry[];
  verify(): AuditVerifyResult;
}

/** Ingest bookkeeping: file-tail checkpoints and idempotent batch keys. */
export interface CheckpointRepository {
  get(key: string): { offset: number; inode?: string; fingerprint?: string } | undefined;
  set(key: string, value: { offset: number; inode?: string; fingerprint?: string }): void;
}

export interface Store {
  events: EventRepository;
  alerts: AlertRepository;
  findings: FindingRepository;
  audit: AuditLog;
  checkpoints: CheckpointRepository;
  /** Run `fn` in one transaction (used to commit events with their checkpoint together). */
  transaction<T>(fn: () => T): T;
  close(): void;
}
