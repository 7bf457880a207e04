// Format reader `m365`: Microsoft 365 Unified Audit Log, Entra ID sign-in and audit logs, Identity
// Protection risk detections, Azure Activity Log and Defender XDR hunting rows, in any of the JSON
// containers Microsoft tools produce (NDJSON, arrays, Graph `value` pages, diagnostic `records`
// blobs), plus the Purview audit-search and Entra sign-in CSV downloads. See docs/m365.md.
import { ClaimGuardError } from '../../core/index.ts';
import type { ByteSource, FormatReader, ParseResult, ReadOptions } from './types.ts';
import { splitJsonRecords } from './m365/records.ts';
import { normaliseRecord, parseRecordText, type NormaliseOptions } from './m365/normalise.ts';
import { csvKind, csvRecords, firstCsvLine } from './m365/csv.ts';

export { normaliseRecord as normaliseM365Record, classify as classifyM365Record, parseIsoTime, splitIpPort } from './m365/normalise.ts';
export type { M365Kind, NormaliseOptions as M365NormaliseOptions } from './m365/normalise.ts';
export { splitJsonRecords, MAX_RECORD_CHARS } from './m365/records.ts';

// Recognition: every key of one set present in the first 64 KiB (each a cheap linear search), or a
// table/category value only these sources use.
const SNIFF_KEY_SETS: string[][] = [
  ['CreationTime', 'Operation', 'Workload'],
  ['CreationTime', 'Operation', 'RecordType'],
  ['OfficeWorkload', 'Operation'],
  ['ActivityDisplayName', 'LoggedByService'],
  ['activityDisplayName', 'loggedByService'],
  ['createdDateTime', 'userPrincipalName', 'clientAppUsed'],
  ['createdDateTime', 'userPrincipalName', 'conditionalAccessStatus'],
  ['riskEventType', 'userPrincipalName'],
];
const SNIFF_VALUES = /"Type"\s*:\s*"(?:OfficeActivity|SigninLogs|AuditLogs|AADNonInteractiveUserSignInLogs|AADServicePrincipalSignInLogs|AADManagedIdentitySignInLogs|AzureActivity)"|"category"\s*:\s*"(?:SignInLogs|NonInteractiveUserSignInLogs|ServicePrincipalSignInLogs|ManagedIdentitySignInLogs|AuditLogs|UserRiskEvents|RiskyUsers)"/i;

export const m365Reader: FormatReader = {
  name: 'm365',
  sniff(head: Uint8Array, _fileName: string): boolean {
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head.subarray(0, 65536));
    const t = text.replace(/^\ufeff/, '').trimStart();
    if (!t.startsWith('{') && !t.startsWith('[')) {
      const header = firstCsvLine(t);
      return header !== undefined && csvKind(header) !== undefined;
    }
    return SNIFF_VALUES.test(t) || SNIFF_KEY_SETS.some((keys) => keys.every((k) => t.includes(`"${k}"`)));
  },
  read(input: ByteSource, opts: ReadOptions): AsyncIterable<ParseResult> {
    return readM365(input, opts);
  },
};

/** Reads the first bytes (up to 4 KiB) and returns them with a source that replays them first. */
async function peek(input: ByteSource): Promise<{ head: Uint8Array; source: ByteSource }> {
  const it = input[Symbol.asyncIterator]();
  const first: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < 4096) {
    const r = await it.next();
    if (r.done) { done = true; break; }
    first.push(r.value);
    size += r.value.length;
  }
  const head = new Uint8Array(size);
  let at = 0;
  for (const c of first) { head.set(c, at); at += c.length; }
  async function* source(): AsyncGenerator<Uint8Array> {
    for (const c of first) yield c;
    if (done) return;
    for (;;) {
      const r = await it.next();
      if (r.done) return;
      yield r.value;
    }
  }
  return { head, source: source() };
}

async function* readM365(input: ByteSource, opts: ReadOptions): AsyncGenerator<ParseResult> {
  const o = opts.options ?? {};
  const domains = Array.isArray(o.internalDomains) ? o.internalDomains.filter((d): d is string => typeof d === 'string') : undefined;
  const nopts: NormaliseOptions = { keepRaw: opts.keepRaw, ...(domains ? { internalDomains: domains } : {}) };
  const { head, source } = await peek(input);
  const start = new TextDecoder('utf-8', { fatal: false }).decode(head).replace(/^\ufeff/, '').trimStart();
  if (start !== '' && !start.startsWith('{') && !start.startsWith('[')) {
    // A CSV download (Purview audit export, Entra sign-in log download).
    for await (const piece of csvRecords(source, opts.file)) {
      if (!piece.ok) { yield { ok: false, error: new ClaimGuardError(piece.code, piece.message, piece.loc) }; continue; }
      yield normaliseRecord(piece.value, piece.loc, nopts, piece.text);
    }
    return;
  }
  for await (const piece of splitJsonRecords(source, opts.file)) {
    if (!piece.ok) { yield piece; continue; }
    let value: unknown;
    try {
      value = parseRecordText(piece.text);
    } catch (e) {
      yield { ok: false, error: new ClaimGuardError('JSON_BAD_RECORD', `invalid JSON: ${(e as Error).message}`, piece.loc) };
      continue;
    }
    yield normaliseRecord(value, piece.loc, nopts, piece.text);
  }
}
