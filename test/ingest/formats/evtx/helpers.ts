// Shared helpers for the EVTX tests: list the shared .evtx files, read one through the streaming
// reader, and split SigmaHQ's concatenated pretty-printed JSON.
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { readEvtx, recordJson, newStats, type EvtxItem, type EvtxReadStats } from '../../../../src/ingest/formats/evtx/index.ts';
import { sharedData } from '../../../helpers/data.ts';

export function evtxFiles(dataset: 'evtx_attack_samples' | 'sigma_regression'): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.evtx(\.gz)?$/.test(e.name)) out.push(p);
    }
  };
  walk(sharedData(dataset));
  return out.sort();
}

export async function readAll(source: string | Uint8Array, file = 'input.evtx'): Promise<{ items: EvtxItem[]; stats: EvtxReadStats }> {
  const stats = newStats();
  const items: EvtxItem[] = [];
  const input = typeof source === 'string' ? createReadStream(source) : (async function* () { yield source; })();
  for await (const it of readEvtx(input, typeof source === 'string' ? source : file, stats)) items.push(it);
  return { items, stats };
}

export async function recordsJson(path: string): Promise<Record<string, unknown>[]> {
  const { items } = await readAll(path);
  return items.flatMap((it) => (it.ok ? [recordJson(it.record.nodes)] : []));
}

/** Split concatenated JSON objects (SigmaHQ regression .json files). */
export function splitObjects(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0, start = -1, inStr = false, esc = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) { if (esc) esc = false; else if (c === '\\') esc = true; else if (c === '"') inStr = false; continue; }
    if (c === '"') inStr = true;
    else if (c === '{') { if (depth++ === 0) start = i; }
    else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}
