// Sigma detection throughput with the whole shared corpus loaded (rules, rules-emerging-threats,
// rules-threat-hunting), on generated Windows Security / Sysmon events whose field values follow the
// distributions seen in ../shared/data/evtx_attack_samples.
//
// Printed, all measured in this run:
//   load       time to read and compile the corpus
//   baseline   JSON.parse of the same events (their JSON text), per event
//   pipeline   parse then detector.process(event), event by event, as a pipeline runs them
//   detect     pipeline minus baseline (so the garbage collection parsing causes is not billed to
//              detection, as it was when the two were timed apart)
//   ratio      detect cost / JSON.parse cost (target ≤ 1.0), events/s for both (target ≥ 150,000/s)
//   floor      parse then one Map lookup of every string value (minus parse): the least per-value
//              work of an exact engine that remembers what it found in a value (it must hash every
//              value it has not proven irrelevant), against which the detect line can be read
//   router memo     share of field-value lookups the router's per-value memo answered
//   rules evaluated per event p50 / p95 / mean (after logsource, EventID and literal routing)
//   peak RSS (target < 300 MB, flat over 10M events) and the live JS heap at the end (after a GC)
//
//   node_modules/.bin/node [V8 flags] bench/sigma.ts [--events 1000000] [--batch 1000] [--seed 1] [--unique PERCENT]
//
// Batches are small (1,000 events, ~1.1 MB of JSON) so the bench's own texts die young: with 10,000
// per batch they outlived young-generation collections, were promoted, and the old-space garbage
// they left doubled the peak RSS (778 vs 388 MB over 1M events with Node's defaults).
//
// --unique makes every string value of that share of events unique: the worst case for the router's
// per-value memo. Measured 2026-11-27 on the shared 2-core build VM (noisy, ±20% between runs; compare
// ratios, which are measured in the same run). docs/hunt.md has the full table; in short:
//   9de2e41 (day's start), 300k   detect 10.9x JSON.parse, rules/event p50 3 p95 17 mean 5.3
//   21ffedf (session start), 300k parse+detect 6.43x the parse-only loop (median of 3, same sitting)
//   17f083e.., 300k               parse+detect 4.96x the parse-only loop (same sitting); rules/event p50 1 p95 10 mean 3.0
//   1M events (final, 2026-11-27) detect 89,646 ev/s (11.2 µs/event), 3.28x; floor 0.82x; peak RSS 386 MB
//   10M events                    detect 80,285 ev/s (12.5 µs/event), 3.30x; floor 0.83x; peak RSS 507 MB, live heap 86 MB
//   10M, --max-semi-space-size=8 --max-old-space-size=384: peak RSS 281 MB (first batch 204 MB), pipeline +8%
//   --unique 100, 300k events     detect 34,930 ev/s (28.6 µs/event), 4.47x
// Rates are per CPU-second of this process (process.cpuUsage), so a busy machine skews them less;
// wall-clock figures are printed beside them. Events are generated and measured in batches so memory
// stays flat however many events are asked for.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { Fields, FieldValue } from '../src/core/index.ts';
import { createDetector, histogramPercentile, loadRuleSources } from '../src/detect/index.ts';
import { eventFromEvtxJson } from '../src/ingest/formats/winevent.ts';
import { DATA, filesUnder } from './files.ts';

const { values } = parseArgs({ options: { events: { type: 'string' }, batch: { type: 'string' }, seed: { type: 'string' }, unique: { type: 'string' } } });
const N = Number(values.events ?? 1_000_000);
const BATCH = Number(values.batch ?? 1_000);
const SEED = Number(values.seed ?? 1);
// Percent of events whose string values are all made unique (a counter appended): the worst case for
// the router's per-value memo, which real logs (repeating images, command lines, users) rarely reach.
const UNIQUE = Number(values.unique ?? 0);
if (!Number.isSafeInteger(N) || N <= 0 || !Number.isSafeInteger(BATCH) || BATCH <= 0 || !(UNIQUE >= 0 && UNIQUE <= 100)) {
  process.stderr.write('usage: node bench/sigma.ts [--events N] [--batch N] [--seed N] [--unique PERCENT]\n');
  process.exit(2);
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

// ---- 1. load the corpus
const t0 = performance.now();
const c0 = cpuMs();
const root = join(DATA, 'sigma_rules');
const ruleSet = loadRuleSources(filesUnder(root, (n) => /\.ya?ml$/.test(n)).map((f) => ({ file: relative(root, f), text: readFileSync(f, 'utf8') })));
const loadCpu = cpuMs() - c0;
const loadWall = performance.now() - t0;
const detector = createDetector({ rules: ruleSet.rules, correlations: ruleSet.correlations });

// ---- 2. value distributions from the attack samples (Security and Sysmon only)
interface Template { channel: string; eventId: number; weight: number; fields: Map<string, FieldValue[]> }
const templates = new Map<string, Template>();
for (const f of filesUnder(join(DATA, 'evtx_attack_samples'), (n) => n.endsWith('.jsonl'))) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    const p = eventFromEvtxJson(JSON.parse(line));
    const ch = p.fields.Channel;
    const id = p.fields.EventID;
    if (typeof ch !== 'string' || typeof id !== 'number') continue;
    if (ch !== 'Security' && ch !== 'Microsoft-Windows-Sysmon/Operational') continue;
    const key = `${ch}|${id}`;
    let t = templates.get(key);
    if (!t) { t = { channel: ch, eventId: id, weight: 0, fields: new Map() }; templates.set(key, t); }
    t.weight++;
    for (const [k, v] of Object.entries(p.fields)) {
      let vals = t.fields.get(k);
      if (!vals) { vals = []; t.fields.set(k, vals); }
      if (vals.length < 2000) vals.push(v);
    }
  }
}
// The event mix: logons, process creation, registry, file, network, as seen in the samples but with
// every category present.
const MIX: [string, number][] = [
  ['Security|4624', 12], ['Security|4625', 4], ['Security|4688', 10], ['Security|4672', 4], ['Security|4663', 4],
  ['Microsoft-Windows-Sysmon/Operational|1', 20], ['Microsoft-Windows-Sysmon/Operational|3', 10],
  ['Microsoft-Windows-Sysmon/Operational|7', 10], ['Microsoft-Windows-Sysmon/Operational|11', 8],
  ['Microsoft-Windows-Sysmon/Operational|12', 4], ['Microsoft-Windows-Sysmon/Operational|13', 8],
  ['Microsoft-Windows-Sysmon/Operational|10', 3],
];
const mix = MIX.filter(([k]) => templates.has(k)).map(([k, w]) => ({ t: templates.get(k)!, w }));
const totalW = mix.reduce((a, b) => a + b.w, 0);

let s = SEED >>> 0 || 1;
function rnd(): number {
  s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0;
  return s / 4294967296;
}
function pickTemplate(): Template {
  let x = rnd() * totalW;
  for (const m of mix) { x -= m.w; if (x < 0) return m.t; }
  return mix[mix.length - 1].t;
}
let uniqueCounter = 0;
function genFields(): Fields {
  const t = pickTemplate();
  const f: Fields = {};
  // Each field's value is drawn independently from that field's observed values (so combinations are
  // new while every value is realistic); EventID and Channel stay those of the template.
  for (const [k, vals] of t.fields) f[k] = vals[Math.floor(rnd() * vals.length)];
  if (UNIQUE > 0 && rnd() * 100 < UNIQUE) for (const k in f) if (typeof f[k] === 'string') f[k] = `${f[k]} ${++uniqueCounter}`;
  f.Channel = t.channel;
  f.EventID = t.eventId;
  return f;
}

// ---- 3. measure in batches
// Detection is timed as a pipeline runs it: parse an event, detect on it, next. Its cost is that
// loop's CPU minus the parse-only loop's over the same texts, so the garbage-collection work parsing
// causes is billed to parsing in both loops (timed apart, detection would pay for collecting the
// parsed batch it holds).
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
let parseCpu = 0;
let pipeCpu = 0;
let floorCpu = 0;
// The floor loop's memos: per field, every string value looked up and remembered (4,096 at a time,
// like one generation of the router's per-field memo).
const floorMemos = new Map<string, Map<string, number>>();
let floorHits = 0;
let floorLookups = 0;
let parseWall = 0;
let pipeWall = 0;
let alerts = 0;
let done = 0;
let peakRss = 0;
const rssAt: number[] = [];
while (done < N) {
  const n = Math.min(BATCH, N - done);
  const texts: string[] = new Array(n);
  for (let i = 0; i < n; i++) texts[i] = JSON.stringify(genFields());
  // baseline: JSON.parse of the same events
  let w = performance.now();
  let c = cpuMs();
  let keep = 0;
  for (let i = 0; i < n; i++) keep += Object.keys(JSON.parse(texts[i]) as Fields).length;
  parseCpu += cpuMs() - c;
  parseWall += performance.now() - w;
  // the pipeline: parse, then detect
  w = performance.now();
  c = cpuMs();
  for (let i = 0; i < n; i++) {
    const fields = JSON.parse(texts[i]) as Fields;
    keep -= Object.keys(fields).length;
    alerts += detector.process({ id: String(done + i), time: 1_700_000_000_000 + (done + i) * 10, ingested: 0, tenant: 't', source: 'bench', logsource: {}, fields }).length;
  }
  pipeCpu += cpuMs() - c;
  pipeWall += performance.now() - w;
  if (keep !== 0) throw new Error('the two loops parsed different events');
  // the floor: parse, then look every string value up in a memo (with --unique no engine would
  // remember values, so there is no such floor to print)
  c = cpuMs();
  for (let i = 0; i < n && UNIQUE === 0; i++) {
    const fields = JSON.parse(texts[i]) as Fields;
    for (const k in fields) {
      const v = fields[k];
      if (typeof v !== 'string') continue;
      floorLookups++;
      let memo = floorMemos.get(k);
      if (memo === undefined) floorMemos.set(k, (memo = new Map()));
      if (memo.get(v) === undefined) {
        if (memo.size >= 4096) memo.clear();
        memo.set(v, v.length);
      } else floorHits++;
    }
  }
  floorCpu += cpuMs() - c;
  done += n;
  const rss = process.memoryUsage().rss;
  peakRss = Math.max(peakRss, rss);
  rssAt.push(rss);
}

// Live heap after a full GC (RSS also counts garbage V8 has not collected yet).
function heapEnd(): string {
  gc();
  return `${(process.memoryUsage().heapUsed / 1048576).toFixed(0)} MB after GC`;
}

const st = detector.stats();
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
const perSec = (count: number, ms: number) => fmt(count / (ms / 1000));
const mb = (b: number) => (b / 1048576).toFixed(0);
console.log(`runtime           Node ${process.version}, V8 flags: ${process.execArgv.filter((a) => a.startsWith('--max-') || a.startsWith('--heap')).join(' ') || "Node's defaults"}`);
console.log(`corpus            ${ruleSet.rules.length} rules loaded, ${ruleSet.errors.length} rejected; load ${fmt(loadWall)} ms wall, ${fmt(loadCpu)} ms CPU`);
console.log(`events            ${fmt(N)} generated Security/Sysmon events (${mix.length} event types from evtx_attack_samples${UNIQUE ? `, ${UNIQUE}% with every string value unique` : ''}), ${fmt(alerts)} alerts`);
const detectCpu = pipeCpu - parseCpu;
const detectWall = pipeWall - parseWall;
console.log(`baseline          JSON.parse  ${perSec(N, parseCpu)} events/s per CPU-second (${(parseCpu * 1000 / N).toFixed(2)} µs/event; wall ${perSec(N, parseWall)}/s)`);
console.log(`pipeline          parse + process()  ${perSec(N, pipeCpu)} events/s per CPU-second (${(pipeCpu * 1000 / N).toFixed(2)} µs/event)`);
console.log(`detect            process()   ${perSec(N, detectCpu)} events/s per CPU-second (${(detectCpu * 1000 / N).toFixed(2)} µs/event = pipeline - parse; wall ${perSec(N, detectWall)}/s)`);
console.log(`ratio             detect / JSON.parse cost = ${(detectCpu / parseCpu).toFixed(2)}x (target ≤ 1.0x); target ≥ 150,000 events/s`);
const floor = floorCpu - parseCpu;
if (UNIQUE > 0) console.log('floor             not measured with --unique (values that never repeat are not worth remembering)');
else console.log(`floor             a Map lookup of every string value ${(floor * 1000 / N).toFixed(2)} µs/event = ${(floor / parseCpu).toFixed(2)}x JSON.parse (${(100 * floorHits / Math.max(1, floorLookups)).toFixed(1)}% hits): what any exact engine that remembers values pays before running a rule`);
console.log(`router memo       ${(100 * st.memo.hits / Math.max(1, st.memo.lookups)).toFixed(1)}% of ${fmt(st.memo.lookups)} field-value lookups answered from the memo (${fmt(st.memo.bypassed)} while a memo stood aside)`);
console.log(`rules evaluated   per event p50 ${histogramPercentile(st.evaluatedHistogram, 50)}, p95 ${histogramPercentile(st.evaluatedHistogram, 95)}, mean ${(st.rulesEvaluated / st.events).toFixed(1)} of ${ruleSet.rules.length}`);
console.log(`peak RSS          ${mb(peakRss)} MB (first batch ${mb(rssAt[0])} MB, last ${mb(rssAt[rssAt.length - 1])} MB; target < 300 MB; JS heap in use at the end ${heapEnd()})`);
