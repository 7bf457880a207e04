// The loader: located, coded errors for every invalid construct (nothing skipped silently), rule
// collections, multi-document files, and the whole shared SigmaHQ corpus.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { EventView, loadRuleSources } from '../../../src/detect/index.ts';
import { loadCorpus, corpusFiles } from './helpers.ts';

function errorsOf(text: string, placeholders: Record<string, string[]> = {}) {
  return loadRuleSources([{ file: 'r.yml', text }], { placeholders }).errors;
}

const HEAD = `title: t
id: 5f0c3c1e-7a4b-4c47-9d57-0f3c0d1f2a10
logsource:
    product: windows
detection:
`;

function one(text: string) {
  const errs = errorsOf(text);
  assert.equal(errs.length, 1, `expected one error, got ${errs.map((e) => e.format()).join(' | ')}`);
  return errs[0];
}

test('unknown modifier is a located SIGMA_UNKNOWN_MODIFIER, never folded into the field name', () => {
  const e = one(HEAD + '    sel:\n        Image|endswithh: x.exe\n    condition: sel\n');
  assert.equal(e.code, 'SIGMA_UNKNOWN_MODIFIER');
  assert.equal(e.location?.file, 'r.yml');
  assert.equal(e.location?.line, 7);
  assert.equal(e.location?.column, 9, "points at the key");
  assert.match(e.message, /endswithh/);
});

test('deprecated pipe aggregations name the correlation that replaces them', () => {
  const count = one(HEAD + '    sel:\n        A: b\n    condition: sel | count() by Host > 5\n');
  assert.equal(count.code, 'SIGMA_DEPRECATED_AGGREGATION');
  assert.match(count.message, /event_count/);
  assert.equal(count.location?.line, 8);
  assert.equal(count.location?.column, 20, 'column of the pipe inside the condition');
  assert.match(one(HEAD + '    sel:\n        A: b\n    condition: sel | count(User) by Host > 5\n').message, /value_count/);
  assert.match(one(HEAD + '    sel:\n        A: b\n    condition: sel | near other\n').message, /temporal/);
  assert.match(one(HEAD + '    sel:\n        A: b\n    condition: sel | sum(Bytes) by Host > 5\n').message, /value_sum/);
  assert.match(one(HEAD + '    sel:\n        A: b\n    condition: sel | avg(Bytes) by Host > 5\n').message, /value_avg/);
  const tf = errorsOf(HEAD + '    sel:\n        A: b\n    timeframe: 5m\n    condition: sel\n');
  assert.equal(tf[0].code, 'SIGMA_DEPRECATED_AGGREGATION');
});

test('condition errors carry the column inside the condition', () => {
  const e = one(HEAD + '    sel:\n        A: b\n    condition: sel and (sel or\n');
  assert.equal(e.code, 'SIGMA_CONDITION');
  const unknown = one(HEAD + '    sel:\n        A: b\n    condition: sel and other\n');
  assert.equal(unknown.code, 'SIGMA_UNKNOWN_REFERENCE');
  assert.equal(unknown.location?.column, 24);
  assert.equal(one(HEAD + '    sel:\n        A: b\n    condition: 1 of nothing*\n').code, 'SIGMA_UNKNOWN_REFERENCE');
  assert.equal(one(HEAD + '    sel:\n        A: b\n    condition: sel AND sel\n').code, 'SIGMA_CONDITION', 'keywords are lower-case only');
  assert.equal(one(HEAD + '    sel:\n        A: b\n    condition: sel*\n').code, 'SIGMA_CONDITION');
  assert.equal(one(HEAD + '    sel:\n        A: b\n    condition: 2 of sel*\n').code, 'SIGMA_CONDITION');
  assert.equal(one(HEAD + '    sel:\n        A: b\n    condition: sel $ sel\n').code, 'SIGMA_CONDITION');
  assert.equal(one(HEAD + '    sel:\n        A: b\n').code, 'SIGMA_MISSING_FIELD');
});

test('invalid modifier combinations and values are refused with their code', () => {
  const cases: [string, string][] = [
    ['        A|exists|contains: true\n', 'SIGMA_MODIFIER_COMBINATION'],
    ['        A|contains|re: x\n', 'SIGMA_MODIFIER_COMBINATION'],
    ['        A|contains|cidr: 10.0.0.0/8\n', 'SIGMA_MODIFIER_COMBINATION'],
    ['        A|i: x\n', 'SIGMA_MODIFIER_COMBINATION'],
    ['        A|contains: null\n', 'SIGMA_MODIFIER_COMBINATION'],
    ['        A|re|cased: x\n', 'SIGMA_MODIFIER_COMBINATION'],
    ['        A|all|all: [a, b]\n', 'SIGMA_MODIFIER_COMBINATION'],
    ['        A|contains|base64: x\n', 'SIGMA_BAD_VALUE'],
    ['        A|exists: yes please\n', 'SIGMA_BAD_VALUE'],
    ['        A|cidr: 10.0.0.300/8\n', 'SIGMA_BAD_VALUE'],
    ['        A|cidr: 10.0.0.0/33\n', 'SIGMA_BAD_VALUE'],
    ['        A|gt: many\n', 'SIGMA_BAD_VALUE'],
    ['        A|hour: noon\n', 'SIGMA_BAD_VALUE'],
    ['        A|fieldref: B*\n', 'SIGMA_BAD_VALUE'],
    ['        A|re: "(unclosed"\n', 'SIGMA_BAD_REGEX'],
    ['        A|expand: "%Nowhere%"\n', 'SIGMA_PLACEHOLDER'],
    ['        A:\n            nested: map\n', 'SIGMA_BAD_VALUE'],
    ['        A: []\n', 'SIGMA_BAD_VALUE'],
    ['        A||contains: x\n', 'SIGMA_UNKNOWN_MODIFIER'],
  ];
  for (const [item, code] of cases) {
    const e = one(HEAD + '    sel:\n' + item + '    condition: sel\n');
    assert.equal(e.code, code, item);
    assert.equal(e.location?.line, item.includes('nested') ? 8 : 7, item);
  }
});

test('metadata is validated against the specification', () => {
  const base = (meta: string) => `${meta}logsource:\n    product: windows\ndetection:\n    sel:\n        A: b\n    condition: sel\n`;
  assert.equal(one(base('id: 5f0c3c1e-7a4b-4c47-9d57-0f3c0d1f2a10\n')).code, 'SIGMA_MISSING_FIELD');
  assert.equal(one(base('title: t\nid: not-a-uuid\n')).code, 'SIGMA_INVALID_RULE');
  assert.equal(one(base('title: t\nlevel: severe\n')).code, 'SIGMA_INVALID_RULE');
  assert.equal(one(base('title: t\nstatus: done\n')).code, 'SIGMA_INVALID_RULE');
  assert.equal(one(base('title: t\ndate: 2024/01/01\n')).code, 'SIGMA_INVALID_RULE');
  assert.equal(one(base(`title: ${'x'.repeat(257)}\n`)).code, 'SIGMA_INVALID_RULE');
  assert.equal(one(base('title: t\nrelated:\n    - id: x\n      type: cousin\n')).code, 'SIGMA_INVALID_RULE');
  assert.equal(one('title: t\ndetection:\n    sel:\n        A: b\n    condition: sel\n').code, 'SIGMA_MISSING_FIELD');
  assert.equal(one('title: t\nlogsource: windows\ndetection:\n    sel:\n        A: b\n    condition: sel\n').code, 'SIGMA_INVALID_RULE');
  assert.equal(one('title: t\nlogsource: {}\nfoo: bar\n').code, 'SIGMA_MISSING_FIELD');
  const yamlErr = one('title: t\nlogsource: [\n');
  assert.equal(yamlErr.code, 'SIGMA_YAML');
  assert.ok(yamlErr.location?.line);
});

test('every error of a file is reported and the other rules still load', () => {
  const text = [
    HEAD + '    sel:\n        A|bogus: x\n        B|gt: nope\n    condition: sel\n',
    HEAD.replace('5f0c3c1e-7a4b-4c47-9d57-0f3c0d1f2a10', '6f0c3c1e-7a4b-4c47-9d57-0f3c0d1f2a10') + '    sel:\n        A: ok\n    condition: sel\n',
  ].join('---\n');
  const rs = loadRuleSources([{ file: 'multi.yml', text }, { file: 'bad.yml', text: 'title: [\n' }]);
  assert.equal(rs.rules.length, 1);
  assert.deepEqual(rs.errors.map((e) => e.code).sort(), ['SIGMA_BAD_VALUE', 'SIGMA_UNKNOWN_MODIFIER', 'SIGMA_YAML']);
  const bogus = rs.errors.find((e) => e.code === 'SIGMA_UNKNOWN_MODIFIER')!;
  assert.equal(bogus.location?.line, 7);
  const bad = rs.errors.find((e) => e.code === 'SIGMA_BAD_VALUE')!;
  assert.equal(bad.location?.line, 8);
  assert.equal(rs.rules[0].meta.line, 11, 'second document starts after the --- marker');
});

test('rule collections: action global / reset / repeat', () => {
  const text = `action: global
title: shared
logsource:
    product: windows
detection:
    base:
        EventID: 1
    condition: base and sel
---
id: 11111111-1111-4111-8111-111111111111
detection:
    sel:
        Image: a.exe
---
action: repeat
id: 22222222-2222-4222-8222-222222222222
detection:
    sel:
        Image: b.exe
---
action: reset
---
title: standalone
id: 33333333-3333-4333-8333-333333333333
logsource:
    product: linux
detection:
    sel:
        A: x
    condition: sel
`;
  const rs = loadRuleSources([{ file: 'c.yml', text }]);
  assert.deepEqual(rs.errors, []);
  assert.equal(rs.rules.length, 3);
  const [r1, r2, r3] = rs.rules;
  assert.equal(r1.meta.title, 'shared');
  assert.equal(r1.test(new EventView({ EventID: 1, Image: 'a.exe' })), true);
  assert.equal(r2.test(new EventView({ EventID: 1, Image: 'b.exe' })), true, 'repeat merges over the previous rule');
  assert.equal(r2.test(new EventView({ EventID: 2, Image: 'b.exe' })), false, 'repeat keeps the global part');
  assert.equal(r3.meta.logsource.product, 'linux', 'reset drops the global part');
  assert.equal(loadRuleSources([{ file: 'x.yml', text: 'action: replay\ntitle: x\n' }]).errors[0].code, 'SIGMA_INVALID_RULE');
});

test('alerts metadata: author, licence, source link come with the rule', () => {
  const rs = loadRuleSources([{ file: 'rules/x.yml', text: HEAD.replace('title: t', 'title: t\nauthor: Jane Doe\ntags: [attack.t1059]\nlevel: high') + '    sel:\n        A: b\n    condition: sel\n', sourceUrl: 'https://example/x.yml', license: 'DRL-1.1' }]);
  const r = rs.rules[0];
  assert.deepEqual(r.ref, { id: '5f0c3c1e-7a4b-4c47-9d57-0f3c0d1f2a10', title: 't', level: 'high', author: 'Jane Doe', source: 'https://example/x.yml', license: 'DRL-1.1', tags: ['attack.t1059'] });
});

test('the whole shared SigmaHQ corpus loads; the only rejections name their reason', () => {
  const rs = loadCorpus();
  const files = corpusFiles().length;
  // Every document is either a loaded rule or a located, coded error.
  assert.equal(rs.rules.length + rs.errors.length, rs.documents);
  assert.ok(files >= 3700, `corpus has ${files} files`);
  for (const e of rs.errors) {
    assert.equal(e.code, 'SIGMA_PLACEHOLDER', e.format());
    assert.ok(e.location?.line && e.location.column, e.format());
  }
  assert.ok(rs.rules.length >= files - 2, `${rs.rules.length} of ${files} loaded`);
});

test('fuzzed YAML never crashes the loader', () => {
  const fragments = ['title: t', 'detection:', '    sel:', '        A|contains: x', '    condition: sel', 'logsource:', '    product: windows',
    '  - a', '---', 'action: global', 'action: repeat', '        A|re: "("', '    condition: sel | count() > 1', '[', '{', '"', "'", '\\', '*', '%x%',
    'correlation:', '    type: event_count', 'filter:', '    rules: any', '&a [*a, *a]', '!!binary x', 'id: 5f0c3c1e-7a4b-4c47-9d57-0f3c0d1f2a10', '        B|windash|contains: -x'];
  fc.assert(fc.property(
    fc.array(fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 20 })), { maxLength: 25 }),
    (lines) => {
      const rs = loadRuleSources([{ file: 'f.yml', text: lines.join('\n') }]);
      for (const e of rs.errors) assert.ok(e.code.startsWith('SIGMA_') || e.code === 'CONFIG_INVALID', e.code);
      for (const r of rs.rules) r.test(new EventView({ A: 'x', B: '-x' }));
    },
  ), { numRuns: 400 });
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
    loadRuleSources([{ file: 'g.yml', text: s }]);
  }), { numRuns: 300 });
});
