// Time parsing for ingestion: RFC 3339 / ISO 8601 timestamps, syslog (RFC 3164) timestamps without a
// year, zone-less timestamps in an IANA time zone, and epoch numbers. Everything returns epoch
// milliseconds (UTC). Functions named `try…` return undefined on bad input (cheap on the hot path);
// the others throw ClaimGuardError INGEST_BAD_TIME with the caller's location.
//
// Year inference for RFC 3164 ("Dec 10 06:55:46" has no year): take the year of the reference time
// (the time the file is read, unless the caller passes another) in the target time zone; if that
// puts the timestamp more than FUTURE_TOLERANCE_MS (31 days) after the reference, use the previous
// year. So December logs read in January land in the December just past, while a clock a few days
// fast still stays in the current year.
import { ClaimGuardError, type Location } from './errors.ts';

export const FUTURE_TOLERANCE_MS = 31 * 24 * 3600 * 1000;

export const MONTHS: Record<string, number> = {
  jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12,
};

const DAYS_IN_MONTH = [0, 31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function badTime(value: string, why: string, loc?: Location): ClaimGuardError {
  const shown = value.length > 64 ? value.slice(0, 61) + '...' : value;
  return new ClaimGuardError('INGEST_BAD_TIME', `bad timestamp ${JSON.stringify(shown)}: ${why}`, loc);
}

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (mo < 1 || mo > 12 || d < 1 || d > DAYS_IN_MONTH[mo]) return false;
  if (mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0))) return false;
  // 60 allows a leap second (folded onto :59 below, as JavaScript time has none).
  return h <= 23 && mi <= 59 && s <= 60;
}

// ---------------------------------------------------------------------------------------------
// IANA time zones

const zoneFormatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = zoneFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric',
      hour: 'numeric', minute: 'numeric', second: 'numeric',
    });
    zoneFormatters.set(timeZone, f);
  }
  return f;
}

/** True when `timeZone` is an IANA zone name (or "UTC") that this runtime knows. */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatterFor(timeZone);
    return true;
  } catch {
    return false;
  }
}

function isUtc(timeZone: string | undefined): boolean {
  return timeZone === undefined || timeZone === 'UTC' || timeZone === 'Etc/UTC' || timeZone === 'Z' || timeZone === 'GMT';
}

// Offsets only change on whole minutes; cache them per 15-minute bucket of UTC time (bounded).
const offsetCache = new Map<string, number>();
const OFFSET_CACHE_MAX = 4096;

/** Offset of `timeZone` from UTC at instant `utcMs`, in milliseconds (e.g. +3600000 for CET in winter). */
export function zoneOffsetMs(timeZone: string, utcMs: number): number {
  if (isUtc(timeZone)) return 0;
  const bucket = Math.floor(utcMs / 900_000);
  const key = timeZone + '@' + bucket;
  const hit = offsetCache.get(key);
  if (hit !== undefined) return hit;
  const at = bucket * 900_000;
  const parts = formatterFor(timeZone).formatToParts(new Date(at));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const off = asUtc - at;
  if (offsetCache.size >= OFFSET_CACHE_MAX) offsetCache.clear();
  offsetCache.set(key, off);
  return off;
}

/**
 * Epoch ms of a wall-clock time in `timeZone`. For a time that occurs twice (DST fall-back) the
 * earlier instant is chosen; for a time that does not exist (spring-forward gap) the instant one
 * offset-change later, like most syslog daemons would have meant.
 */
export function wallClockToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, timeZone?: string): number {
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  // Date.UTC maps years 0–99 to 1900–1999; fix that up.
  const t = y >= 0 && y < 100 ? new Date(wall).setUTCFullYear(y) : wall;
  if (isUtc(timeZone)) return t;
  const tz = timeZone as string;
  // UTC = wall - offset, and offsets lie within [-12h, +14h], so the instant is in [t-14h, t+12h].
  // Assuming at most one transition in that span, the candidates use the offsets at its two ends.
  const oA = zoneOffsetMs(tz, t - 14 * 3600_000);
  const oB = zoneOffsetMs(tz, t + 12 * 3600_000);
  const a = t - oA, b = t - oB;
  const aOk = zoneOffsetMs(tz, a) === oA, bOk = zoneOffsetMs(tz, b) === oB;
  if (aOk && bOk) return Math.min(a, b);
  if (aOk) return a;
  if (bOk) return b;
  return a; // in a spring-forward gap: read with the offset in force before the change
}

/** The calendar year of `utcMs` as seen in `timeZone`. */
export function yearIn(utcMs: number, timeZone?: string): number {
  return new Date(utcMs + (isUtc(timeZone) ? 0 : zoneOffsetMs(timeZone as string, utcMs))).getUTCFullYear();
}

// ---------------------------------------------------------------------------------------------
// RFC 3339 / ISO 8601

//                 year    -  month  -  day     T or space  hh  :  mm  : ss        .frac        zone
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*([Zz]|[+-]\d{2}(?::?\d{2})?|UTC|GMT)?)?$/;

/**
 * RFC 3339 and the common ISO 8601 variants seen in logs: "T" or space, optional seconds and
 * fraction (up to nanoseconds, truncated to ms), "Z", "+hh:mm", "+hhmm", "+hh", "UTC". A timestamp
 * without an offset is read in `timeZone` (default UTC). Returns undefined when it is not one.
 */
export function tryParseIso(s: string, timeZone?: string): number | undefined {
  const m = ISO_RE.exec(s);
  if (!m) return undefined;
  const y = +m[1], mo = +m[2], d = +m[3];
  const h = m[4] ? +m[4] : 0, mi = m[5] ? +m[5] : 0;
  let sec = m[6] ? +m[6] : 0;
  if (!validDate(y, mo, d, h, mi, sec)) return undefined;
  if (sec === 60) sec = 59;
  const ms = m[7] ? Math.floor(+(m[7] + '00').slice(0, 3)) : 0;
  const zone = m[8];
  if (zone === undefined) return wallClockToUtc(y, mo, d, h, mi, sec, ms, timeZone);
  const base = wallClockToUtc(y, mo, d, h, mi, sec, ms);
  if (zone === 'Z' || zone === 'z' || zone === 'UTC' || zone === 'GMT') return base;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const oh = +digits.slice(0, 2), om = digits.length > 2 ? +digits.slice(2, 4) : 0;
  if (oh > 23 || om > 59) return undefined;
  return base - sign * (oh * 3600_000 + om * 60_000);
}

/** RFC 3339 / ISO 8601 (see tryParseIso); throws INGEST_BAD_TIME with `loc`. */
export function parseIso(s: string, loc?: Location, timeZone?: string): number {
  const t = tryParseIso(s, timeZone);
  if (t === undefined) throw badTime(s, 'expected an RFC 3339 timestamp such as 2024-05-01T13:45:00Z', loc);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Syslog RFC 3164

export interface SyslogTimeOptions {
  /** Reference instant (epoch ms) for year inference; default now. */
  referenceTime?: number;
  /** IANA zone the sender's clock was in; default UTC. */
  timeZone?: string;
}

const BSD_RE = /^([A-Za-z]{3}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6}))?$/;

/**
 * "Mmm dd hh:mm:ss" (day space-padded or not, optional fraction) with the documented year
 * inference (see the header of this file). Returns undefined when it is not one.
 */
export function tryParseSyslogTime(s: string, opts: SyslogTimeOptions = {}): number | undefined {
  const m = BSD_RE.exec(s);
  if (!m) return undefined;
  const mo = MONTHS[m[1].toLowerCase()];
  if (!mo) return undefined;
  return syslogTimeFromParts(mo, +m[2], +m[3], +m[4], +m[5], m[6] ? Math.floor(+(m[6] + '00').slice(0, 3)) : 0, opts);
}

/** The year-inferring core of tryParseSyslogTime, for parsers that already split the fields. */
export function syslogTimeFromParts(mo: number, d: number, h: number, mi: number, s: number, ms: number, opts: SyslogTimeOptions = {}): number | undefined {
  const ref = opts.referenceTime ?? Date.now();
  const y = yearIn(ref, opts.timeZone);
  // Feb 29 needs a leap year: walk back to the closest one not in the future.
  let year = y;
  if (!validDate(year, mo, d, h, mi, s)) {
    if (mo === 2 && d === 29) {
      year = y - 1;
      while (!validDate(year, mo, d, h, mi, s) && year > y - 8) year--;
      if (!validDate(year, mo, d, h, mi, s)) return undefined;
    } else {
      return undefined;
    }
  }
  const sec = s === 60 ? 59 : s;
  let t = wallClockToUtc(year, mo, d, h, mi, sec, ms, opts.timeZone);
  if (t - ref > FUTURE_TOLERANCE_MS) {
    let prev = year - 1;
    while (!validDate(prev, mo, d, h, mi, s) && prev > year - 8) prev--;
    t = wallClockToUtc(prev, mo, d, h, mi, sec, ms, opts.timeZone);
  }
  return t;
}

/** tryParseSyslogTime, throwing INGEST_BAD_TIME with `loc`. */
export function parseSyslogTime(s: string, opts: SyslogTimeOptions = {}, loc?: Location): number {
  const t = tryParseSyslogTime(s, opts);
  if (t === undefined) throw badTime(s, 'expected a syslog timestamp such as "Dec 10 06:55:46"', loc);
  return t;
}

// ---------------------------------------------------------------------------------------------
// Epoch numbers

/**
 * Epoch number → ms. Magnitude decides the unit: below 1e11 seconds (covers years up to 5138),
 * below 1e14 milliseconds, below 1e17 microseconds, else nanoseconds. Fractions are kept to the ms.
 */
export function epochToMs(n: number): number | undefined {
  if (!Number.isFinite(n) || n < 0) return undefined;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1000);
  if (n < 1e20) return Math.round(n / 1e6);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Anything a log might carry

const EPOCH_RE = /^\d{9,20}(?:\.\d+)?$/;
// US-style dates from billing applications: 05/01/2024 13:45[:00][.123] [AM|PM]
const US_RE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?\s*([AaPp][Mm])?)?$/;
// Apache/CLF: 10/Oct/2000:13:55:36 -0700
const CLF_RE = /^(\d{2})\/([A-Za-z]{3})\/(\d{4}):(\d{2}):(\d{2}):(\d{2}) ([+-]\d{4})$/;
// "Mmm dd yyyy hh:mm:ss" (CEF rt / Cisco style), optional zone name
const BSD_YEAR_RE = /^([A-Za-z]{3}) +(\d{1,2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(?: (UTC|GMT|Z))?$/;

export type TimeOptions = SyslogTimeOptions;

/**
 * Best-effort parse of a timestamp value found in a record: epoch numbers (seconds, ms, µs, ns),
 * RFC 3339 / ISO 8601, RFC 3164, "Mmm dd yyyy hh:mm:ss", US "MM/DD/YYYY hh:mm[:ss] [AM|PM]" and
 * CLF "dd/Mmm/yyyy:hh:mm:ss +zzzz". Zone-less forms are read in `opts.timeZone`.
 */
export function tryParseTime(value: unknown, opts: TimeOptions = {}): number | undefined {
  if (typeof value === 'number') return epochToMs(value);
  if (typeof value !== 'string') return undefined;
  const s = value.trim();
  if (s.length === 0 || s.length > 64) return undefined;
  const c = s.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (EPOCH_RE.test(s)) return epochToMs(Number(s));
    const iso = tryParseIso(s, opts.timeZone);
    if (iso !== undefined) return iso;
    let m = US_RE.exec(s);
    if (m) {
      const mo = +m[1], d = +m[2], y = +m[3];
      let h = m[4] ? +m[4] : 0;
      const mi = m[5] ? +m[5] : 0, sec = m[6] ? +m[6] : 0;
      if (m[8]) {
        if (h < 1 || h > 12) return undefined;
        const pm = m[8].toLowerCase() === 'pm';
        h = (h % 12) + (pm ? 12 : 0);
      }
      if (!validDate(y, mo, d, h, mi, sec)) return undefined;
      return wallClockToUtc(y, mo, d, h, mi, sec === 60 ? 59 : sec, m[7] ? +(m[7] + '00').slice(0, 3) : 0, opts.timeZone);
    }
    m = CLF_RE.exec(s);
    if (m) {
      const mo = MONTHS[m[2].toLowerCase()];
      if (!mo || !validDate(+m[3], mo, +m[1], +m[4], +m[5], +m[6])) return undefined;
      const base = wallClockToUtc(+m[3], mo, +m[1], +m[4], +m[5], Math.min(+m[6], 59), 0);
      const z = m[7], sign = z[0] === '-' ? -1 : 1;
      return base - sign * (+z.slice(1, 3) * 3600_000 + +z.slice(3, 5) * 60_000);
    }
    return undefined;
  }
  const bsd = tryParseSyslogTime(s, opts);
  if (bsd !== undefined) return bsd;
  const m = BSD_YEAR_RE.exec(s);
  if (m) {
    const mo = MONTHS[m[1].toLowerCase()];
    if (!mo || !validDate(+m[3], mo, +m[2], +m[4], +m[5], +m[6])) return undefined;
    const ms = m[7] ? +(m[7] + '00').slice(0, 3) : 0;
    return wallClockToUtc(+m[3], mo, +m[2], +m[4], +m[5], Math.min(+m[6], 59), ms, m[8] ? undefined : opts.timeZone);
  }
  return undefined;
}

/** tryParseTime, throwing INGEST_BAD_TIME with `loc`. */
export function parseTime(value: unknown, opts: TimeOptions = {}, loc?: Location): number {
  const t = tryParseTime(value, opts);
  if (t === undefined) throw badTime(typeof value === 'string' ? value : JSON.stringify(value) ?? String(value), 'not a recognised timestamp (RFC 3339, syslog, epoch, MM/DD/YYYY hh:mm:ss)', loc);
  return t;
}
