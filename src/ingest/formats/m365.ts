// Format reader `m365`: Microsoft 365 Unified Audit Log, Entra ID sign-in and audit logs, Identity
// Protection risk detections, Azure Activity Log and Defender XDR hunting rows, in any of the JSON
// containers Microsoft tools produce (NDJSON, arrays, Graph `value` pages, diagnostic `records`
// blobs). See docs/m365.md for the field mapping.
import { ClaimGuardError } from '../../core/index.ts';
import type { ByteSource, FormatReader, ParseResult, ReadOptions } from './types.ts';
import { splitJsonRecords } from './m365/records.ts';
import { normaliseRecord, parseRecordText, type NormaliseOptions } from './m365/normalise.ts';

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
    if (!t.startsWith('{') && !t.startsWith('[')) return false;
    return SNIFF_VALUES.test(t) || SNIFF_KEY_SETS.some((keys) => keys.every((k) => t.includes(`"${k}"`)));
  },
  read(input: ByteSource, opts: ReadOptions): AsyncIterable<ParseResult> {
    return readM365(input, opts);
  },
};

async function* readM365(input: ByteSource, opts: ReadOptions): AsyncGenerator<ParseResult> {
  const o = opts.options ?? {};
  const domains = Array.isArray(o.internalDomains) ? o.internalDomains.filter((d): d is string => typeof d === 'string') : undefined;
  const nopts: NormaliseOptions = { keepRaw: opts.keepRaw, ...(domains ? { internalDomains: domains } : {}) };
  for await (const piece of splitJsonRecords(input, opts.file)) {
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
