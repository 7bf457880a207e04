// One event as the matchers see it: field lookup (with the logsource's field renames), string forms
// and case-folded forms computed at most once per field per event, and the list of every string
// value for keyword searches.
//
// Number/string coercion (documented in docs/sigma.md): a number or boolean field value is compared
// through its decimal / `true`/`false` text, so rule `4688` matches event `4688` and `"4688"`; JSON
// null and an absent field never match a string, number or pattern (only `null` and `exists`).
// An array field matches when any of its scalar elements matches. A field name with dots reaches
// into nested objects when no field of that exact name exists. A field written without spaces
// (SourceName) finds an event field with them (Source Name), as in Windows Defender EventData.
import type { FieldValue, Fields } from '../../core/index.ts';

const NONE: unique symbol = Symbol('none');

/**
 * What is remembered about one string value of one field across events (the router's memo entry):
 * its folded form, and results of rule items that depend on that value alone: an item's id (from 1)
 * when it held, minus the id when it did not (compile.ts memoItemTest).
 */
export interface ValueNotes { readonly folded: string; results?: number[] }

export class EventView {
  fields: Fields;
  /** Sigma field name → event field name, for this event's logsource (e.g. Image → NewProcessName). */
  alias: Record<string, string> | undefined;
  private folds: Map<string, string | typeof NONE> | undefined;
  private keywordCache: { s: string[]; f: string[] } | undefined;
  private joinedCache: string | undefined;
  private squashed: Map<string, string> | null | undefined;

  constructor(fields: Fields, alias?: Record<string, string>) {
    this.fields = fields;
    this.alias = alias;
  }

  /** Point this view at another event, forgetting every cached form (one view serves a stream). */
  reset(fields: Fields, alias?: Record<string, string>): this {
    this.fields = fields;
    this.alias = alias;
    this.folds?.clear();
    this.primedCount = 0;
    this.keywordCache = undefined;
    this.joinedCache = undefined;
    this.squashed = undefined;
    return this;
  }

  /** The raw value: undefined when absent, null when present-but-null. */
  get(name: string): FieldValue | undefined {
    const f = this.fields;
    let v = f[name];
    if (v !== undefined || Object.hasOwn(f, name)) return v;
    const a = this.alias?.[name];
    if (a !== undefined) {
      v = f[a];
      if (v !== undefined) return v;
    }
    if (name.includes('.')) {
      const nested = lookupPath(f, name);
      if (nested !== undefined) return nested;
    }
    // Windows EventData names with spaces ("Source Name", Defender) are written without them in
    // Sigma rules (SourceName), as SigmaHQ's own checker does.
    if (this.squashed === undefined) {
      this.squashed = null;
      for (const k in f) {
        if (!k.includes(' ')) continue;
        this.squashed ??= new Map();
        this.squashed.set(k.replace(/ /g, ''), k);
      }
    }
    const sq = this.squashed?.get(name);
    return sq === undefined ? undefined : f[sq];
  }

  /** String form of a scalar field; undefined for absent, null, arrays and objects. */
  str(name: string): string | undefined {
    // Not cached: for the common string value this is one property read.
    return scalarText(this.get(name));
  }

  /** Lower-cased string form, computed once per event. */
  folded(name: string): string | undefined {
    // Primed names are the router's field names, mostly the very strings rules ask with (=== then is a pointer check).
    for (let i = 0; i < this.primedCount; i++) if (this.primedNames[i] === name) return this.primedValues[i];
    const folds = (this.folds ??= new Map());
    const hit = folds.get(name);
    if (hit !== undefined) return hit === NONE ? undefined : hit;
    const s = this.str(name);
    const f = s === undefined ? undefined : s.toLowerCase();
    folds.set(name, f === undefined ? NONE : f);
    return f;
  }

  /**
   * Record the folded form of a field's value, already computed elsewhere (the router's memo) for
   * every field it indexes, most of which no rule then reads: a list append, not a map insert. For a
   * string value the memo's entry comes too (`notes`), on which rules keep per-item results.
   */
  primeFolded(name: string, folded: string, notes?: ValueNotes): void {
    this.primedNames[this.primedCount] = name;
    this.primedNotes[this.primedCount] = notes;
    this.primedValues[this.primedCount++] = folded;
  }

  /** The router memo's entry for this field's string value, when the router primed one. */
  valueNotes(name: string): ValueNotes | undefined {
    for (let i = 0; i < this.primedCount; i++) if (this.primedNames[i] === name) return this.primedNotes[i];
    return undefined;
  }

  private primedCount = 0;
  private readonly primedNames: string[] = [];
  private readonly primedValues: string[] = [];
  private readonly primedNotes: (ValueNotes | undefined)[] = [];

  /** Every scalar value of the event as text (and folded), for keyword (field-less) detections. */
  keywordValues(): { s: string[]; f: string[] } {
    if (this.keywordCache) return this.keywordCache;
    const s: string[] = [];
    collectStrings(this.fields, s, 0);
    this.keywordCache = { s, f: s.map((x) => x.toLowerCase()) };
    return this.keywordCache;
  }

  /**
   * Every folded value joined by NUL: a literal without NUL occurs in some value exactly when it
   * occurs in this string, so keyword `contains` sets run once per event instead of once per value.
   */
  keywordJoined(): string {
    if (this.joinedCache !== undefined) return this.joinedCache;
    // Folding the joined text once equals joining the folded values: NUL is neither cased nor
    // case-ignorable, so context-dependent folds (final sigma) see the same neighbourhood.
    const s = this.keywordCache ? this.keywordCache.s : collectStrings(this.fields, [], 0);
    return (this.joinedCache = s.join('\u0000').toLowerCase());
  }
}

export function scalarText(v: FieldValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  return undefined;
}

function lookupPath(f: Fields, name: string): FieldValue | undefined {
  let cur: FieldValue | undefined = f;
  for (const part of name.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, FieldValue>)[part];
    if (cur === undefined) return undefined;
  }
  return cur;
}

/** Every scalar value's text, depth first (`stringsOnly`: skip numbers and booleans). */
export function collectStrings(v: FieldValue, out: string[], depth: number, stringsOnly = false): string[] {
  if (depth > 32) return out;
  if (typeof v === 'string') { out.push(v); return out; }
  if (v === null) return out;
  if (Array.isArray(v)) { for (const x of v) collectStrings(x, out, depth + 1, stringsOnly); return out; }
  if (typeof v === 'object') { for (const k in v) collectStrings(v[k], out, depth + 1, stringsOnly); return out; }
  if (stringsOnly) return out;
  const s = scalarText(v);
  if (s !== undefined) out.push(s);
  return out;
}
