// SigmaHQ's own regression data: with the whole shared corpus loaded at once, every case of
// EXPECTED.tsv fires its rule at least match_count times (info.yml), from the evtx_dump JSON.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { createDetector } from '../../../src/detect/index.ts';
import { sharedData } from '../../helpers/data.ts';
import { loadCorpus, regressionEvents } from './helpers.ts';

test('every SigmaHQ regression case fires its rule with the whole corpus loaded', () => {
  const rs = loadCorpus();
  const det = createDetector({ rules: rs.rules });
  const base = sharedData('sigma_regression');
  const lines = readFileSync(join(base, 'EXPECTED.tsv'), 'utf8').trim().split('\n').slice(1);
  assert.ok(lines.length >= 160);
  const failures: string[] = [];
  for (const line of lines) {
    const [file, , , , ruleId, title] = line.split('\t');
    const json = join(base, file.replace(/\.evtx$/, '.json'));
    const info = join(base, dirname(file), 'info.yml');
    let want = 1;
    if (existsSync(info)) {
      const doc = parse(readFileSync(info, 'utf8')) as { regression_tests_info?: { match_count?: number }[] };
      want = doc.regression_tests_info?.[0]?.match_count ?? 1;
    }
    let got = 0;
    for (const ev of regressionEvents(json)) {
      for (const a of det.process(ev)) {
        if (a.rule.id !== ruleId) continue;
        got++;
        assert.ok(a.rule.author, `${ruleId} alert carries the author`);
        assert.equal(a.rule.license, 'DRL-1.1');
        assert.match(a.rule.source, /^https:\/\/github\.com\/SigmaHQ\/sigma\/blob\/master\/rules/);
        assert.ok(a.why.length > 0 && a.why.every((w) => w.selection), `${ruleId} explains the match`);
      }
    }
    if (got < want) failures.push(`${ruleId} ${title}: ${got} < ${want}`);
  }
  assert.deepEqual(failures, []);
});
