// Working-hours schedules and per-entity hour-of-day habits, in the organisation's time zone.
// "Outside working hours" alone is noisy (night shifts, month-end close), so detectors combine the
// schedule with the entity's own habit: unusual = outside the schedule AND rare for this entity.
import { EntityCap } from './entity-cap.ts';

export interface LocalTime {
  /** 0 = Sunday … 6 = Saturday. */
  weekday: number;
  hour: number;
  minute: number;
  /** YYYY-MM-DD in the zone. */
  date: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };

/** Wall-clock parts of `time` in IANA zone `timeZone` (throws RangeError on an unknown zone). */
/** Per zone: UTC hour index → offset (ms) of local time from UTC during that hour. */
const hourOffsets = new Map<string, Map<number, number>>();

export function localTime(time: number, timeZone = 'UTC'): LocalTime {
  // Offsets change on whole UTC hours in practice (every US and EU transition does), so one Intl call
  // per zone and hour is enough; the parts then come from plain UTC arithmetic.
  const hour = Math.floor(time / 3_600_000);
  let zone = hourOffsets.get(timeZone);
  if (!zone) { zone = new Map(); hourOffsets.set(timeZone, zone); }
  let offset = zone.get(hour);
  if (offset === undefined) {
    const l = computeLocalTime(hour * 3_600_000, timeZone);
    const [y, mo, d] = l.date.split('-').map(Number);
    offset = Date.UTC(y, mo - 1, d, l.hour, l.minute) - hour * 3_600_000;
    if (zone.size > 20_000) zone.clear();
    zone.set(hour, offset);
  }
  const t = new Date(time + offset);
  const date = `${t.getUTCFullYear()}-${String(t.getUTCMonth() + 1).padStart(2, '0')}-${String(t.getUTCDate()).padStart(2, '0')}`;
  return { weekday: t.getUTCDay(), hour: t.getUTCHours(), minute: t.getUTCMinutes(), date };
}

function computeLocalTime(time: number, timeZone: string): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', weekday: 'short', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    formatters.set(timeZone, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(new Date(time))) parts[p.type] = p.value;
  return {
    weekday: WEEKDAYS[parts.weekday] ?? 0,
    hour: Number(parts.hour) % 24,
    minute: Number(parts.minute),
    date: `${parts.year}-${parts.month}-${parts.day}`,
  };
}

/** Throws RangeError for a zone the runtime does not know; call at configuration time. */
export function checkTimeZone(tz: string): void {
  new Intl.DateTimeFormat('en-US', { timeZone: tz });
}

export interface WorkSchedule {
  /** Working weekdays, 0 = Sunday. */
  days: number[];
  /** First working hour (inclusive), 0–23. */
  start: number;
  /** End hour (exclusive), 1–24. A start after end means an overnight shift (e.g. 22 → 6). */
  end: number;
  /** Local dates (YYYY-MM-DD) that are not working days. */
  holidays?: string[];
}

export const DEFAULT_SCHEDULE: WorkSchedule = { days: [1, 2, 3, 4, 5], start: 7, end: 19 };

/** Is local time `t` inside the schedule? */
export function inSchedule(s: WorkSchedule, t: LocalTime): boolean {
  if (s.holidays?.includes(t.date)) return false;
  if (s.start <= s.end) return s.days.includes(t.weekday) && t.hour >= s.start && t.hour < s.end;
  // Overnight: the part after midnight belongs to the previous day's shift.
  if (t.hour >= s.start) return s.days.includes(t.weekday);
  if (t.hour < s.end) return s.days.includes((t.weekday + 6) % 7);
  return false;
}

/**
 * How far outside the schedule local time `t` is, in whole hours: 0 inside, 1 for the hour just
 * before the start or just after the end, …; Infinity on a non-working day or holiday.
 */
export function hoursOutside(s: WorkSchedule, t: LocalTime): number {
  if (inSchedule(s, t)) return 0;
  if (s.holidays?.includes(t.date)) return Infinity;
  if (s.start <= s.end) {
    if (!s.days.includes(t.weekday)) return Infinity;
    return t.hour < s.start ? s.start - t.hour : t.hour - s.end + 1;
  }
  // Overnight shift: the gap is between `end` and `start` on the same local day.
  const shiftDay = s.days.includes(t.weekday) || s.days.includes((t.weekday + 6) % 7);
  if (!shiftDay) return Infinity;
  return Math.min(t.hour - s.end + 1, s.start - t.hour);
}

export interface HoursConfig {
  /** Entities need this many observations before their habit counts. */
  minEvents: number;
  /** An hour (±1 neighbour) holding less than this share of the entity's activity is rare. */
  rareShare: number;
  maxEntities: number;
}

export const DEFAULT_HOURS_CONFIG: HoursConfig = { minEvents: 200, rareShare: 0.02, maxEntities: 50_000 };

export interface HoursState {
  version: 1;
  /** entity → 24 hour-of-day counts (local time) and last seen. */
  entities: Record<string, { hours: number[]; total: number; lastSeen: number }>;
}

export interface HoursObservation {
  local: LocalTime;
  /** Share of the entity's past activity in this hour and its two neighbours. */
  share: number;
  /** Past observations behind `share`. */
  total: number;
  /** total ≥ minEvents and share < rareShare. */
  rare: boolean;
}

export class HoursBaseline {
  readonly config: HoursConfig;
  readonly timeZone: string;
  private readonly s: HoursState;
  constructor(timeZone = 'UTC', config: Partial<HoursConfig> = {}, state?: HoursState) {
    checkTimeZone(timeZone);
    this.timeZone = timeZone;
    this.config = { ...DEFAULT_HOURS_CONFIG, ...config };
    this.s = state ?? { version: 1, entities: {} };
  }

  state(): HoursState { return this.s; }

  /** Scores the event's hour against the entity's past, then learns it. */
  observe(entity: string, time: number): HoursObservation {
    const local = localTime(time, this.timeZone);
    let e = this.s.entities[entity];
    if (!e) {
      this.cap.makeRoom(this.s.entities);
      e = { hours: new Array<number>(24).fill(0), total: 0, lastSeen: time };
      this.s.entities[entity] = e;
    }
    const h = local.hour;
    const near = e.hours[h] + e.hours[(h + 1) % 24] + e.hours[(h + 23) % 24];
    const share = e.total ? near / e.total : 0;
    const total = e.total;
    e.hours[h]++;
    e.total++;
    e.lastSeen = Math.max(e.lastSeen, time);
    return { local, share, total, rare: total >= this.config.minEvents && share < this.config.rareShare };
  }

  private readonly cap = new EntityCap<HoursState['entities'][string]>(() => this.config.maxEntities, (e) => e.lastSeen);

}
