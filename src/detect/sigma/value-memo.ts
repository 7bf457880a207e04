// A bounded cache from a field's raw value to what the router found in it. Event logs repeat the
// same images, command lines, users and hosts, and a hit costs one hash lookup instead of folding
// and scanning the value. Bounds, because every key is attacker-controlled event text:
//   - two generations per memo (the older dropped when the newer fills: LRU-like, no bookkeeping);
//   - a character budget shared by every memo of a router (the memo keeps event strings alive),
//     over which an inserting memo drops its older generation;
//   - values longer than MEMO_MAX_LEN are never kept (they rarely repeat exactly).
// It steps aside where values do not repeat (unique ids, timestamps): a miss costs a hash and an
// insert on top of the scan, so after a window of mostly misses it is emptied and bypassed a while.

/** Values per generation. */
const MEMO_CAP = 4096;
const MEMO_MAX_LEN = 1024;
/** Lookups per hit-rate window, and lookups bypassed after a window with under half hits. */
const MEMO_WINDOW = 4096;
const MEMO_BYPASS = 65536;

/** What one entry costs beyond its characters (map slot, string header, value), in the same units. */
const ENTRY_COST = 48;

/** Characters (plus ENTRY_COST per entry) retained by all memos sharing it, and the most they may retain. */
export interface MemoBudget { chars: number; readonly max: number }

/** The default budget, ~16 MB of retained text and entries. */
export function memoBudget(maxChars = 16 * 1024 * 1024): MemoBudget {
  return { chars: 0, max: maxChars };
}

export class ValueMemo<V> {
  private young = new Map<string, V>();
  private old = new Map<string, V>();
  private youngChars = 0;
  private oldChars = 0;
  private lookups = 0;
  private hits = 0;
  private bypass = 0;
  /** Since creation: lookups asked, answered, and passed by while bypassed (for statistics). */
  totalLookups = 0;
  totalHits = 0;
  totalBypassed = 0;
  private readonly budget: MemoBudget;

  constructor(budget: MemoBudget = memoBudget()) {
    this.budget = budget;
  }

  get(raw: string): V | undefined {
    this.totalLookups++;
    if (this.bypass > 0) { this.bypass--; this.totalBypassed++; return undefined; }
    if (++this.lookups === MEMO_WINDOW) {
      const useful = this.hits * 2 >= this.lookups;
      this.lookups = this.hits = 0;
      if (!useful) {
        this.bypass = MEMO_BYPASS;
        this.dropOld();
        this.budget.chars -= this.youngChars;
        this.young = new Map();
        this.youngChars = 0;
        return undefined;
      }
    }
    let hit = this.young.get(raw);
    if (hit === undefined) {
      hit = this.old.get(raw);
      if (hit === undefined) return undefined;
      // Promoted: charged again to the young generation (the old one's charge goes when it is dropped).
      this.set(raw, hit, raw.length);
    }
    this.hits++;
    this.totalHits++;
    return hit;
  }

  /** Remember value for raw; `extraChars`: other text the value keeps alive (charged to the budget). */
  set(raw: string, value: V, extraChars = 0): void {
    if (this.bypass > 0 || raw.length > MEMO_MAX_LEN) return;
    const cost = raw.length + extraChars + ENTRY_COST;
    if (this.young.size >= MEMO_CAP || this.budget.chars + cost > this.budget.max) {
      this.dropOld();
      this.old = this.young;
      this.oldChars = this.youngChars;
      this.young = new Map();
      this.youngChars = 0;
      if (this.budget.chars + cost > this.budget.max) return;
    }
    this.young.set(raw, value);
    this.youngChars += cost;
    this.budget.chars += cost;
  }

  private dropOld(): void {
    this.budget.chars -= this.oldChars;
    this.old = new Map();
    this.oldChars = 0;
  }
}
