// Syslog: RFC 5424, RFC 3164 (BSD) and the PRI-less form written to /var/log files (and used by the
// loghub corpora): "Dec 10 06:55:46 LabSZ sshd[24200]: message". One line = one record. The header
// gives time, host, program and pid; syslog-messages.ts turns the message of security-relevant
// programs into canonical fields. Timestamps without a year follow core/time.ts year inference.
//
// Grammar accepted (RFC 3164 side, after an optional "<PRI>"):
//   TIMESTAMP  "Mmm dd hh:mm:ss[.frac]" | "Mmm dd yyyy hh:mm:ss" | RFC 3339 (rsyslog high precision)
//   HOSTNAME   one token; omitted when the next token is already a tag ("sshd[12]:")
//   TAG        prog["(" pam_module ")"]["[" pid "]"] ":"  — or "prog version:" (old syslogd)
//   MSG        the rest
// RFC 5424: "<PRI>1 TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA [MSG]", any header
// field may be "-" (NILVALUE), SD-PARAM values escape \" \\ \], MSG may start with a UTF-8 BOM.
import { ClaimGuardError, MONTHS, syslogTimeFromParts, tryParseIso, type Fields, type Location, type ParsedEvent } from '../../core/index.ts';
import { linuxLogsource } from '../logsource.ts';
import { parseProgramMessage } from './syslog-messages.ts';
import { setKey } from './keys.ts';
import { lineRecordBatches } from './lines.ts';
import { flattenBatches, type ByteSource, type FormatReader, type ParseResult, type ReadOptions } from './types.ts';

export const FACILITIES = ['kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'authpriv', 'ftp',
  'ntp', 'security', 'console', 'solaris-cron', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'] as const;
export const SEVERITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'] as const;

export interface SyslogParseOptions {
  /** Reference instant for year inference (epoch ms). */
  referenceTime: number;
  /** IANA zone for timestamps without an offset (default UTC). */
  timeZone?: string;
  /**
   * Listener mode (RFC 3164 §4.3.3): a message whose header cannot be read is kept whole as MSG,
   * stamped with `receivedAt`, instead of being rejected. Files are parsed strictly.
   */
  lenient?: boolean;
  receivedAt?: number;
  keepRaw?: boolean;
}

// Sticky patterns: each is tried at a position in the line.
const BSD_TS = /([A-Z][a-z]{2}) {1,2}(\d{1,2}) (?:(\d{4}) )?(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?(?: |$)/y;
const ISO_TS = /(\d{4}-\d{2}-\d{2}T\S+)(?: |$)/y;
const TAG = /([^\s:[\]()]{1,128})(?:\(([^)\s]{0,64})\))?(?:\[([^\]\s]{0,32})\])?:(?: |$)/y;
const TAG_WITH_VERSION = /([A-Za-z][\w.-]{0,63}) (\d+(?:\.\d+)+):(?: |$)/y;

function headerError(message: string, loc: Location, column: number): ClaimGuardError {
  return new ClaimGuardError('SYSLOG_BAD_HEADER', message, { ...loc, column });
}

function pidValue(s: string): number | string {
  return /^\d{1,10}$/.test(s) ? Number(s) : s;
}

function applyPri(pri: number | undefined, f: Fields): void {
  if (pri === undefined) return;
  f.facility = FACILITIES[pri >> 3] ?? String(pri >> 3);
  f.severity = SEVERITY_NAMES[pri & 7];
}

function finish(f: Fields, program: string | undefined, pamModule: string | undefined, msg: string, time: number, raw: string, opts: SyslogParseOptions): ParseResult {
  f.message = msg;
  const prog = program?.toLowerCase();
  if (prog) parseProgramMessage(prog, msg, f, pamModule);
  const event: ParsedEvent = { time, logsource: linuxLogsource(prog), fields: f };
  if (opts.keepRaw) event.raw = raw;
  return { ok: true, event };
}

/** Parse one syslog line / message. `loc` locates it (file, line, offset) in errors. */
export function parseSyslogLine(text: string, opts: SyslogParseOptions, loc: Location = {}): ParseResult {
  let pos = 0;
  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  while (text.charCodeAt(pos) === 32 || text.charCodeAt(pos) === 9) pos++;
  let pri: number | undefined;
  if (text.charCodeAt(pos) === 60 /* < */) {
    const close = text.indexOf('>', pos);
    const digits = close > pos ? text.slice(pos + 1, close) : '';
    if (!/^\d{1,3}$/.test(digits) || Number(digits) > 191) {
      return { ok: false, error: headerError('syslog PRI must be <0> to <191>', loc, pos + 1) };
    }
    pri = Number(digits);
    pos = close + 1;
    // RFC 5424: a version number follows PRI directly.
    const c = text.charCodeAt(pos);
    if (c >= 49 && c <= 57) {
      const sp = text.indexOf(' ', pos);
      if (sp > pos && sp - pos <= 2 && /^\d+$/.test(text.slice(pos, sp))) return parse5424(text, pos, sp, pri, opts, loc);
    }
  }
  return parse3164(text, pos, pri, opts, loc);
}

function parse3164(text: string, start: number, pri: number | undefined, opts: SyslogParseOptions, loc: Location): ParseResult {
  let pos = start;
  let time: number | undefined;
  BSD_TS.lastIndex = pos;
  let m = BSD_TS.exec(text);
  if (m) {
    const mo = MONTHS[m[1].toLowerCase()];
    const ms = m[7] ? Math.floor(Number((m[7] + '00').slice(0, 3))) : 0;
    if (mo) {
      if (m[3]) {
        const iso = `${m[3]}-${String(mo).padStart(2, '0')}-${m[2].padStart(2, '0')}T${m[4]}:${m[5]}:${m[6]}.${String(ms).padStart(3, '0')}`;
        time = tryParseIso(iso, opts.timeZone);
      } else {
        time = syslogTimeFromParts(mo, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), ms, opts);
      }
    }
    if (time === undefined) {
      return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `bad syslog timestamp ${JSON.stringify(m[0].trim())}`, { ...loc, column: pos + 1 }) };
    }
    pos = BSD_TS.lastIndex;
  } else {
    ISO_TS.lastIndex = pos;
    m = ISO_TS.exec(text);
    if (m) {
      time = tryParseIso(m[1], opts.timeZone);
      if (time === undefined) {
        return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `bad RFC 3339 timestamp ${JSON.stringify(m[1].slice(0, 40))}`, { ...loc, column: pos + 1 }) };
      }
      pos = ISO_TS.lastIndex;
    }
  }
  const f: Fields = {};
  applyPri(pri, f);
  if (time === undefined) {
    if (opts.lenient) {
      return finish(f, undefined, undefined, text.slice(start), opts.receivedAt ?? opts.referenceTime, text, opts);
    }
    return { ok: false, error: headerError('not a syslog line: expected a timestamp such as "Dec 10 06:55:46" or RFC 3339', loc, start + 1) };
  }
  // HOSTNAME, unless the next token is already the tag.
  let program: string | undefined, pamModule: string | undefined;
  TAG.lastIndex = pos;
  let t = TAG.exec(text);
  if (!t) {
    const sp = text.indexOf(' ', pos);
    const hostEnd = sp === -1 ? text.length : sp;
    if (hostEnd > pos) f.host = text.slice(pos, hostEnd);
    pos = sp === -1 ? text.length : sp + 1;
    while (text.charCodeAt(pos) === 32) pos++;
    TAG.lastIndex = pos;
    t = TAG.exec(text);
  }
  // else: "<13>Oct 11 22:14:15 su[123]: …" has no hostname field (a hostname never ends in ":").
  if (t) {
    program = t[1];
    if (t[2]) pamModule = t[2];
    if (t[3]) f.pid = pidValue(t[3]);
    pos = TAG.lastIndex;
  } else {
    TAG_WITH_VERSION.lastIndex = pos;
    const v = TAG_WITH_VERSION.exec(text);
    if (v) {
      program = v[1];
      f.program_version = v[2];
      pos = TAG_WITH_VERSION.lastIndex;
    }
  }
  let msg = text.slice(pos);
  if (!program && msg.startsWith('-- ')) {
    // util-linux login of old logs its ident as "-- <user>": "-- root[2421]: ROOT LOGIN ON tty2"
    const lm = /^-- ([^\s[\]]{1,64})\[(\d{1,10})\]: ?/.exec(msg);
    if (lm) { program = 'login'; f.login_ident = lm[1]; f.pid = Number(lm[2]); msg = msg.slice(lm[0].length); }
  }
  if (program) f.program = program;
  if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
  // Blanks around the message are padding in these files, not content.
  if (msg.charCodeAt(0) === 32) msg = msg.trimStart();
  if (msg.length > 0 && msg.charCodeAt(msg.length - 1) === 32) msg = msg.trimEnd();
  return finish(f, program, pamModule, msg, time, text, opts);
}

function parse5424(text: string, versionAt: number, sp: number, pri: number, opts: SyslogParseOptions, loc: Location): ParseResult {
  const version = Number(text.slice(versionAt, sp));
  if (version !== 1) return { ok: false, error: headerError(`unsupported syslog version ${version}`, loc, versionAt + 1) };
  let pos = sp + 1;
  const fields: string[] = [];
  for (let i = 0; i < 5; i++) {
    const next = text.indexOf(' ', pos);
    if (next === -1) {
      return { ok: false, error: headerError('RFC 5424 header ends early: expected TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA', loc, pos + 1) };
    }
    fields.push(text.slice(pos, next));
    pos = next + 1;
  }
  const [ts, hostname, app, procid, msgid] = fields;
  let time: number | undefined;
  if (ts === '-') {
    if (!opts.lenient) return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', 'RFC 5424 message has no timestamp (NILVALUE)', { ...loc, column: sp + 2 }) };
    time = opts.receivedAt ?? opts.referenceTime;
  } else {
    time = tryParseIso(ts);
    if (time === undefined || !/[Zz]|[+-]\d{2}:\d{2}$/.test(ts)) {
      return { ok: false, error: new ClaimGuardError('INGEST_BAD_TIME', `bad RFC 5424 timestamp ${JSON.stringify(ts.slice(0, 40))}`, { ...loc, column: sp + 2 }) };
    }
  }
  const f: Fields = {};
  applyPri(pri, f);
  if (hostname !== '-') f.host = hostname;
  if (app !== '-') f.program = app;
  if (procid !== '-') f.pid = pidValue(procid);
  if (msgid !== '-') f.msgid = msgid;
  // STRUCTURED-DATA
  if (text.charCodeAt(pos) === 45 /* - */) {
    pos++;
  } else if (text.charCodeAt(pos) === 91 /* [ */) {
    const sd: Record<string, Record<string, string>> = {};
    while (text.charCodeAt(pos) === 91) {
      const r = parseSdElement(text, pos + 1);
      if (typeof r === 'string') return { ok: false, error: headerError(`bad RFC 5424 structured data: ${r}`, loc, pos + 1) };
      setKey(sd, r.id, r.params);
      pos = r.end;
    }
    f.structured_data = sd;
  } else {
    return { ok: false, error: headerError('RFC 5424 STRUCTURED-DATA must be "-" or start with "["', loc, pos + 1) };
  }
  let msg = '';
  if (pos < text.length) {
    if (text.charCodeAt(pos) !== 32) return { ok: false, error: headerError('expected a space before MSG', loc, pos + 1) };
    msg = text.slice(pos + 1);
    if (msg.charCodeAt(0) === 0xfeff) msg = msg.slice(1);
  }
  return finish(f, f.program as string | undefined, undefined, msg, time, text, opts);
}

const SD_NAME = /[^= \]"]{1,32}/y;

/** One SD-ELEMENT starting after "[" at `pos`; returns its end (after "]") or an error reason. */
function parseSdElement(text: string, start: number): { id: string; params: Record<string, string>; end: number } | string {
  SD_NAME.lastIndex = start;
  const idm = SD_NAME.exec(text);
  if (!idm) return 'missing SD-ID';
  const id = idm[0];
  let pos = SD_NAME.lastIndex;
  const params: Record<string, string> = {};
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c === 93 /* ] */) return { id, params, end: pos + 1 };
    if (c !== 32) return `unexpected ${Number.isNaN(c) ? 'end of line' : JSON.stringify(text[pos])} in element "${id}"`;
    pos++;
    SD_NAME.lastIndex = pos;
    const nm = SD_NAME.exec(text);
    if (!nm) return `missing PARAM-NAME in element "${id}"`;
    pos = SD_NAME.lastIndex;
    if (text.charCodeAt(pos) !== 61 || text.charCodeAt(pos + 1) !== 34) return `expected ="…" after "${nm[0]}"`;
    pos += 2;
    let value = '';
    let segStart = pos;
    for (;;) {
      if (pos >= text.length) return `unterminated value of "${nm[0]}"`;
      const ch = text.charCodeAt(pos);
      if (ch === 92 /* \ */) {
        const nx = text.charCodeAt(pos + 1);
        if (nx === 34 || nx === 92 || nx === 93) {
          value += text.slice(segStart, pos) + text[pos + 1];
          pos += 2;
          segStart = pos;
          continue;
        }
        pos++;
        continue;
      }
      if (ch === 34) break;
      pos++;
    }
    value += text.slice(segStart, pos);
    setKey(params, nm[0], value);
    pos++;
  }
}

// ---------------------------------------------------------------------------------------------

const SNIFF_3164 = /^(?:<\d{1,3}>)?(?:[A-Z][a-z]{2} {1,2}\d{1,2} (?:\d{4} )?\d{2}:\d{2}:\d{2}|\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\S*) \S+/;
const SNIFF_5424 = /^<\d{1,3}>1 (?:\d{4}-\d{2}-\d{2}T\S+|-) \S+ \S+ \S+ \S+ (?:-|\[)/;

export function sniffSyslog(head: Uint8Array): boolean {
  const cut = head.length > 8192;
  const text = new TextDecoder().decode(head.subarray(0, 8192)).replace(/^\uFEFF/, '');
  const lines = text.split('\n');
  if (cut && lines.length > 1) lines.pop(); // the last line may be cut short
  const candidates = lines.slice(0, 8).map((l) => l.replace(/\r$/, '')).filter((l) => l.trim() !== '');
  if (candidates.length === 0) return false;
  // The first line must be syslog, and at least half of the first few (a stray line is a located error later).
  const isSyslog = (l: string): boolean => SNIFF_5424.test(l) || SNIFF_3164.test(l);
  if (!isSyslog(candidates[0])) return false;
  return candidates.filter(isSyslog).length * 2 >= candidates.length;
}

async function* readSyslogBatches(input: ByteSource, opts: ReadOptions): AsyncGenerator<ParseResult[]> {
  const popts: SyslogParseOptions = {
    referenceTime: opts.referenceTime ?? Date.now(),
    ...(opts.timeZone ? { timeZone: opts.timeZone } : {}),
    keepRaw: opts.keepRaw ?? false,
  };
  yield* lineRecordBatches(input, opts, (text, loc) => parseSyslogLine(text, popts, loc));
}

export const syslogReader: FormatReader = {
  name: 'syslog',
  sniff: (head) => sniffSyslog(head),
  read: (input, opts) => flattenBatches(readSyslogBatches(input, opts)),
  readBatches: readSyslogBatches,
};
