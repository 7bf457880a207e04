// One error type with a stable code, a message for people and a location where there is one.
// The table below is the single list of codes (docs/errors.md mirrors it; a test keeps them in step).
// Codes are never reused once retired; add new ones at the end of their domain block.

export interface Location {
  file?: string;
  /** 1-based line. */
  line?: number;
  /** 1-based column. */
  column?: number;
  /** 0-based byte offset in the input. */
  offset?: number;
  /** 1-based record number (event, segment, chunk record …). */
  record?: number;
  /** Free-form path inside a structure, e.g. "detection.selection.Image|endswith" or "ISA06". */
  path?: string;
}

interface CodeInfo {
  summary: string;
  /** CLI exit code: 2 bad input, 1 failure. */
  exit: 1 | 2;
  /** HTTP status when the error reaches the API. */
  http: number;
}

export const ERROR_CODES = {
  // configuration
  CONFIG_INVALID: { summary: 'configuration file or environment value is invalid', exit: 2, http: 500 },
  CONFIG_NOT_FOUND: { summary: 'configuration file not found', exit: 2, http: 500 },
  // command line
  CLI_USAGE: { summary: 'bad command-line usage', exit: 2, http: 400 },
  CLI_UNKNOWN_COMMAND: { summary: 'unknown command', exit: 2, http: 400 },
  // input and ingestion
  INPUT_NOT_FOUND: { summary: 'input file or directory not found', exit: 2, http: 404 },
  INPUT_READ: { summary: 'input could not be read', exit: 1, http: 500 },
  INPUT_TOO_LARGE: { summary: 'input exceeds a size limit', exit: 2, http: 413 },
  OUTPUT_WRITE: { summary: 'an output file or directory could not be written', exit: 1, http: 500 },
  INGEST_FORMAT_UNKNOWN: { summary: 'input format could not be determined', exit: 2, http: 400 },
  INGEST_BAD_RECORD: { summary: 'a record could not be parsed', exit: 2, http: 400 },
  INGEST_BAD_TIME: { summary: 'a timestamp could not be parsed', exit: 2, http: 400 },
  INGEST_LINE_TOO_LONG: { summary: 'a line exceeds the maximum record length', exit: 2, http: 413 },
  SYSLOG_BAD_HEADER: { summary: 'syslog header is malformed', exit: 2, http: 400 },
  JSON_BAD_RECORD: { summary: 'JSON record is malformed', exit: 2, http: 400 },
  CSV_BAD_RECORD: { summary: 'CSV record is malformed', exit: 2, http: 400 },
  CEF_BAD_RECORD: { summary: 'CEF record is malformed', exit: 2, http: 400 },
  EVTX_BAD_HEADER: { summary: 'EVTX file header is invalid', exit: 2, http: 400 },
  EVTX_BAD_CHUNK: { summary: 'EVTX chunk is corrupt', exit: 2, http: 400 },
  EVTX_BAD_RECORD: { summary: 'EVTX record is corrupt', exit: 2, http: 400 },
  EVTX_BAD_BINXML: { summary: 'EVTX BinXML stream is invalid', exit: 2, http: 400 },
  WINEVENT_BAD_RECORD: { summary: 'Windows event export record is malformed', exit: 2, http: 400 },
  M365_BAD_RECORD: { summary: 'Microsoft 365 / Entra record is malformed', exit: 2, http: 400 },
  // HTTP API and listeners
  HTTP_UNAUTHORIZED: { summary: 'missing or invalid credentials', exit: 1, http: 401 },
  HTTP_FORBIDDEN: { summary: 'not allowed for this role or source', exit: 1, http: 403 },
  HTTP_VALIDATION: { summary: 'request failed validation', exit: 2, http: 400 },
  HTTP_BODY_TOO_LARGE: { summary: 'request body exceeds the limit', exit: 2, http: 413 },
  HTTP_NOT_FOUND: { summary: 'no such resource', exit: 1, http: 404 },
  LISTEN_FAILED: { summary: 'a listener could not start', exit: 1, http: 500 },
  // store
  STORE_OPEN: { summary: 'the store could not be opened', exit: 1, http: 500 },
  STORE_MIGRATION: { summary: 'a store migration failed', exit: 1, http: 500 },
  STORE_WRITE: { summary: 'a store write failed', exit: 1, http: 500 },
  AUDIT_CHAIN_BROKEN: { summary: 'the audit log hash chain does not verify', exit: 1, http: 500 },
  // sigma
  SIGMA_YAML: { summary: 'rule file is not valid YAML', exit: 2, http: 400 },
  SIGMA_INVALID_RULE: { summary: 'rule does not follow the Sigma specification', exit: 2, http: 400 },
  SIGMA_MISSING_FIELD: { summary: 'a required rule attribute is missing', exit: 2, http: 400 },
  SIGMA_UNKNOWN_MODIFIER: { summary: 'unknown value modifier', exit: 2, http: 400 },
  SIGMA_MODIFIER_COMBINATION: { summary: 'modifiers cannot be combined this way', exit: 2, http: 400 },
  SIGMA_BAD_VALUE: { summary: 'a detection value is invalid for its modifiers', exit: 2, http: 400 },
  SIGMA_BAD_REGEX: { summary: 'a regular expression is invalid', exit: 2, http: 400 },
  SIGMA_CONDITION: { summary: 'the condition is invalid', exit: 2, http: 400 },
  SIGMA_DEPRECATED_AGGREGATION: { summary: 'pipe aggregations are retired; use a correlation rule', exit: 2, http: 400 },
  SIGMA_UNKNOWN_REFERENCE: { summary: 'a referenced rule or selection does not exist', exit: 2, http: 400 },
  SIGMA_CORRELATION: { summary: 'the correlation rule is invalid', exit: 2, http: 400 },
  SIGMA_FILTER: { summary: 'the filter rule is invalid', exit: 2, http: 400 },
  SIGMA_PLACEHOLDER: { summary: 'an expand placeholder has no value', exit: 2, http: 400 },
  SIGMA_LIMIT: { summary: 'a rule exceeds an engine limit', exit: 2, http: 400 },
  SIGMA_TEST_FAILED: { summary: 'a rule regression case failed', exit: 1, http: 500 },
  SIGMA_CORRELATION_STATE: { summary: 'a correlation state snapshot is malformed or of an unsupported version', exit: 2, http: 400 },
  // billing
  X12_BAD_ENVELOPE: { summary: 'X12 interchange envelope (ISA/GS/ST) is invalid', exit: 2, http: 400 },
  X12_UNSUPPORTED_VERSION: { summary: 'X12 version not supported', exit: 2, http: 400 },
  X12_UNSUPPORTED_TRANSACTION: { summary: 'X12 transaction set not supported', exit: 2, http: 400 },
  X12_BAD_SEGMENT: { summary: 'X12 segment is invalid', exit: 2, http: 400 },
  X12_UNEXPECTED_SEGMENT: { summary: 'X12 segment is out of place', exit: 2, http: 400 },
  X12_MISSING_SEGMENT: { summary: 'a required X12 segment or loop is missing', exit: 2, http: 400 },
  X12_TRUNCATED: { summary: 'X12 file ends before its envelope closes', exit: 2, http: 400 },
  // generic
  INTERNAL: { summary: 'internal error', exit: 1, http: 500 },
} as const satisfies Record<string, CodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ClaimGuardError extends Error {
  readonly code: ErrorCode;
  readonly location: Location | undefined;

  constructor(code: ErrorCode, message: string, location?: Location, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClaimGuardError';
    this.code = code;
    this.location = location;
  }

  get exitCode(): 1 | 2 {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  /** "file:line:column: message [CODE]" — the form the CLI prints. */
  format(): string {
    const where = formatLocation(this.location);
    return `${where ? where + ': ' : ''}${this.message} [${this.code}]`;
  }

  toJSON(): { code: ErrorCode; message: string; location?: Location } {
    return { code: this.code, message: this.message, ...(this.location ? { location: this.location } : {}) };
  }
}

export function formatLocation(loc: Location | undefined): string {
  if (!loc) return '';
  const parts: string[] = [];
  if (loc.file) parts.push(loc.file);
  if (loc.line !== undefined) parts.push(String(loc.line));
  if (loc.line !== undefined && loc.column !== undefined) parts.push(String(loc.column));
  let s = parts.join(':');
  const extra: string[] = [];
  if (loc.line === undefined && loc.offset !== undefined) extra.push(`offset ${loc.offset}`);
  if (loc.record !== undefined) extra.push(`record ${loc.record}`);
  if (loc.path) extra.push(loc.path);
  if (extra.length) s += (s ? ' ' : '') + '(' + extra.join(', ') + ')';
  return s;
}

export function isClaimGuardError(e: unknown): e is ClaimGuardError {
  return e instanceof ClaimGuardError;
}
