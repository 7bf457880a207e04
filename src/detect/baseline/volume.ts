// Per-entity volume baselines: "how many (weighted) actions did this entity do in the last W minutes,
// and is that far above what it, or its peer group, usually peaks at in a day?"
//
// Memory is bounded: the sliding window is kept as SUB_BUCKETS time buckets (so the window edge is
// accurate to W/SUB_BUCKETS), history as one peak per active day for `historyDays`, and the entity
// table is capped (least recently seen entities are evicted first). Time is always the event's time.
import { EntityCap } from './entity-cap.ts';

export const SUB_BUCKETS = 60;
export const DAY_MS = 86_400_000;

export interface VolumeConfig {
  /** Sliding window length, ms. */
  windowMs: number;
  /** Days of daily peaks kept per entity (and per peer group). */
  historyDays: number;
  /** An entity needs this many active days of history before its own baseline is used. */
  minHistoryDays: number;
  /** Threshold = max(minCount, factor × p90 of the historical daily peaks). */
  factor: number;
  /** Never alert below this many actions in one window. */
  minCount: number;
  /** Threshold when neither the entity nor its peer group has history yet. */
  coldStartCount: number;
  /** Cap on tracked entities; least recently seen are evicted. */
  maxEntities: number;
}

export const DEFAULT_VOLUME_CONFIG: VolumeConfig = {
  windowMs: 60 * 60_000, historyDays: 30, minHistoryDays: 5, factor: 3, minCount: 25, coldStartCount: 150, maxEntities: 50_000,
};

interface EntityVolume {
  /** Sub-bucket index → weight, only buckets inside the current window. */
  buckets: Record<string, number>;
  /** Day number (epoch days) → highest window total reached that day. */
  peaks: Record<string, number>;
  lastSeen: number;
}

export interface VolumeState {
  version: 1;
  entities: Record<string, EntityVolume>;
  /** Peer group → day → member → that member's learned peak (bounded by historyDays). */
  groups: Record<string, { days: Record<string, Record<string, number>> }>;
}

export interface VolumeObservation {
  /** Weighted total in the window ending at this event. */
  count: number;
  /** Count before this event was added. */
  previous: number;
  /** The threshold used and where it came from. */
  threshold: number;
  basis: 'self' | 'peer' | 'cold-start';
  /** Typical daily peak (p90) of the basis, 0 for cold start. */
  typical: number;
  /** Number of history days behind the basis. */
  historyDays: number;
  /** count ≥ threshold. */
  exceeded: boolean;
  /** This event took the window from below the threshold to at or above it. */
  crossed: boolean;
}

type ThresholdResult = { threshold: number; basis: VolumeObservation['basis']; typical: number; historyDays: number };

export function newVolumeState(): VolumeState {
  return { version: 1, entities: {}, groups: {} };
}

function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const s = values.slice().sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx];
}

export class VolumeBaseline {
  readonly config: VolumeConfig;
  private readonly s: VolumeState;
  private readonly bucketMs: number;

  constructor(config: Partial<VolumeConfig> = {}, state?: VolumeState) {
    this.config = { ...DEFAULT_VOLUME_CONFIG, ...config };
    this.s = state ?? newVolumeState();
    this.bucketMs = Math.max(1, Math.floor(this.config.windowMs / SUB_BUCKETS));
  }

  state(): VolumeState { return this.s; }

  /** Current window total for an entity at `time` (without adding anything). */
  current(entity: string, time: number): number {
    const e = this.s.entities[entity];
    return e ? this.windowTotal(e, Math.floor(time / this.bucketMs)) : 0;
  }

  /**
   * Adds `weight` actions for `entity` at `time` and compares the window total with the baseline.
   * `group` is the peer group (role) whose history stands in while the entity has too little.
   */
  observe(entity: string, time: number, weight = 1, group?: string): VolumeObservation {
    let e = this.s.entities[entity];
    if (!e) {
      this.cap.makeRoom(this.s.entities);
      e = { buckets: {}, peaks: {}, lastSeen: time };
      this.s.entities[entity] = e;
    }
    const idx = Math.floor(time / this.bucketMs);
    const previous = this.windowTotal(e, idx);
    e.buckets[idx] = (e.buckets[idx] ?? 0) + weight;
    const count = previous + weight;
    e.lastSeen = Math.max(e.lastSeen, time);
    const day = Math.floor(time / DAY_MS);

    const { threshold, basis, typical, historyDays } = this.threshold(e, day, group);
    // Learn the day's peak, but never from the part of a spike above the threshold.
    const learned = Math.min(count, threshold);
    if ((e.peaks[day] ?? 0) < learned) e.peaks[day] = learned;
    this.prunePeaks(e.peaks, day);
    if (group !== undefined) this.learnGroup(group, entity, day, learned);
    return { count, previous, threshold, basis, typical, historyDays, exceeded: count >= threshold, crossed: previous < threshold && count >= threshold };
  }

  /** Thresholds depend only on days before today, so they are computed once per entity, group and day. */
  private readonly thresholdCache = new Map<string, ThresholdResult>();

  private threshold(e: EntityVolume, today: number, group: string | undefined): ThresholdResult {
    const key = `${today}\u0000${group ?? ''}\u0000${this.entityKey(e)}`;
    const hit = this.thresholdCache.get(key);
    if (hit) return hit;
    const r = this.computeThreshold(e, today, group);
    if (this.thresholdCache.size > 50_000) this.thresholdCache.clear();
    this.thresholdCache.set(key, r);
    return r;
  }

  private readonly entityKeys = new WeakMap<EntityVolume, string>();
  private entityCounter = 0;
  private entityKey(e: EntityVolume): string {
    let k = this.entityKeys.get(e);
    if (k === undefined) { k = String(++this.entityCounter); this.entityKeys.set(e, k); }
    return k;
  }

  private computeThreshold(e: EntityVolume, today: number, group: string | undefined): ThresholdResult {
    const c = this.config;
    const own = Object.entries(e.peaks).filter(([d]) => Number(d) < today).map(([, v]) => v);
    if (own.length >= c.minHistoryDays) {
      const typical = percentile(own, 90);
      return { threshold: Math.max(c.minCount, Math.ceil(c.factor * typical)), basis: 'self', typical, historyDays: own.length };
    }
    if (group !== undefined) {
      const g = this.s.groups[group];
      if (g) {
        const vals: number[] = [];
        for (const [d, members] of Object.entries(g.days)) if (Number(d) < today) vals.push(...Object.values(members));
        if (vals.length >= c.minHistoryDays) {
          const typical = percentile(vals, 90);
          return { threshold: Math.max(c.minCount, Math.ceil(c.factor * typical)), basis: 'peer', typical, historyDays: Object.keys(g.days).length };
        }
      }
    }
    return { threshold: Math.max(c.minCount, c.coldStartCount), basis: 'cold-start', typical: 0, historyDays: own.length };
  }

  private learnGroup(group: string, entity: string, day: number, value: number): void {
    let g = this.s.groups[group];
    if (!g) { g = { days: {} }; this.s.groups[group] = g; }
    const members = (g.days[day] ??= {});
    if ((members[entity] ?? 0) < value) members[entity] = value;
    this.prunePeaks(g.days, day);
  }

  private windowTotal(e: EntityVolume, idx: number): number {
    let total = 0;
    for (const k of Object.keys(e.buckets)) {
      const i = Number(k);
      if (i <= idx - SUB_BUCKETS) delete e.buckets[k];
      else if (i <= idx) total += e.buckets[k];
    }
    return total;
  }

  private prunePeaks(peaks: Record<string, unknown>, today: number): void {
    const keys = Object.keys(peaks);
    if (keys.length <= this.config.historyDays + 1) return;
    for (const k of keys) if (Number(k) < today - this.config.historyDays) delete peaks[k];
  }

  private readonly cap = new EntityCap<EntityVolume>(() => this.config.maxEntities, (e) => e.lastSeen);

}
