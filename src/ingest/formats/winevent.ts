// Windows event logs in every shape analysts hand us, normalised to one set of Sigma field names so a
// rule matches whichever way an event arrived:
//   - binary .evtx / .evtx.gz (reader 'evtx', parser in ./evtx/),
//   - Event XML (`wevtutil qe /f:xml`, Get-WinEvent `.ToXml()`, Event Viewer "Save as XML"),
//   - evtx_dump JSON / JSONL (one object per line or several pretty-printed objects in one file),
//   - Winlogbeat / Elastic Agent JSON (`winlog.*`), NXLog im_msvistalog JSON, and flat JSON that already
//     uses the Windows field names (reader 'winevent').
// Flat fields: EventID (number; Qualifiers separate), Channel, Provider_Name, Provider_Guid, Computer,
// EventRecordID, TimeCreated, Level, Task, Opcode, Keywords, Version, Execution_ProcessID,
// Execution_ThreadID, Security_UserID, Correlation_ActivityID, then every EventData/UserData field by
// name (unnamed <Data> as `Data`, a list when there are several), plus the canonical entity fields
// `host`, `user`, `src_ip`.
import { ClaimGuardError, type Fields, type FieldValue, type ParsedEvent } from '../../core/index.ts';
import { windowsLogsource } from '../logsource.ts';
import type { ByteSource, FormatReader, ParseResult, ReadOptions } from './types.ts';
import { readEvtx, isEvtxHead, isGzipHead } from './evtx/reader.ts';
import { recordJson } from './evtx/render.ts';
import type { XChild } from './evtx/binxml.ts';
import { parseXml, splitEventXml, XmlError } from './winevent/xml.ts';
import { splitJsonRecords } from './jsonl.ts';

type Obj = { [k: string]: FieldValue };

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(v: FieldValue | undefined): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (isObj(v) && '#text' in v) return str(v['#text']);
  return undefined;
}

function num(v: FieldValue | undefined): number | undefined {
  if (typeof v === 'number') return v;
  const s = str(v);
  if (s !== undefined && /^-?\d{1,15}$/.test(s.trim())) return Number(s.trim());
  return undefined;
}

function attrs(v: FieldValue | undefined): Obj {
  return isObj(v) && isObj(v['#attributes']) ? v['#attributes'] : {};
}

/** Flatten an EventData/UserData object into fields: leaves by their own name, later clashes by path. */
function flattenData(data: FieldValue | undefined, out: Fields, prefix: string, depth: number): void {
  if (!isObj(data) || depth > 16) return;
  for (const [k, v] of Object.entries(data)) {
    if (k === '#attributes') continue;
    if (k === 'Data' && isObj(v) && Array.isArray(v['#text'])) {
      setField(out, 'Data', v['#text'], prefix);
      continue;
    }
    if (isObj(v) && !('#text' in v && Object.keys(v).every((x) => x === '#text' || x === '#attributes'))) {
      flattenData(v, out, prefix ? `${prefix}_${k}` : k, depth + 1);
      continue;
    }
    setField(out, k === '#text' ? (prefix || 'Data') : k, isObj(v) ? (v['#text'] ?? null) : v, prefix);
  }
}

function setField(out: Fields, key: string, value: FieldValue, prefix: string): void {
  if (!(key in out)) out[key] = value;
  else if (prefix && !(`${prefix}_${key}` in out)) out[`${prefix}_${key}`] = value;
}

/** Canonical entity fields shared by correlation and baselines. */
function addCanonical(f: Fields): void {
  if (f.host === undefined && typeof f.Computer === 'string') f.host = f.Computer;
  if (f.user === undefined) {
    for (const k of ['TargetUserName', 'SubjectUserName', 'User', 'UserName', 'AccountName']) {
      const v = f[k];
      if (typeof v === 'string' && v !== '' && v !== '-') { f.user = v; break; }
    }
  }
  if (f.src_ip === undefined) {
    for (const k of ['IpAddress', 'SourceIp', 'SourceAddress', 'ClientAddress', 'Param3']) {
      const v = f[k];
      if (typeof v === 'string' && /^(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]+)$/.test(v) && v !== '::1' && v !== '127.0.0.1') { f.src_ip = v; break; }
    }
  }
}

/** Epoch ms of an ISO-ish Windows timestamp (7 fraction digits and a missing zone are accepted; zone-less means UTC). */
export function windowsTime(s: string | undefined): number | undefined {
  if (!s) return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|[+-]\d{2}:?\d{2})?$/.exec(s.trim());
  if (!m) {
    const t = Date.parse(s);
    return Number.isNaN(t) ? undefined : t;
  }
  const ms = m[7] ? Number((m[7] + '000').slice(0, 3)) : 0;
  let t = Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
  const z = m[8];
  if (z && z !== 'Z') {
    const sign = z[0] === '-' ? -1 : 1;
    const hh = Number(z.slice(1, 3)), mm = Number(z.slice(-2));
    t -= sign * (hh * 60 + mm) * 60000;
  }
  return Number.isNaN(t) ? undefined : t;
}

/**
 * Flatten an evtx_dump-shaped record (`{"Event":{"System":…,"EventData":…}}`, or the inner Event
 * object) into Sigma fields. Used for binary EVTX, Event XML and evtx_dump JSON alike.
 */
export function flattenEvtxJson(record: Obj): Fields {
  const ev = isObj(record.Event) ? record.Event : record;
  const sys = isObj(ev.System) ? ev.System : {};
  const f: Fields = {};
  const eid = num(sys.EventID);
  if (eid !== undefined) f.EventID = eid;
  const q = attrs(sys.EventID).Qualifiers;
  if (q !== undefined && q !== null) f.Qualifiers = num(q) ?? q;
  const prov = attrs(sys.Provider);
  if (typeof prov.Name === 'string') f.Provider_Name = prov.Name;
  if (typeof prov.Guid === 'string') f.Provider_Guid = prov.Guid;
  if (typeof prov.EventSourceName === 'string') f.EventSourceName = prov.EventSourceName;
  for (const k of ['Channel', 'Computer', 'Keywords'] as const) {
    const v = str(sys[k]);
    if (v !== undefined) f[k] = v;
  }
  for (const k of ['EventRecordID', 'Level', 'Task', 'Opcode', 'Version'] as const) {
    const v = num(sys[k]);
    if (v !== undefined) f[k] = v;
  }
  const tc = attrs(sys.TimeCreated).SystemTime;
  if (typeof tc === 'string') f.TimeCreated = tc;
  const ex = attrs(sys.Execution);
  if (ex.ProcessID !== undefined) f.Execution_ProcessID = num(ex.ProcessID) ?? ex.ProcessID;
  if (ex.ThreadID !== undefined) f.Execution_ThreadID = num(ex.ThreadID) ?? ex.ThreadID;
  const sec = attrs(sys.Security).UserID;
  if (typeof sec === 'string') f.Security_UserID = sec;
  const cor = attrs(sys.Correlation);
  if (typeof cor.ActivityID === 'string') f.Correlation_ActivityID = cor.ActivityID;
  for (const [k, v] of Object.entries(ev)) {
    if (k === 'System' || k === '#attributes' || k === 'RenderingInfo') continue;
    if (isObj(v)) flattenData(v, f, '', 0);
    else if (v !== null && k !== 'EventData' && k !== 'UserData') setField(f, k, v, '');
  }
  const ri = ev.RenderingInfo;
  if (isObj(ri) && typeof ri.Message === 'string') setField(f, 'Message', ri.Message, '');
  addCanonical(f);
  return f;
}

/** A ParsedEvent from an evtx_dump-shaped record. */
export function eventFromEvtxJson(record: Obj, fallbackTime?: number): ParsedEvent {
  const fields = flattenEvtxJson(record);
  const time = windowsTime(typeof fields.TimeCreated === 'string' ? fields.TimeCreated : undefined) ?? fallbackTime ?? 0;
  const eid = typeof fields.EventID === 'number' ? fields.EventID : undefined;
  return { time, logsource: windowsLogsource(typeof fields.Channel === 'string' ? fields.Channel : undefined, eid), fields };
}

/** The evtx_dump JSON of an Event XML record text. Throws XmlError. */
export function eventXmlToJson(xml: string): Obj {
  const nodes: XChild[] = parseXml(xml);
  return recordJson(nodes);
}

// ---- Winlogbeat / Elastic Agent and NXLog ----

const NXLOG_META = new Set([
  'EventTime', 'EventReceivedTime', 'Hostname', 'SourceName', 'ProviderGuid', 'EventID', 'Channel', 'RecordNumber',
  'Keywords', 'EventType', 'SeverityValue', 'Severity', 'Version', 'Task', 'OpcodeValue', 'Opcode', 'Category',
  'ActivityID', 'RelatedActivityID', 'ProcessID', 'ThreadID', 'SourceModuleName', 'SourceModuleType', 'Message',
  'Domain', 'AccountName', 'UserID', 'AccountType', 'ERRORINFO', 'EventIdx', 'EventData', 'UserData', 'Level', 'Qualifiers',
]);

function fromWinlog(r: Obj): ParsedEvent {
  const w = r.winlog as Obj;
  const f: Fields = {};
  const eid = num(w.event_id) ?? num(isObj(r.event) ? r.event.code : undefined);
  if (eid !== undefined) f.EventID = eid;
  const put = (k: string, v: FieldValue | undefined): void => { if (v !== undefined && v !== null) f[k] = v; };
  put('Channel', str(w.channel));
  put('Provider_Name', str(w.provider_name));
  put('Provider_Guid', str(w.provider_guid)?.replace(/^\{|\}$/g, ''));
  put('Computer', str(w.computer_name) ?? (isObj(r.host) ? str(r.host.name) ?? str(r.host.hostname) : undefined));
  put('EventRecordID', num(w.record_id));
  put('Task', str(w.task));
  put('Opcode', str(w.opcode));
  put('Version', num(w.version));
  if (Array.isArray(w.keywords)) f.Keywords = w.keywords;
  if (isObj(w.process)) {
    put('Execution_ProcessID', num(w.process.pid));
    if (isObj(w.process.thread)) put('Execution_ThreadID', num(w.process.thread.id));
  }
  if (isObj(w.user)) put('Security_UserID', str(w.user.identifier));
  const ts = str(r['@timestamp']) ?? str(w.time_created);
  put('TimeCreated', ts);
  flattenData(w.event_data, f, '', 0);
  flattenData(w.user_data, f, '', 0);
  if (typeof r.message === 'string') setField(f, 'Message', r.message, '');
  addCanonical(f);
  return { time: windowsTime(ts) ?? 0, logsource: windowsLogsource(str(f.Channel), typeof f.EventID === 'number' ? f.EventID : undefined), fields: f };
}

function fromFlat(r: Obj, nxlog: boolean): ParsedEvent {
  const f: Fields = {};
  const eid = num(r.EventID);
  if (eid !== undefined) f.EventID = eid;
  const put = (k: string, v: FieldValue | undefined): void => { if (v !== undefined && v !== null) f[k] = v; };
  put('Channel', str(r.Channel));
  put('Provider_Name', str(r.Provider_Name) ?? str(r.SourceName));
  put('Provider_Guid', (str(r.Provider_Guid) ?? str(r.ProviderGuid))?.replace(/^\{|\}$/g, ''));
  put('Computer', str(r.Computer) ?? str(r.Hostname));
  put('EventRecordID', num(r.EventRecordID) ?? num(r.RecordNumber));
  put('Task', num(r.Task) ?? str(r.Task));
  put('Opcode', num(r.OpcodeValue) ?? num(r.Opcode) ?? str(r.Opcode));
  put('Level', num(r.Level) ?? num(r.SeverityValue));
  put('Keywords', str(r.Keywords));
  put('Version', num(r.Version));
  put('Execution_ProcessID', num(r.Execution_ProcessID) ?? num(r.ProcessID));
  put('Execution_ThreadID', num(r.Execution_ThreadID) ?? num(r.ThreadID));
  put('Security_UserID', str(r.Security_UserID) ?? str(r.UserID));
  const ts = str(r.TimeCreated) ?? str(r.EventTime) ?? str(r['@timestamp']);
  put('TimeCreated', ts);
  for (const [k, v] of Object.entries(r)) {
    if (k in f || (nxlog && NXLOG_META.has(k))) continue;
    if (k === 'EventData' || k === 'UserData') { flattenData(v, f, '', 0); continue; }
    if (isObj(v)) flattenData(v, f, k, 1);
    else f[k] = v;
  }
  if (nxlog && typeof r.Message === 'string') setField(f, 'Message', r.Message, '');
  addCanonical(f);
  return { time: windowsTime(ts) ?? 0, logsource: windowsLogsource(str(f.Channel), typeof f.EventID === 'number' ? f.EventID : undefined), fields: f };
}

/** Which Windows JSON shape a parsed record has, or undefined when it is not a Windows event. */
export function windowsJsonShape(r: Obj): 'evtx_dump' | 'winlog' | 'nxlog' | 'flat' | undefined {
  if (isObj(r.Event) && isObj(r.Event.System)) return 'evtx_dump';
  if (isObj(r.System)) return 'evtx_dump'; // the inner Event object on its own
  if (isObj(r.winlog)) return 'winlog';
  if (r.EventID !== undefined && (r.SourceName !== undefined || r.SourceModuleName !== undefined || r.EventTime !== undefined)) return 'nxlog';
  if (r.EventID !== undefined && (r.Channel !== undefined || r.Provider_Name !== undefined)) return 'flat';
  return undefined;
}

/** Normalise one parsed Windows JSON record (any supported shape) to a ParsedEvent. */
export function eventFromWindowsJson(r: Obj): ParsedEvent | undefined {
  switch (windowsJsonShape(r)) {
    case 'evtx_dump': return eventFromEvtxJson(r);
    case 'winlog': return fromWinlog(r);
    case 'nxlog': return fromFlat(r, true);
    case 'flat': return fromFlat(r, false);
    default: return undefined;
  }
}

// ---- byte decoding ----

/** Decode bytes to text chunks: UTF-8 by default, UTF-16LE/BE when a BOM says so (PowerShell's default). */
async function* decodeText(input: ByteSource): AsyncGenerator<string> {
  let dec: InstanceType<typeof TextDecoder> | undefined;
  for await (const b of input) {
    if (!dec) {
      if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) dec = new TextDecoder('utf-16le');
      else if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) dec = new TextDecoder('utf-16be');
      else dec = new TextDecoder('utf-8');
    }
    const s = dec.decode(b, { stream: true });
    if (s) yield s;
  }
  if (dec) {
    const s = dec.decode();
    if (s) yield s;
  }
}

function headText(head: Uint8Array): string {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) return new TextDecoder('utf-16le').decode(head.subarray(0, Math.min(head.length, 8192) & ~1));
  return new TextDecoder('utf-8').decode(head.subarray(0, Math.min(head.length, 8192)));
}

const EVENT_NS = 'schemas.microsoft.com/win/2004/08/events/event';

// ---- readers ----

function bad(code: 'WINEVENT_BAD_RECORD', message: string, file: string, offset: number, record?: number): ParseResult {
  return { ok: false, error: new ClaimGuardError(code, message, { file, offset, ...(record !== undefined ? { record } : {}) }) };
}

/** Binary EVTX (.evtx, .evtx.gz). */
export const evtxReader: FormatReader = {
  name: 'evtx',
  sniff(head, fileName) {
    return isEvtxHead(head) || (isGzipHead(head) && /\.evtx\.gz$/i.test(fileName));
  },
  async *read(input: ByteSource, opts: ReadOptions): AsyncIterable<ParseResult> {
    for await (const it of readEvtx(input, opts.file)) {
      if (!it.ok) { yield it; continue; }
      const json = recordJson(it.record.nodes);
      const ev = eventFromEvtxJson(json, it.record.written);
      if (opts.keepRaw) ev.raw = JSON.stringify(json);
      yield { ok: true, event: ev };
    }
  },
};

/** Windows exports: Event XML, evtx_dump JSON/JSONL, Winlogbeat / Elastic Agent, NXLog, flat Windows JSON. */
export const winEventReader: FormatReader = {
  name: 'winevent',
  sniff(head, _fileName) {
    const t = headText(head);
    if (t.includes('<Event') && t.includes(EVENT_NS)) return true;
    const s = t.trimStart();
    if (s[0] !== '{' && s[0] !== '[') return false;
    if (/"winlog"\s*:\s*\{/.test(t)) return true;
    if (/"Event"\s*:\s*\{/.test(t) && /"System"\s*:\s*\{/.test(t)) return true;
    return /"EventID"\s*:/.test(t) && /"(?:SourceName|Channel|Provider_Name)"\s*:/.test(t);
  },
  async *read(input: ByteSource, opts: ReadOptions): AsyncIterable<ParseResult> {
    const texts = decodeText(input);
    const it = texts[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) return;
    async function* all(): AsyncGenerator<string> {
      yield first.value;
      for (;;) { const n = await it.next(); if (n.done) return; yield n.value; }
    }
    const lead = first.value.replace(/^\uFEFF/, '').trimStart();
    let n = 0;
    if (lead.startsWith('<')) {
      for await (const piece of splitEventXml(all())) {
        n++;
        if ('error' in piece) { yield bad('WINEVENT_BAD_RECORD', piece.error.message, opts.file, piece.error.offset, n); continue; }
        try {
          const json = eventXmlToJson(piece.text);
          const ev = eventFromEvtxJson(json);
          if (opts.keepRaw) ev.raw = piece.text;
          yield { ok: true, event: ev };
        } catch (e) {
          if (!(e instanceof XmlError)) throw e;
          yield bad('WINEVENT_BAD_RECORD', `Event XML: ${e.message}`, opts.file, piece.offset + e.offset, n);
        }
      }
      return;
    }
    for await (const piece of splitJsonRecords(all())) {
      const loc = { file: opts.file, line: piece.line, offset: piece.offset, record: piece.record };
      if (!piece.ok) { yield { ok: false, error: new ClaimGuardError(piece.code, piece.reason, loc) }; continue; }
      let r: unknown;
      try { r = JSON.parse(piece.text); } catch (e) {
        yield { ok: false, error: new ClaimGuardError('WINEVENT_BAD_RECORD', `JSON: ${(e as Error).message}`, loc) };
        continue;
      }
      const ev = isObj(r) ? eventFromWindowsJson(r as Obj) : undefined;
      if (!ev) { yield { ok: false, error: new ClaimGuardError('WINEVENT_BAD_RECORD', 'not a Windows event record (no System/EventID, winlog or NXLog fields)', loc) }; continue; }
      if (opts.keepRaw) ev.raw = piece.text;
      yield { ok: true, event: ev };
    }
  },
};
