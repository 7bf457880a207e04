// Long values are tested on V8's linear-time regex engine: it must answer exactly as the backtracking
// engine does, on SigmaHQ's own expressions and real event values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { compileRegex } from '../../../src/detect/sigma/compile.ts';
import { guardedTest, LINEAR_FROM, linearTwin, MANY_UNBOUNDED, unboundedRepetitions } from '../../../src/detect/sigma/linear-regex.ts';
import { eventFromEvtxJson } from '../../../src/ingest/formats/winevent.ts';
import { sharedData } from '../../helpers/data.ts';
import { corpusFiles } from './helpers.ts';

/** Every `|re` value of the SigmaHQ corpus (with its rule file). */
function corpusRegexes(): { file: string; src: string }[] {
  const out: { file: string; src: string }[] = [];
  const visit = (file: string, v: unknown, key: string): void => {
    if (Array.isArray(v)) { for (const x of v) visit(file, x, key); return; }
    if (v !== null && typeof v === 'object') { for (const [k, x] of Object.entries(v)) visit(file, x, k); return; }
    if (typeof v === 'string' && /\|re(\||$)/.test(key)) out.push({ file, src: v });
  };
  for (const f of corpusFiles()) {
    for (const doc of readFileSync(f, 'utf8').split(/^---$/m)) {
      try { visit(f, (parseYaml(doc) as { detection?: unknown } | null)?.detection, ''); } catch { /* a rule the loader rejects */ }
    }
  }
  return out;
}

function realValues(): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.jsonl')) {
        for (const line of readFileSync(p, 'utf8').split('\n')) {
          if (!line.trim()) continue;
          for (const v of Object.values(eventFromEvtxJson(JSON.parse(line)).fields)) if (typeof v === 'string' && v.length >= 40) out.push(v);
        }
      }
    }
  };
  walk(sharedData('evtx_attack_samples'));
  return [...new Set(out)];
}

test('the linear-time engine answers as the backtracking one: SigmaHQ expressions × real values', () => {
  const regexes = corpusRegexes();
  assert.ok(regexes.length > 150, `${regexes.length} expressions`);
  const values = realValues();
  const long = values.filter((v) => v.length >= LINEAR_FROM);
  assert.ok(long.length > 100, `${long.length} long values`);
  const sample = [...long.slice(0, 400), ...values.filter((v) => v.length < LINEAR_FROM).slice(0, 200)];
  let twins = 0;
  let matches = 0;
  for (const { file, src } of regexes) {
    let re: RegExp;
    try { re = compileRegex(src, ''); } catch { continue; }
    const guarded = guardedTest(re);
    const twin = linearTwin(re);
    for (const v of sample) {
      const want = re.test(v);
      assert.equal(guarded(v), want, `${file}: /${src}/ guarded, on ${JSON.stringify(v.slice(0, 80))}`);
      if (twin) assert.equal(twin.test(v), want, `${file}: /${src}/ linear, on ${JSON.stringify(v.slice(0, 80))}`);
      if (want) matches++;
    }
    if (!twin) continue;
    twins++;
    assert.ok(twin.flags.includes('l'));
  }
  assert.ok(twins > 120, `${twins} of ${regexes.length} expressions run on the linear engine`);
  assert.ok(matches > 50, `${matches} matches compared`);
});

test('the special-characters rule is answered on a long hostile command line, and right', () => {
  const plus = guardedTest(compileRegex('\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+.*\\+', ''));
  assert.ok(linearTwin(compileRegex('\\+.*\\+', '')), 'the expression runs on the linear engine');
  assert.equal(plus('+'.repeat(13) + 'a'.repeat(20_000)), false);
  assert.equal(plus('a'.repeat(20_000) + '+'.repeat(14)), true);
  assert.equal(plus('+'.repeat(14)), true, 'short values: backtracking engine');
  assert.equal(plus(`${'+'.repeat(7)}\n${'+'.repeat(7)}${'a'.repeat(300)}`), false, 'no s flag: . stops at a line break');
});

test('unbounded repetitions are counted outside escapes; many of them run linear at any length', () => {
  assert.equal(unboundedRepetitions('\\+.*\\+.*\\+'), 2);
  assert.equal(unboundedRepetitions('[a-z]{2,}x.*y+'), 3);
  assert.equal(unboundedRepetitions('\\*\\*x{1,3}'), 0);
  assert.ok(unboundedRepetitions(Array.from({ length: 14 }, () => '\\+').join('.*')) >= MANY_UNBOUNDED);
});

test('expressions the linear engine cannot run stay on the backtracking engine', () => {
  const backref = compileRegex('(ab)\\1', '');
  assert.equal(linearTwin(backref), undefined);
  const t = guardedTest(backref);
  assert.equal(t(`${'x'.repeat(LINEAR_FROM)}abab`), true);
  assert.equal(t(`${'x'.repeat(LINEAR_FROM)}abba`), false);
});
