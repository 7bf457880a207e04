// Test helpers: load the shared SigmaHQ corpus once, read SigmaHQ regression JSON (concatenated
// pretty-printed evtx_dump objects) into Events through the Windows normaliser, and build Events.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Event, Fields, LogSource } from '../../../src/core/index.ts';
import { loadRuleSources, type RuleSet } from '../../../src/detect/index.ts';
import { eventFromEvtxJson } from '../../../src/ingest/formats/winevent.ts';
import { sharedData } from '../../helpers/data.ts';

let corpus: RuleSet | undefined;

export function corpusFiles(): string[] {
  const root = sharedData('sigma_rules');
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.ya?ml$/.test(e.name)) out.push(p);
    }
  };
  walk(root);
  return out.sort();
}

/** The whole shared corpus, loaded once per test process. */
export function loadCorpus(): RuleSet {
  if (!corpus) {
    const root = sharedData('sigma_rules');
    corpus = loadRuleSources(corpusFiles().map((f) => ({
      file: relative(root, f), text: readFileSync(f, 'utf8'),
      sourceUrl: 'https://github.com/SigmaHQ/sigma/blob/master/' + relative(root, f), license: 'DRL-1.1',
    })));
  }
  return corpus;
}

/** Split concatenated JSON values (not an array, not NDJSON). */
export function splitConcatenatedJson(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') { if (depth++ === 0) start = i; }
    else if (c === '}') { if (--depth === 0) out.push(JSON.parse(text.slice(start, i + 1))); }
  }
  return out;
}

let seq = 0;
export function makeEvent(fields: Fields, logsource: LogSource = {}, time = 0): Event {
  seq++;
  return { id: `T${String(seq).padStart(8, '0')}`, time, ingested: time, tenant: 'test', source: 'test', logsource, fields };
}

export function regressionEvents(path: string): Event[] {
  return splitConcatenatedJson(readFileSync(path, 'utf8')).map((o) => {
    const p = eventFromEvtxJson(o as Record<string, never>);
    return makeEvent(p.fields, p.logsource, p.time);
  });
}
