// The normalised record every parser produces and every detector consumes (DESIGN.md "Core shapes").

/** Sigma logsource triple; any part may be absent. */
export interface LogSource {
  product?: string;
  category?: string;
  service?: string;
}

/** A field value as parsed. `null` is a present-but-null value, distinct from an absent field. */
export type FieldValue = string | number | boolean | null | FieldValue[] | { [key: string]: FieldValue };

export type Fields = Record<string, FieldValue>;

/**
 * Canonical entity field names, kept under `fields` beside the native names so correlation and
 * baselines work across sources.
 */
export const CANONICAL_FIELDS = ['user', 'src_ip', 'src_port', 'host', 'outcome', 'auth_method'] as const;

export interface Event {
  /** Unique, time-sortable id (see ids.ts). */
  id: string;
  /** Event time, epoch milliseconds (UTC). */
  time: number;
  /** When ClaimGuard received it, epoch milliseconds. */
  ingested: number;
  tenant: string;
  /** Name of the configured source (file name, listener, HTTP token name). */
  source: string;
  logsource: LogSource;
  fields: Fields;
  /** The original record text, when kept. */
  raw?: string;
}

/** An event before ids and ingest bookkeeping are assigned: what a format parser yields. */
export type ParsedEvent = Omit<Event, 'id' | 'ingested' | 'tenant' | 'source'> & Partial<Pick<Event, 'source'>>;
