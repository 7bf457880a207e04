// The CSV downloads small tenants actually have:
//   Purview audit search export   CreationDate, UserIds|UserId, Operations|Operation, AuditData (the UAL record as JSON)
//   Entra admin center sign-in log download   Date (UTC), Username, IP address, Location, Status,
//                                             Sign-in error code, Failure reason, Client app, …
// Each row becomes the JSON record the normaliser already knows (the AuditData object, or a Graph
// `signIn`-shaped object), so both paths produce identical fields.
import type { Location } from '../../../core/index.ts';
import { CsvTokenizer } from '../csv.ts';
import type { ByteSource } from '../types.ts';
import type { Json } from './flatten.ts';

export type CsvKind = 'purview' | 'entra-signins';

function norm(h: string): string {
  return h.replace(/^\ufeff/, '').trim().toLowerCase().replace(/[\s_()-]+/g, ' ').trim();
}

/** Which M365 CSV download a header row is, if any. */
export function csvKind(header: string[]): CsvKind | undefined {
  const h = header.map(norm);
  if (h.includes('auditdata') && (h.includes('creationdate') || h.includes('operations') || h.includes('operation'))) return 'purview';
  if ((h.includes('date utc') || h.includes('date')) && h.includes('ip address') && (h.includes('username') || h.includes('user principal name')) && (h.includes('sign in error code') || h.includes('client app'))) return 'entra-signins';
  return undefined;
}

/** The first line of `text` split as CSV (header sniffing only). */
export function firstCsvLine(text: string): string[] | undefined {
  const t = new CsvTokenizer(',');
  const nl = text.indexOf('\n');
  const items = t.push(nl < 0 ? text : text.slice(0, nl + 1));
  const first = items[0] ?? t.end()[0];
  return first && first.ok ? first.rec.fields : undefined;
}

const SIGNIN_COLUMNS: Record<string, string[]> = {
  createdDateTime: ['date utc', 'date'],
  id: ['request id'],
  userDisplayName: ['user'],
  userPrincipalName: ['username', 'user principal name'],
  userId: ['user id'],
  ipAddress: ['ip address'],
  location: ['location'],
  status: ['status'],
  errorCode: ['sign in error code'],
  failureReason: ['failure reason'],
  additionalDetails: ['additional details'],
  clientAppUsed: ['client app'],
  appDisplayName: ['application'],
  appId: ['application id'],
  resourceDisplayName: ['resource'],
  conditionalAccessStatus: ['conditional access'],
  authenticationRequirement: ['authentication requirement'],
  userAgent: ['user agent'],
  mfaResult: ['multifactor authentication result'],
  operatingSystem: ['operating system'],
  browser: ['browser'],
  isCompliant: ['compliant'],
  isManaged: ['managed'],
};

/** An Entra sign-in CSV row → a Graph signIn-shaped object. */
function signinFromRow(index: Record<string, number>, cells: string[]): Record<string, Json> {
  const get = (k: string): string | undefined => {
    const i = index[k];
    const v = i === undefined ? undefined : cells[i]?.trim();
    return v ? v : undefined;
  };
  const o: Record<string, Json> = {};
  for (const k of ['createdDateTime', 'id', 'userDisplayName', 'userPrincipalName', 'userId', 'ipAddress', 'clientAppUsed', 'appDisplayName', 'appId', 'resourceDisplayName', 'authenticationRequirement', 'userAgent']) {
    const v = get(k);
    if (v !== undefined) o[k] = v;
  }
  const ca = get('conditionalAccessStatus');
  if (ca) o.conditionalAccessStatus = ca.replace(/\s+/g, '').replace(/^./, (c) => c.toLowerCase());
  const codeText = get('errorCode');
  const status = get('status')?.toLowerCase();
  const code = codeText && /^\d+$/.test(codeText) ? Number(codeText) : status === 'success' ? 0 : undefined;
  const st: Record<string, Json> = {};
  if (code !== undefined) st.errorCode = code;
  const reason = get('failureReason');
  if (reason && !/^other\.?$/i.test(reason)) st.failureReason = reason;
  const details = get('additionalDetails') ?? get('mfaResult');
  if (details) st.additionalDetails = details;
  if (Object.keys(st).length) o.status = st;
  // "Austin, Texas, US" → city, state, country.
  const loc = get('location');
  if (loc) {
    const parts = loc.split(',').map((p) => p.trim()).filter(Boolean);
    const l: Record<string, Json> = { countryOrRegion: parts[parts.length - 1] };
    if (parts.length >= 3) { l.city = parts[0]; l.state = parts[1]; } else if (parts.length === 2) l.city = parts[0];
    o.location = l;
  }
  const dev: Record<string, Json> = {};
  for (const k of ['operatingSystem', 'browser', 'isCompliant', 'isManaged']) {
    const v = get(k);
    if (v !== undefined) dev[k] = /^(true|yes)$/i.test(v) ? true : /^(false|no)$/i.test(v) ? false : v;
  }
  if (Object.keys(dev).length) o.deviceDetail = dev;
  return o;
}

export type CsvPiece = { ok: true; value: unknown; text: string; loc: Location } | { ok: false; code: 'JSON_BAD_RECORD' | 'CSV_BAD_RECORD' | 'INGEST_LINE_TOO_LONG' | 'M365_BAD_RECORD'; message: string; loc: Location };

/** Streams the rows of an M365 CSV download as JSON-like records for the normaliser. */
export async function* csvRecords(input: ByteSource, file: string): AsyncGenerator<CsvPiece> {
  const decoder = new TextDecoder('utf-8');
  const tok = new CsvTokenizer(',');
  let kind: CsvKind | undefined;
  let auditCol = -1;
  let index: Record<string, number> = {};
  let headerSeen = false;
  function* handle(items: ReturnType<CsvTokenizer['push']>): Generator<CsvPiece> {
    for (const it of items) {
      if (!it.ok) { yield { ok: false, code: it.code, message: it.reason, loc: { file, line: it.line, offset: it.offset, record: it.record } }; continue; }
      const { fields, line, offset, record } = it.rec;
      const loc: Location = { file, line, offset, record };
      if (!headerSeen) {
        headerSeen = true;
        kind = csvKind(fields);
        if (!kind) { yield { ok: false, code: 'M365_BAD_RECORD', message: 'the header is not a Purview audit export (AuditData column) or an Entra sign-in download', loc }; return; }
        const h = fields.map(norm);
        auditCol = h.indexOf('auditdata');
        index = {};
        for (const [k, names] of Object.entries(SIGNIN_COLUMNS)) {
          for (const n of names) { const i = h.indexOf(n); if (i >= 0) { index[k] = i; break; } }
        }
        continue;
      }
      if (fields.length === 1 && fields[0].trim() === '') continue;
      if (kind === 'purview') {
        const text = fields[auditCol] ?? '';
        try {
          yield { ok: true, value: JSON.parse(text), text, loc: { ...loc, path: 'AuditData' } };
        } catch (e) {
          yield { ok: false, code: 'JSON_BAD_RECORD', message: `AuditData is not valid JSON: ${(e as Error).message}`, loc: { ...loc, path: 'AuditData' } };
        }
      } else {
        const value = signinFromRow(index, fields);
        yield { ok: true, value, text: fields.join(','), loc };
      }
    }
  }
  for await (const chunk of input) {
    yield* handle(tok.push(decoder.decode(chunk, { stream: true })));
    if (headerSeen && !kind) return;
  }
  const tail = decoder.decode();
  if (tail) yield* handle(tok.push(tail));
  yield* handle(tok.end());
}
