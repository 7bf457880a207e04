// Turns nested JSON into the flat, dotted field names Sigma rules use (`DeviceDetail.isCompliant`,
// `TargetResources.modifiedProperties.newValue`). Arrays of objects merge their members: the dotted key
// holds the list of every element's value, so a rule value matches when any element matches.
import type { FieldValue, Fields } from '../../../core/index.ts';

/** Nesting deeper than this is kept as a JSON string under the last flattened key. */
export const MAX_FLATTEN_DEPTH = 8;
/** At most this many fields per event; the rest are dropped (hostile or runaway input). */
export const MAX_FIELDS = 4000;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function isPlainObject(v: unknown): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a value that may be a JSON document held in a string (Sentinel exports store dynamic columns
 * such as `InitiatedBy`, `DeviceDetail`, `Status` as strings). Returns undefined when it is not one.
 */
export function parseJsonString(v: unknown): Json | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  if (!(t.startsWith('{') && t.endsWith('}')) && !(t.startsWith('[') && t.endsWith(']'))) return undefined;
  try { return JSON.parse(t) as Json; } catch { return undefined; }
}

/** Adds `prefix.key` fields for every leaf of `value` into `out` (arrays of objects merge). */
export function flattenInto(out: Fields, prefix: string, value: Json, depth = 0, budget = { left: MAX_FIELDS }): void {
  if (budget.left <= 0) return;
  if (value === null || typeof value !== 'object') { budget.left--; addValue(out, prefix, value); return; }
  if (depth >= MAX_FLATTEN_DEPTH) { budget.left--; addValue(out, prefix, JSON.stringify(value)); return; }
  if (Array.isArray(value)) {
    if (value.every((x) => x === null || typeof x !== 'object')) { budget.left--; addList(out, prefix, value as FieldValue[]); return; }
    for (const el of value) flattenInto(out, prefix, el, depth + 1, budget);
    return;
  }
  for (const [k, v] of Object.entries(value)) {
    if (k === '__proto__') continue;
    flattenInto(out, prefix ? `${prefix}.${k}` : k, v, depth + 1, budget);
  }
}

function addValue(out: Fields, key: string, v: FieldValue): void {
  if (!Object.hasOwn(out, key)) { out[key] = v; return; }
  const cur = out[key];
  if (Array.isArray(cur)) cur.push(v);
  else out[key] = [cur, v];
}

function addList(out: Fields, key: string, vs: FieldValue[]): void {
  if (!Object.hasOwn(out, key)) { out[key] = vs.slice(); return; }
  const cur = out[key];
  if (Array.isArray(cur)) cur.push(...vs);
  else out[key] = [cur, ...vs];
}

/**
 * Flattens a whole record: scalars stay under their own key; an object or array of objects at key K
 * becomes K = compact JSON text (so `K|contains` works in every export shape) plus dotted leaves K.x.y.
 * Dynamic columns exported as JSON strings are parsed the same way.
 */
export function flattenRecord(rec: Record<string, Json>, prefix = ''): Fields {
  const out: Fields = {};
  const budget = { left: MAX_FIELDS };
  for (const [k, raw] of Object.entries(rec)) {
    if (budget.left-- <= 0) break;
    if (k === '__proto__') continue;
    const key = prefix ? `${prefix}.${k}` : k;
    const v = raw !== null && typeof raw === 'object' ? raw : (parseJsonString(raw) ?? raw);
    if (v !== null && typeof v === 'object') {
      const allScalars = Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object');
      if (allScalars) { out[key] = (v as FieldValue[]).slice(); continue; }
      out[key] = typeof raw === 'string' ? raw : JSON.stringify(v);
      flattenInto(out, key, v, 1, budget);
    } else {
      out[key] = v;
    }
  }
  return out;
}

/** Strips one layer of JSON quoting from Entra modifiedProperties values (`"\"False\""` → `False`). */
export function unquote(v: unknown): string | undefined {
  if (typeof v !== 'string') return v === null || v === undefined ? undefined : String(v);
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) {
    try { const p = JSON.parse(t); if (typeof p === 'string') return p; } catch { /* keep as is */ }
  }
  return t;
}

export type { Json };
