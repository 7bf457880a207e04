// Sigma logsource taxonomy and field mapping from the editable data file logsources.yaml (format
// described at its top), the one place that knows Windows channels and EventIDs: ingest/ labels
// events with it (Event.logsource) and detect/ routes rules by it. `classify(event)` gives the
// event's product, services, categories and field renames; results are cached per (Channel, EventID)
// or per parser logsource, so the per-event cost is one map lookup.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { ClaimGuardError } from './errors.ts';
import type { Event, LogSource } from './event.ts';

export interface EventClass {
  product?: string;
  services: string[];
  categories: string[];
  /** Sigma field name → event field name for this source. */
  alias?: Record<string, string>;
}

interface EventRow { service: string; eventIds: Set<string>; categories: string[]; fields?: Record<string, string> }
interface SourceRow { when: LogSource; services: string[]; categories: string[] }

export interface LogsourceMapping {
  classify(event: Pick<Event, 'logsource' | 'fields'>): EventClass;
  /** The class of a Windows event from its channel and EventID (as given: number or text). */
  windows(channel: string, eventId: string | number | undefined): EventClass;
  /** The channels table (lower-cased channel → service). */
  channels: Map<string, string>;
}

function fail(file: string, msg: string, path: string): never {
  throw new ClaimGuardError('CONFIG_INVALID', `logsource mapping: ${msg}`, { file, path });
}

function strList(file: string, v: unknown, path: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(file, `${path} must be a list of strings`, path);
  return v as string[];
}

/** Parse a mapping file's text. Throws CONFIG_INVALID naming the bad entry. */
export function parseMapping(text: string, file = 'logsources.yaml'): LogsourceMapping {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ClaimGuardError('CONFIG_INVALID', `logsource mapping is not valid YAML: ${(e as Error).message}`, { file });
  }
  if (typeof doc !== 'object' || doc === null) fail(file, 'the file must be a map', '');
  const d = doc as Record<string, unknown>;
  const win = (d.windows ?? {}) as Record<string, unknown>;
  const channels = new Map<string, string>();
  for (const [k, v] of Object.entries((win.channels ?? {}) as Record<string, unknown>)) {
    if (typeof v !== 'string') fail(file, `windows.channels.${k} must be a service name`, `windows.channels.${k}`);
    channels.set(k.toLowerCase(), v);
  }
  const rows: EventRow[] = [];
  const rawRows = win.events ?? [];
  if (!Array.isArray(rawRows)) fail(file, 'windows.events must be a list', 'windows.events');
  rawRows.forEach((r: unknown, i: number) => {
    const p = `windows.events[${i}]`;
    if (typeof r !== 'object' || r === null) fail(file, `${p} must be a map`, p);
    const row = r as Record<string, unknown>;
    if (typeof row.service !== 'string') fail(file, `${p}.service must be a string`, p);
    if (!Array.isArray(row.eventIds) || !row.eventIds.every((x) => typeof x === 'number' || typeof x === 'string')) fail(file, `${p}.eventIds must be a list of numbers`, p);
    const fields = row.fields as Record<string, unknown> | undefined;
    if (fields !== undefined && (typeof fields !== 'object' || fields === null || !Object.values(fields).every((x) => typeof x === 'string'))) fail(file, `${p}.fields must map Sigma names to event field names`, p);
    rows.push({ service: row.service, eventIds: new Set((row.eventIds as unknown[]).map(String)), categories: strList(file, row.categories, `${p}.categories`), ...(fields ? { fields: fields as Record<string, string> } : {}) });
  });
  const sources: SourceRow[] = [];
  const rawSources = d.sources ?? [];
  if (!Array.isArray(rawSources)) fail(file, 'sources must be a list', 'sources');
  rawSources.forEach((r: unknown, i: number) => {
    const p = `sources[${i}]`;
    const row = r as Record<string, unknown>;
    if (typeof row?.when !== 'object' || row.when === null) fail(file, `${p}.when must be a map`, p);
    sources.push({ when: row.when as LogSource, services: strList(file, row.services, `${p}.services`), categories: strList(file, row.categories, `${p}.categories`) });
  });

  const cache = new Map<string, EventClass>();
  // Per event the Windows class is found by two lookups (channel, then the EventID as given, number
  // or text) without building a key string; both levels are bounded (both are event text).
  const byChannel = new Map<string, Map<string | number, EventClass>>();
  let fastEntries = 0;
  const FAST_CAP = 65536;

  function windowsClass(channel: string, eventId: string): EventClass {
    const key = `w\u0000${channel}\u0000${eventId}`;
    let c = cache.get(key);
    if (c) return c;
    const service = channels.get(channel.toLowerCase());
    const categories: string[] = [];
    let alias: Record<string, string> | undefined;
    if (service) {
      for (const r of rows) {
        if (r.service !== service || !r.eventIds.has(eventId)) continue;
        categories.push(...r.categories);
        if (r.fields) alias = { ...alias, ...r.fields };
      }
    }
    c = { product: 'windows', services: service ? [service] : [], categories, ...(alias ? { alias } : {}) };
    // Channel and EventID are event text: keep the cache bounded.
    if (cache.size >= 65536) cache.clear();
    cache.set(key, c);
    return c;
  }

  function parserClass(ls: LogSource): EventClass {
    const key = `p\u0000${ls.product ?? ''}\u0000${ls.service ?? ''}\u0000${ls.category ?? ''}`;
    let c = cache.get(key);
    if (c) return c;
    const services = ls.service ? [ls.service] : [];
    const categories = ls.category ? [ls.category] : [];
    for (const s of sources) {
      if ((s.when.product !== undefined && s.when.product !== ls.product) || (s.when.service !== undefined && s.when.service !== ls.service)
        || (s.when.category !== undefined && s.when.category !== ls.category)) continue;
      for (const x of s.services) if (!services.includes(x)) services.push(x);
      for (const x of s.categories) if (!categories.includes(x)) categories.push(x);
    }
    c = { ...(ls.product ? { product: ls.product } : {}), services, categories };
    if (cache.size >= 65536) cache.clear();
    cache.set(key, c);
    return c;
  }

  /** The Windows class by two lookups (channel, then the EventID as given), both bounded. */
  function windowsFast(ch: string, id: string | number): EventClass {
    let byId = byChannel.get(ch);
    const hit = byId?.get(id);
    if (hit) return hit;
    const c = windowsClass(ch, String(id));
    if (++fastEntries > FAST_CAP) { byChannel.clear(); fastEntries = 1; byId = undefined; }
    if (!byId) byChannel.set(ch, (byId = new Map()));
    byId.set(id, c);
    return c;
  }

  return {
    channels,
    windows: (channel, eventId) => windowsFast(channel, eventId ?? ''),
    classify(event) {
      const ch = event.fields.Channel;
      if (typeof ch === 'string' && (event.logsource?.product === undefined || event.logsource.product === 'windows')) {
        const v = event.fields.EventID;
        return windowsFast(ch, typeof v === 'number' || typeof v === 'string' ? v : '');
      }
      return parserClass(event.logsource ?? {});
    },
  };
}

let defaultMapping: LogsourceMapping | undefined;

/** The mapping shipped beside this file. */
export function loadDefaultMapping(): LogsourceMapping {
  if (!defaultMapping) {
    const url = new URL('./logsources.yaml', import.meta.url);
    defaultMapping = parseMapping(readFileSync(url, 'utf8'), 'src/core/logsources.yaml');
  }
  return defaultMapping;
}
