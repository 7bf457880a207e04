// ArcSight Common Event Format, as firewalls and VPN concentrators send it (often inside syslog):
//   [syslog prefix] CEF:Version|Device Vendor|Device Product|Device Version|Signature ID|Name|Severity|Extension
// Header escaping: "\|" and "\\". Extension: space-separated key=value pairs where a value may
// contain spaces (it runs to the last space before the next "key="); values escape "\=", "\\",
// "\n", "\r" (and "\|" is tolerated). One line = one record.
//
// Canonical fields: src → src_ip, spt → src_port, dst → dst_ip, dpt → dst_port, suser → user
// (duser when there is no suser; duser is always kept as target_user), act → action,
// outcome → outcome (success|failure when recognisable), dvchost / the syslog host → host.
// Time: rt (epoch ms or "MMM dd yyyy HH:mm:ss[.SSS] [zone]"), else end / start, else the syslog
// prefix time. Logsource: {product: <device product, lower case>, category: 'firewall'}, or
// category 'vpn' when the product or event name says VPN.
import { ClaimGuardError, tryParseTime, type Fields, type Location, type ParsedEvent } from '../../core/index.ts';
import { lineRecordBatches } from './lines.ts';
import { parseSyslogLine } from './syslog.ts';
import { setKey } from './keys.ts';
import { normaliseOutcome } from './csv.ts';
import { flattenBatches, type ByteSource, type FormatReader, type ParseResult, type ReadOptions } from './types.ts';

export const CEF_HEADER_FIELDS = ['cef_version', 'device_vendor', 'device_product', 'device_version', 'signature_id', 'name', 'cef_severity'] as const;

/** Splits the 7 header fields (unescaping \| and \\); returns the extension text after the 7th "|". */
export function splitCefHeader(s: string): { header: string[]; extension: string } | string {
  const header: string[] = [];
  let cur = '';
  let i = 0;
  for (; i < s.length && header.length < 7; i++) {
    const c = s[i];
    if (c === '\\' && (s[i + 1] === '|' || s[i + 1] === '\\')) {
      cur += s[i + 1];
      i++;
    } else if (c === '|') {
      header.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  if (header.length < 7) return `CEF header has ${header.length + (cur ? 1 : 0)} of 8 "|"-separated fields`;
  return { header, extension: s.slice(i) };
}

const EXT_KEY = /^[A-Za-z0-9_.[\]-]{1,64}$/;

function unescapeExt(v: string): string {
  if (!v.includes('\\')) return v;
  return v.replace(/\\([\\=nr|])/g, (_, ch: string) => (ch === 'n' ? '\n' : ch === 'r' ? '\r' : ch));
}

/** Parses the extension into key → value, honouring escaped "=" and values with spaces. */
export function parseCefExtension(ext: string): Record<string, string> {
  const out: Record<string, string> = {};
  // Positions of unescaped "=" whose key runs back to a space or the start.
  const eqs: { keyStart: number; eq: number }[] = [];
  // One forward pass (linear even for hostile input): remember where the current word began.
  let wordStart = 0;
  for (let i = 0; i < ext.length; i++) {
    const c = ext.charCodeAt(i);
    if (c === 32) { wordStart = i + 1; continue; }
    if (c === 92 /* \ */) { i++; continue; }
    if (c !== 61 /* = */) continue;
    if (i - wordStart > 64 || i === wordStart) continue;
    const key = ext.slice(wordStart, i);
    if (EXT_KEY.test(key)) eqs.push({ keyStart: wordStart, eq: i });
  }
  for (let j = 0; j < eqs.length; j++) {
    const { keyStart, eq } = eqs[j];
    const end = j + 1 < eqs.length ? eqs[j + 1].keyStart - 1 : ext.length;
    const key = ext.slice(keyStart, eq);
    let value = ext.slice(eq + 1, Math.max(eq + 1, end));
    if (j + 1 === eqs.length) value = value.replace(/\s+$/, '');
    setKey(out, key, unescapeExt(value));
  }
  return out;
}

function slug(s: string): string {
  return s.toLowerCase().trim().replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
}

const VPN_HINT = /vpn|anyconnect|globalprotect|pulse ?secure|ivanti connect|fortisslvpn|ssl-?vpn|ipsec|remote access/i;

export interface CefParseOptions {
  referenceTime: number;
  timeZone?: string;
  keepRaw?: boolean;
}

/** Parse one CEF line (with or without a syslog prefix). */
export function parseCefLine(text: string, opts: CefParseOptions, loc: Location = {}): ParseResult {
  const at = text.indexOf('CEF:');
  if (at === -1) return { ok: false, error: new ClaimGuardError('CEF_BAD_RECORD', 'no "CEF:" header in the line', loc) };
  const fields: Fields = {};
  let prefixTime: number | undefined;
  if (at > 0) {
    const prefix = text.slice(0, at).trimEnd();
    if (prefix !== '') {
      const sys = parseSyslogLine(prefix + ' x', { referenceTime: opts.referenceTime, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) }, loc);
      if (sys.ok) {
        prefixTime = sys.event.time;
        const f = sys.event.fields;
        if (typeof f.host === 'string') fields.syslog_host = f.host;
        if (f.facility !== undefined) fields.facility = f.facility;
        if (f.severity !== undefined) fields.syslog_severity = f.severity;
      }
    }
  }
  const split = splitCefHeader(text.slice(at + 4));
  if (typeof split === 'string') return { ok: false, error: new ClaimGuardError('CEF_BAD_RECORD', split, { ...loc, column: at + 1 }) };
  const [version, vendor, product, , , name] = split.header;
  if (!/^\d+(\.\d+)?$/.test(version.trim())) {
    return { ok: false, error: new ClaimGuardError('CEF_BAD_RECORD', `CEF version must be a number, got ${JSON.stringify(version.slice(0, 20))}`, { ...loc, column: at + 5 }) };
  }
  CEF_HEADER_FIELDS.forEach((k, i) => { fields[k] = split.header[i]; });
  const ext = parseCefExtension(split.extension);
  for (const [k, v] of Object.entries(ext)) setKey(fields, k, v);
  // Canonical fields.
  if (ext.src) fields.src_ip = ext.src;
  if (ext.spt && /^\d{1,5}$/.test(ext.spt)) fields.src_port = Number(ext.spt);
  if (ext.dst) fields.dst_ip = ext.dst;
  if (ext.dpt && /^\d{1,5}$/.test(ext.dpt)) fields.dst_port = Number(ext.dpt);
  if (ext.suser) fields.user = ext.suser;
  if (ext.duser) { fields.target_user = ext.duser; if (!ext.suser) fields.user = ext.duser; }
  if (ext.act) fields.action = ext.act;
  if (ext.outcome) fields.outcome = normaliseOutcome(ext.outcome);
  const host = ext.dvchost ?? (fields.syslog_host as string | undefined);
  if (host) fields.host = host;
  // Time.
  const topts = { referenceTime: opts.referenceTime, ...(opts.timeZone ? { timeZone: opts.timeZone } : {}) };
  let time: number | undefined;
  for (const key of ['rt', 'end', 'start']) {
    const v = ext[key];
    if (v === undefined) continue;
    time = tryParseTime(/^\d+$/.test(v) ? Number(v) : v, topts);
    if (time === undefined) return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `CEF ${key}: bad timestamp ${JSON.stringify(v.slice(0, 40))}`, { ...loc, path: key }) };
    break;
  }
  time ??= prefixTime;
  if (time === undefined) return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', 'CEF record has no time: no rt, end or start field and no syslog prefix', loc) };
  const category = VPN_HINT.test(product) || VPN_HINT.test(name) || VPN_HINT.test(ext.cat ?? '') ? 'vpn' : 'firewall';
  const event: ParsedEvent = { time, logsource: { product: slug(product) || slug(vendor) || 'cef', category }, fields };
  if (opts.keepRaw) event.raw = text;
  return { ok: true, event };
}

async function* readCefBatches(input: ByteSource, opts: ReadOptions): AsyncGenerator<ParseResult[]> {
  const popts: CefParseOptions = { referenceTime: opts.referenceTime ?? Date.now(), ...(opts.timeZone ? { timeZone: opts.timeZone } : {}), keepRaw: opts.keepRaw ?? false };
  yield* lineRecordBatches(input, opts, (text, loc) => parseCefLine(text, popts, loc));
}

export function sniffCef(head: Uint8Array): boolean {
  const text = new TextDecoder().decode(head.subarray(0, 8192));
  const lines = text.split('\n').filter((l) => l.trim() !== '').slice(0, 5);
  if (lines.length === 0) return false;
  return lines.filter((l) => /(^|\s)CEF:\d+(\.\d+)?\|/.test(l)).length * 2 > lines.length;
}

export const cefReader: FormatReader = {
  name: 'cef',
  sniff: sniffCef,
  read: (input, opts) => flattenBatches(readCefBatches(input, opts)),
  readBatches: readCefBatches,
};
