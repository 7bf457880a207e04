// Calendar for the demo company in Austin, Texas: US Central time (with daylight saving), the
// company's holidays (office closed) and the Federal Reserve holidays (no ACH settlement, so payers
// send no ERAs). Pure arithmetic, no time-zone database needed, so output is the same everywhere.

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

/** The n-th (1-based) weekday `dow` (0 = Sunday) of a month, as a UTC midnight epoch. */
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  const first = Date.UTC(year, month, 1);
  const shift = (dow - new Date(first).getUTCDay() + 7) % 7;
  return first + (shift + (n - 1) * 7) * DAY_MS;
}

function lastWeekday(year: number, month: number, dow: number): number {
  const last = Date.UTC(year, month + 1, 0);
  const shift = (new Date(last).getUTCDay() - dow + 7) % 7;
  return last - shift * DAY_MS;
}

/**
 * UTC offset of America/Chicago in hours at a UTC instant: -5 (CDT) from the second Sunday of March
 * 02:00 local to the first Sunday of November 02:00 local, else -6 (CST).
 */
export function centralOffsetHours(utcMs: number): number {
  const year = new Date(utcMs).getUTCFullYear();
  const dstStart = nthWeekday(year, 2, 0, 2) + 8 * HOUR_MS; // 02:00 CST = 08:00 UTC
  const dstEnd = nthWeekday(year, 10, 0, 1) + 7 * HOUR_MS; // 02:00 CDT = 07:00 UTC
  return utcMs >= dstStart && utcMs < dstEnd ? -5 : -6;
}

/** UTC instant of a Central wall-clock time on the civil day `dayUtc` (UTC midnight of that date). */
export function centralToUtc(dayUtc: number, hour: number): number {
  const guess = dayUtc + hour * HOUR_MS + 6 * HOUR_MS;
  const offset = centralOffsetHours(guess);
  return dayUtc + hour * HOUR_MS - offset * HOUR_MS;
}

/** Central wall-clock hour (0–24, fractional) of a UTC instant. */
export function centralHour(utcMs: number): number {
  const local = utcMs + centralOffsetHours(utcMs) * HOUR_MS;
  return (local % DAY_MS) / HOUR_MS;
}

export interface Holiday {
  date: string;
  name: string;
  /** Office closed. */
  office: boolean;
  /** Federal Reserve closed: no ACH settlement, no ERAs. */
  bank: boolean;
}

function iso(d: number): string {
  return new Date(d).toISOString().slice(0, 10);
}

/** Company and bank holidays of a year (observed dates: Saturday → Friday, Sunday → Monday for the office). */
export function holidays(year: number): Holiday[] {
  const fixed = (m: number, d: number): number => {
    const t = Date.UTC(year, m, d);
    const dow = new Date(t).getUTCDay();
    return dow === 6 ? t - DAY_MS : dow === 0 ? t + DAY_MS : t;
  };
  const thanksgiving = nthWeekday(year, 10, 4, 4);
  const rows: [number, string, boolean, boolean][] = [
    [fixed(0, 1), "New Year's Day", true, true],
    [nthWeekday(year, 0, 1, 3), 'Martin Luther King Jr. Day', false, true],
    [nthWeekday(year, 1, 1, 3), "Presidents' Day", false, true],
    [lastWeekday(year, 4, 1), 'Memorial Day', true, true],
    [fixed(5, 19), 'Juneteenth (Emancipation Day in Texas)', false, true],
    [fixed(6, 4), 'Independence Day', true, true],
    [nthWeekday(year, 8, 1, 1), 'Labor Day', true, true],
    [nthWeekday(year, 9, 1, 2), 'Columbus Day', false, true],
    [Date.UTC(year, 10, 11), 'Veterans Day', false, true],
    [thanksgiving, 'Thanksgiving Day', true, true],
    [thanksgiving + DAY_MS, 'Day after Thanksgiving', true, false],
    [fixed(11, 24), 'Christmas Eve', true, false],
    [fixed(11, 25), 'Christmas Day', true, true],
  ];
  return rows.map(([d, name, office, bank]) => ({ date: iso(d), name, office, bank }));
}

export interface DayInfo {
  /** UTC midnight of the civil date. */
  day: number;
  date: string;
  /** 0 = Sunday. */
  dow: number;
  weekend: boolean;
  holiday?: Holiday;
  officeOpen: boolean;
  bankOpen: boolean;
}

export function dayInfo(day: number): DayInfo {
  const date = iso(day);
  const dow = new Date(day).getUTCDay();
  const weekend = dow === 0 || dow === 6;
  const holiday = holidays(new Date(day).getUTCFullYear()).find((h) => h.date === date);
  return {
    day, date, dow, weekend,
    ...(holiday ? { holiday } : {}),
    officeOpen: !weekend && !(holiday?.office ?? false),
    bankOpen: !weekend && !(holiday?.bank ?? false),
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => String(n).padStart(2, '0');

/** RFC 3164 timestamp "Nov  5 06:02:11" (UTC wall clock, no year). */
export function rfc3164Time(ms: number): string {
  const d = new Date(ms);
  return `${MONTHS[d.getUTCMonth()]} ${String(d.getUTCDate()).padStart(2, ' ')} ${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
}

/** ISO 8601 in Central time with its offset, e.g. 2026-11-18T21:34:10-06:00. */
export function centralIso(ms: number): string {
  const off = centralOffsetHours(ms);
  const d = new Date(ms + off * HOUR_MS);
  return `${d.toISOString().slice(0, 19)}${off < 0 ? '-' : '+'}${p2(Math.abs(off))}:00`;
}

/** ISO 8601 UTC with microseconds, as evtx_dump writes SystemTime. */
export function evtxTime(ms: number, micro: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(Math.floor(ms % 1000) * 1000 + micro).padStart(6, '0')}Z`;
}

/** X12 date CCYYMMDD and time HHMM (Central wall clock, as submitters use). */
export function x12Date(ms: number): string {
  const d = new Date(ms + centralOffsetHours(ms) * HOUR_MS);
  return `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}`;
}

export function x12Time(ms: number): string {
  const d = new Date(ms + centralOffsetHours(ms) * HOUR_MS);
  return `${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}`;
}
