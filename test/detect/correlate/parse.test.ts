// parseCorrelationRule: valid documents from the specification, and one rejection per bad attribute,
// asserting the code and the attribute path (never the wording). Plus the retired pipe aggregations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parse } from 'yaml';
import { ClaimGuardError } from '../../../src/core/index.ts';
import { describeDeprecatedAggregation, parseCorrelationRule, parseTimespan } from '../../../src/detect/correlate/index.ts';

const CTX = { file: 'rules/mr_test.yml', line: 12, column: 1, source: 'https://example.org/mr_test.yml' };

function parseYaml(text: string) {
  return parseCorrelationRule(parse(text) as Record<string, unknown>, CTX);
}

function rejects(doc: Record<string, unknown>, path: string): void {
  assert.throws(() => parseCorrelationRule(doc, CTX), (e: unknown) => {
    assert.ok(e instanceof ClaimGuardError, String(e));
    assert.equal(e.code, 'SIGMA_CORRELATION', e.message);
    assert.deepEqual(e.location, { file: CTX.file, line: 12, column: 1, path }, e.message);
    return true;
  });
}

const ok = { type: 'event_count', rules: ['r1'], 'group-by': ['User'], timespan: '1h', condition: { gte: 100 } };
const withCorr = (c: Record<string, unknown>, top: Record<string, unknown> = {}) => ({ title: 'T', ...top, correlation: c });

test('the specification event_count example parses', () => {
  const r = parseYaml(`
title: Many failed logins
id: 0e95725d-7320-415d-80f7-004da920fc11
author: someone
tags: [attack.t1110]
level: high
license: DRL-1.1
correlation:
    type: event_count
    rules:
        - 5638f7c0-ac70-491d-8465-2a65075e0d86
    group-by:
        - ComputerName
    timespan: 1h
    condition:
        gte: 100
`);
  assert.equal(r.type, 'event_count');
  assert.equal(r.timespan, 3_600_000);
  assert.equal(r.timespanText, '1h');
  assert.deepEqual(r.groupBy, ['ComputerName']);
  assert.deepEqual(r.condition, { gte: 100 });
  assert.deepEqual(r.ref, {
    id: '0e95725d-7320-415d-80f7-004da920fc11', title: 'Many failed logins', level: 'high', author: 'someone',
    source: CTX.source, license: 'DRL-1.1', tags: ['attack.t1110'],
  });
  assert.equal(r.generate, false);
  assert.deepEqual(r.location, { file: CTX.file, line: 12, column: 1 });
});

test('the specification value_count, temporal and aliases examples parse', () => {
  const vc = parseYaml(`
title: Failed login
correlation:
    type: value_count
    rules: [5638f7c0-ac70-491d-8465-2a65075e0d86]
    group-by: [ComputerName, WorkstationName]
    timespan: 1d
    condition:
        field: User
        gte: 100
`);
  assert.equal(vc.condition.field, 'User');
  assert.deepEqual(vc.condition.fields, ['User']);
  assert.equal(vc.level, 'medium', 'documented default level');
  const t = parseYaml(`
title: recon
name: recon_burst
correlation:
    type: temporal
    rules: [recon_cmd_a, recon_cmd_b, recon_cmd_c]
    group-by: [ComputerName, User]
    timespan: 5m
    aliases:
        internal_ip:
            recon_cmd_a: destination.ip
            recon_cmd_b: source.ip
`);
  assert.deepEqual(t.condition, { gte: 3 }, 'temporal defaults to all referenced rules');
  assert.equal(t.name, 'recon_burst');
  assert.equal(t.ref.id, 'name:recon_burst', 'an id-less rule is keyed by its name');
  assert.deepEqual(t.aliases, { internal_ip: { recon_cmd_a: 'destination.ip', recon_cmd_b: 'source.ip' } });
});

test('the v2.1 metric types parse (value_sum, value_avg, value_percentile, value_median)', () => {
  for (const type of ['value_sum', 'value_avg', 'value_median']) {
    const r = parseCorrelationRule(withCorr({ type, rules: ['r'], timespan: '1d', condition: { field: 'Bytes', gt: 1.5 } }), CTX);
    assert.equal(r.type, type);
    assert.equal(r.condition.gt, 1.5);
  }
  const p = parseCorrelationRule(withCorr({ type: 'value_percentile', rules: ['r'], timespan: '1d', condition: { field: 'X', percentile: 95, lte: 1 } }), CTX);
  assert.equal(p.condition.percentile, 95);
});

test('string conditions for temporal types parse; rules may come from the condition', () => {
  const r = parseCorrelationRule(withCorr({ type: 'temporal', timespan: '5m', condition: 'a and (b OR not c)' }), CTX);
  assert.deepEqual(r.rules, ['a', 'b', 'c']);
  assert.deepEqual(r.expression, { op: 'and', args: [{ op: 'ref', ref: 'a' }, { op: 'or', args: [{ op: 'ref', ref: 'b' }, { op: 'not', arg: { op: 'ref', ref: 'c' } }] }] });
  const o = parseCorrelationRule(withCorr({ type: 'temporal_ordered', rules: ['x', 'y'], timespan: '5m', condition: 'x AND y' }), CTX);
  assert.equal(o.expression?.op, 'and');
});

test('generate may sit at the top level (spec, schema) or in the correlation section (pySigma)', () => {
  assert.equal(parseCorrelationRule(withCorr(ok, { generate: true }), CTX).generate, true);
  assert.equal(parseCorrelationRule(withCorr({ ...ok, generate: true }), CTX).generate, true);
  rejects(withCorr({ ...ok, generate: false }, { generate: true }), 'correlation.generate');
});

test('timespans: every unit, and the invalid forms', () => {
  assert.deepEqual(['30s', '5m', '2h', '1d', '1w', '1M', '1y', '90m'].map(parseTimespan),
    [30_000, 300_000, 7_200_000, 86_400_000, 604_800_000, 2_629_746_000, 31_556_952_000, 5_400_000]);
  for (const bad of ['5', '0m', '5 m', '5S', 'm', '-1h', '1.5h', '', 5, null, '99999999999999999y', '1h30m']) {
    assert.equal(parseTimespan(bad), undefined, String(bad));
  }
});

const REJECTIONS: [string, Record<string, unknown>, string][] = [
  ['missing title', { correlation: ok }, 'title'],
  ['empty title', { title: ' ', correlation: ok }, 'title'],
  ['title too long', { title: 'x'.repeat(257), correlation: ok }, 'title'],
  ['id not a string', withCorr(ok, { id: 5 }), 'id'],
  ['name empty', withCorr(ok, { name: '' }), 'name'],
  ['level unknown', withCorr(ok, { level: 'severe' }), 'level'],
  ['author not a string', withCorr(ok, { author: ['a'] }), 'author'],
  ['tags not a list', withCorr(ok, { tags: 'attack.x' }), 'tags'],
  ['status unknown', withCorr(ok, { status: 'beta' }), 'status'],
  ['date in the v1 format', withCorr(ok, { date: '2023/01/02' }), 'date'],
  ['references not a list', withCorr(ok, { references: 'http://x' }), 'references'],
  ['a detection in a correlation document', withCorr(ok, { detection: {} }), 'detection'],
  ['missing correlation', { title: 'T' }, 'correlation'],
  ['correlation not a mapping', { title: 'T', correlation: ['x'] }, 'correlation'],
  ['unknown correlation key', withCorr({ ...ok, group_by: ['x'] }), 'correlation.group_by'],
  ['missing type', withCorr({ ...ok, type: undefined }), 'correlation.type'],
  ['unknown type', withCorr({ ...ok, type: 'value_max' }), 'correlation.type'],
  ['missing rules', withCorr({ ...ok, rules: undefined }), 'correlation.rules'],
  ['empty rules', withCorr({ ...ok, rules: [] }), 'correlation.rules'],
  ['rules entry not a string', withCorr({ ...ok, rules: ['a', 3] }), 'correlation.rules[1]'],
  ['rule listed twice', withCorr({ ...ok, rules: ['a', 'a'] }), 'correlation.rules[1]'],
  ['group-by not a list', withCorr({ ...ok, 'group-by': { a: 1 } }), 'correlation.group-by'],
  ['group-by entry empty', withCorr({ ...ok, 'group-by': ['a', ''] }), 'correlation.group-by[1]'],
  ['group-by repeats a field', withCorr({ ...ok, 'group-by': ['a', 'a'] }), 'correlation.group-by'],
  ['missing timespan', withCorr({ ...ok, timespan: undefined }), 'correlation.timespan'],
  ['bad timespan', withCorr({ ...ok, timespan: '1 hour' }), 'correlation.timespan'],
  ['zero timespan', withCorr({ ...ok, timespan: '0s' }), 'correlation.timespan'],
  ['missing condition for event_count', withCorr({ ...ok, condition: undefined }), 'correlation.condition'],
  ['condition without operator', withCorr({ ...ok, condition: {} }), 'correlation.condition'],
  ['condition operator not a number', withCorr({ ...ok, condition: { gte: '10' } }), 'correlation.condition.gte'],
  ['unknown condition key', withCorr({ ...ok, condition: { ge: 10 } }), 'correlation.condition.ge'],
  ['gt with gte', withCorr({ ...ok, condition: { gt: 1, gte: 2 } }), 'correlation.condition'],
  ['lt with lte', withCorr({ ...ok, condition: { lt: 1, lte: 2 } }), 'correlation.condition'],
  ['condition is a list', withCorr({ ...ok, condition: [{ gte: 1 }] }), 'correlation.condition'],
  ['string condition on event_count', withCorr({ ...ok, condition: 'r1' }), 'correlation.condition'],
  ['field on event_count', withCorr({ ...ok, condition: { gte: 1, field: 'x' } }), 'correlation.condition.field'],
  ['value_count without field', withCorr({ ...ok, type: 'value_count' }), 'correlation.condition.field'],
  ['value_sum over two fields', withCorr({ ...ok, type: 'value_sum', condition: { gte: 1, field: ['a', 'b'] } }), 'correlation.condition.field'],
  ['field empty list', withCorr({ ...ok, type: 'value_count', condition: { gte: 1, field: [] } }), 'correlation.condition.field'],
  ['value_percentile without percentile', withCorr({ ...ok, type: 'value_percentile', condition: { gte: 1, field: 'x' } }), 'correlation.condition.percentile'],
  ['percentile above 100', withCorr({ ...ok, type: 'value_percentile', condition: { gte: 1, field: 'x', percentile: 101 } }), 'correlation.condition.percentile'],
  ['percentile on value_avg', withCorr({ ...ok, type: 'value_avg', condition: { gte: 1, field: 'x', percentile: 50 } }), 'correlation.condition.percentile'],
  ['aliases not a mapping', withCorr({ ...ok, aliases: ['x'] }), 'correlation.aliases'],
  ['alias mapping not a mapping', withCorr({ ...ok, aliases: { ip: 'src' } }), 'correlation.aliases.ip'],
  ['alias field empty', withCorr({ ...ok, aliases: { ip: { r1: '' } } }), 'correlation.aliases.ip.r1'],
  ['generate not a boolean', withCorr({ ...ok, generate: 'yes' }), 'correlation.generate'],
  ['string condition names an unlisted rule', withCorr({ type: 'temporal', rules: ['a'], timespan: '1m', condition: 'a and b' }), 'correlation.condition'],
  ['string condition leaves a listed rule out', withCorr({ type: 'temporal', rules: ['a', 'b'], timespan: '1m', condition: 'a' }), 'correlation.condition'],
  ['string condition syntax error', withCorr({ type: 'temporal', rules: ['a', 'b'], timespan: '1m', condition: 'a and (b' }), 'correlation.condition'],
  ['string condition with a stray operator', withCorr({ type: 'temporal', rules: ['a', 'b'], timespan: '1m', condition: 'a or or b' }), 'correlation.condition'],
  ['temporal_ordered with a non-conjunction', withCorr({ type: 'temporal_ordered', rules: ['a', 'b'], timespan: '1m', condition: 'a or b' }), 'correlation.condition'],
];

for (const [name, doc, path] of REJECTIONS) {
  test(`rejects: ${name}`, () => rejects(doc, path));
}

test('retired pipe aggregations name the replacing correlation type', () => {
  const cases: [string, RegExp][] = [
    ['selection | count() by SourceIp > 5', /event_count.*group-by: \[SourceIp\].*gt: 5/],
    ['selection | count(TargetUserName) by WorkstationName >= 10', /value_count.*field: TargetUserName, gte: 10/],
    ['selection | count() > 100', /event_count.*gt: 100/],
    ['selection | sum(Bytes) by User > 1000', /value_sum.*field: Bytes/],
    ['selection | avg(Duration) by Host < 3', /value_avg.*lt: 3/],
    ['selection | max(Bytes) by User > 9', /value_percentile.*percentile: 100/],
    ['selection | min(Bytes) by User < 2', /value_percentile.*percentile: 0/],
    ['selection1 | near selection2 and not selection3', /temporal_ordered/],
    ['selection | something odd', /correlation rules/],
  ];
  for (const [cond, re] of cases) assert.match(describeDeprecatedAggregation(cond) ?? '', re, cond);
  assert.equal(describeDeprecatedAggregation('selection and not filter'), undefined);
  assert.equal(describeDeprecatedAggregation('1 of selection_*'), undefined);
});

test('fuzz: arbitrary documents never crash the parser (ClaimGuardError or a rule)', () => {
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 12 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null),
      fc.constantFrom('event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_percentile', '5m', '1h', 'gte', 'field'),
      fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.constantFrom('gte', 'lt', 'field', 'percentile', 'x', 'a', 'b'), tie('v'), { maxKeys: 4 })),
  })).v;
  // Mostly-plausible values with hostile ones mixed in, so both paths are exercised.
  const mostly = <T,>(good: fc.Arbitrary<T>) => fc.oneof({ arbitrary: good, weight: 5 }, { arbitrary: value, weight: 1 });
  const corrGen = fc.record({
    type: mostly(fc.constantFrom('event_count', 'value_count', 'temporal', 'temporal_ordered', 'value_sum', 'value_avg', 'value_percentile', 'value_median')),
    rules: mostly(fc.uniqueArray(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 3 })),
    'group-by': mostly(fc.uniqueArray(fc.constantFrom('User', 'Host'), { maxLength: 2 })),
    timespan: mostly(fc.constantFrom('5m', '1h', '0s', 'x', '3w')),
    condition: mostly(fc.oneof(
      fc.record({ gte: fc.integer(), field: fc.constantFrom('X', 'Y'), percentile: fc.integer({ min: -5, max: 105 }) }, { requiredKeys: ['gte'] }),
      fc.constantFrom('a and b', 'a or', 'not a', 'a and b and c'))),
    aliases: fc.option(value, { nil: undefined }),
    generate: fc.option(fc.boolean(), { nil: undefined }),
  }, { requiredKeys: ['type', 'rules', 'timespan'] });
  const doc = fc.record({ title: mostly(fc.constant('T')), id: fc.option(value, { nil: undefined }), name: fc.option(value, { nil: undefined }),
    level: fc.option(value, { nil: undefined }), correlation: mostly(corrGen) }, { requiredKeys: ['title', 'correlation'] });
  let parsed = 0;
  fc.assert(fc.property(doc, (d) => {
    try {
      const r = parseCorrelationRule(d as Record<string, unknown>, CTX);
      assert.ok(r.timespan > 0 && r.rules.length > 0);
      parsed++;
    } catch (e) {
      if (!(e instanceof ClaimGuardError) || e.code !== 'SIGMA_CORRELATION') throw e;
    }
  }), { numRuns: 3000, seed: 42 });
  assert.ok(parsed > 0, 'some random documents are valid');
});
