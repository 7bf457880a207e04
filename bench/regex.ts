// Sigma `re` matching: the backtracking engine against the guarded test (linear-time engine for values
// of LINEAR_FROM characters or more, and for every value of a pattern with MANY_UNBOUNDED unbounded
// repetitions; src/detect/sigma/linear-regex.ts), measured in the same run:
//   hostile    SigmaHQ's special-characters expression (`\+.*\+.*…`, 14 pluses) on command lines of
//              13 pluses and N other characters: the backtracking engine's time grows with every
//              plus, the linear one's with the length only
//   ordinary   every SigmaHQ `re` expression over real values of ../shared/data/evtx_attack_samples
//
//   node_modules/.bin/node bench/regex.ts
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileRegex } from '../src/detect/sigma/compile.ts';
import { guardedTest, LINEAR_FROM, MANY_UNBOUNDED } from '../src/detect/sigma/linear-regex.ts';
import { eventFromEvtxJson } from '../src/ingest/formats/winevent.ts';
import { DATA, filesUnder } from './files.ts';


function timeMs(f: () => void): number {
  const t = performance.now();
  f();
  return performance.now() - t;
}

const plusSrc = Array.from({ length: 14 }, () => '\\+').join('.*');
const plain = compileRegex(plusSrc, '');
const guarded = guardedTest(compileRegex(plusSrc, ''));
console.log(`hostile           /${plusSrc}/ on 13 pluses + N characters (guarded: linear engine, ${MANY_UNBOUNDED}+ unbounded repetitions)`);
for (const n of [242, 1_000, 10_000, 30_000]) {
  const s = '+'.repeat(13) + 'a'.repeat(n);
  const b = timeMs(() => plain.test(s));
  const g = timeMs(() => guarded(s));
  console.log(`  N=${String(n).padEnd(7)} backtracking ${b.toFixed(1).padStart(7)} ms   guarded ${g.toFixed(1).padStart(6)} ms   ratio ${(b / g).toFixed(1)}x`);
}

const srcs: string[] = [];
for (const f of filesUnder(join(DATA, 'sigma_rules'), (n) => n.endsWith('.yml'))) {
  for (const m of readFileSync(f, 'utf8').matchAll(/\|re(?:\|[a-z]+)*:\s*'((?:[^']|'')*)'/g)) srcs.push(m[1].replace(/''/g, "'"));
}
const pairs: [RegExp, (s: string) => boolean][] = [];
for (const s of srcs) {
  try { pairs.push([compileRegex(s, ''), guardedTest(compileRegex(s, ''))]); } catch { /* rejected by the loader too */ }
}
const values: string[] = [];
for (const f of filesUnder(join(DATA, 'evtx_attack_samples'), (n) => n.endsWith('.jsonl'))) {
  for (const line of readFileSync(f, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    for (const k of ['CommandLine', 'ParentCommandLine', 'Image', 'ScriptBlockText']) {
      const v = eventFromEvtxJson(JSON.parse(line)).fields[k];
      if (typeof v === 'string') values.push(v);
    }
  }
}
const sample = values.slice(0, 3000);
const longShare = sample.filter((v) => v.length >= LINEAR_FROM).length / sample.length;
let k = 0;
const run = (i: 0 | 1): number => timeMs(() => { for (const p of pairs) for (const v of sample) if (i === 0 ? p[0].test(v) : p[1](v)) k++; });
run(0); run(1);
const b = run(0);
const g = run(1);
const tests = pairs.length * sample.length;
console.log(`ordinary          ${pairs.length} SigmaHQ expressions × ${sample.length} real values (${(100 * longShare).toFixed(0)}% of ${LINEAR_FROM}+ characters)`);
console.log(`  backtracking ${(b * 1e6 / tests).toFixed(0)} ns/test   guarded ${(g * 1e6 / tests).toFixed(0)} ns/test   guarded / backtracking ${(g / b).toFixed(2)}x (${k} matches)`);
