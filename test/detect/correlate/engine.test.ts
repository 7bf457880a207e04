// Engine behaviour beyond single-rule vectors: chained correlations, generate, reference resolution
// errors, snapshot/restore and option validation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { ClaimGuardError } from '../../../src/core/index.ts';
import {
  CorrelationEngine, parseCorrelationRule, type CorrelationRule, type CorrelationSnapshot,
} from '../../../src/detect/correlate/index.ts';
import { BASE, corr, ev, firedAt, run, type Step } from './helpers.ts';

const S = 1000;

function throwsCode(fn: () => unknown, code: string, path?: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof ClaimGuardError, String(e));
    assert.equal(e.code, code, e.message);
    if (path !== undefined) assert.equal(e.location?.path, path);
    return true;
  });
}

// The specification's own example: many failed logins followed by a successful login (multi-document).
const SPEC_EXAMPLE = `
title: Correlation - Multiple Failed Logins Followed by Successful Login
id: b180ead8-d58f-40b2-ae54-c8940995b9b6
status: experimental
author: Florian Roth (Nextron Systems)
date: 2023-06-16
correlation:
    type: temporal_ordered
    rules:
        - multiple_failed_login
        - successful_login
    group-by:
        - User
    timespan: 10m
falsepositives:
    - Unlikely
level: high
---
title: Multiple failed logons
id: a8418a5a-5fc4-46b5-b23b-6c73beb19d41
name: multiple_failed_login
correlation:
    type: event_count
    rules:
        - failed_login
    group-by:
        - User
    timespan: 10m
    condition:
        gte: 10
`;

function specRules(): CorrelationRule[] {
  return parseAllDocuments(SPEC_EXAMPLE).map((d, i) => {
    const pos = d.contents?.range?.[0] ?? 0;
    const line = SPEC_EXAMPLE.slice(0, pos).split('\n').length;
    return parseCorrelationRule(d.toJS() as Record<string, unknown>, { file: 'mr_spec.yml', line, column: 1, source: `mr_spec.yml#${i}` });
  });
}
const SPEC_BASE = [
  { id: '53ba33fd-3a50-4468-a5ef-c583635cfa92', name: 'failed_login' },
  { id: '4d0a2c83-c62c-4ed4-b475-c7e23a9269b8', name: 'successful_login' },
];

test('chained correlation from the specification: 10 failed logins then a success fires the outer rule only', () => {
  const engine = new CorrelationEngine(specRules(), { baseRules: SPEC_BASE });
  const out = [];
  for (let i = 0; i < 10; i++) {
    out.push(...engine.onMatch({ ruleId: SPEC_BASE[0].id, ruleName: 'failed_login', event: ev(i * S, { User: 'mallory' }) }));
  }
  assert.equal(out.length, 0, 'the inner event_count fired but is not an alert of its own (generate: false)');
  assert.equal(engine.stats().perRule!['a8418a5a-5fc4-46b5-b23b-6c73beb19d41'].fired, 1);
  const other = engine.onMatch({ ruleId: SPEC_BASE[1].id, event: ev(20 * S, { User: 'alice' }) });
  assert.equal(other.length, 0, 'success of another user');
  const fired = engine.onMatch({ ruleId: SPEC_BASE[1].id, event: ev(30 * S, { User: 'mallory' }) });
  assert.equal(fired.length, 1);
  assert.equal(fired[0].rule.ref.id, 'b180ead8-d58f-40b2-ae54-c8940995b9b6');
  assert.equal(fired[0].rule.level, 'high');
  assert.equal(fired[0].rule.ref.author, 'Florian Roth (Nextron Systems)');
  assert.deepEqual(fired[0].group, { User: 'mallory' });
  assert.equal(fired[0].value, 2);
  assert.equal(fired[0].time, 30 * S);
  assert.equal(engine.emitsStandalone('failed_login'), false);
  assert.equal(engine.emitsStandalone(SPEC_BASE[1].id), false);
  assert.equal(engine.emitsStandalone('a8418a5a-5fc4-46b5-b23b-6c73beb19d41'), false, 'the inner correlation is not output');
  assert.equal(engine.emitsStandalone('b180ead8-d58f-40b2-ae54-c8940995b9b6'), true);
});

test('chained correlation: success before the failures does not fire (order)', () => {
  const engine = new CorrelationEngine(specRules(), { baseRules: SPEC_BASE });
  let n = engine.onMatch({ ruleId: SPEC_BASE[1].id, event: ev(0, { User: 'm' }) }).length;
  for (let i = 1; i <= 10; i++) n += engine.onMatch({ ruleId: SPEC_BASE[0].id, event: ev(i * S, { User: 'm' }) }).length;
  assert.equal(n, 0);
});

test('chained correlation: generate: true on the outer rule emits the inner firings too', () => {
  const inner = corr({ type: 'event_count', rules: ['a'], 'group-by': ['User'], timespan: '1m', condition: { gte: 2 } }, { id: 'inner', name: 'inner_rule' });
  const outer = corr({ type: 'event_count', rules: ['inner'], 'group-by': ['User'], timespan: '1h', condition: { gte: 2 }, generate: true }, { id: 'outer' });
  const steps: Step[] = [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: { User: 'x' } }));
  // Repeated inner firings are what this checks, so suppression is off.
  const { fires, engine } = run([inner, outer], steps, { suppressMs: 0 });
  assert.deepEqual(fires.map((fs) => fs.map((f) => f.rule.ref.id)), [[], ['inner'], [], ['inner', 'outer']]);
  assert.equal(engine.emitsStandalone('a'), false, 'the inner rule does not generate its base rule');
  assert.equal(engine.emitsStandalone('inner_rule'), true);
});

test('chained correlation: the outer group-by reads the inner group values and event fields', () => {
  // inner groups by User and Host; outer counts distinct hosts per user across inner firings.
  const inner = corr({ type: 'event_count', rules: ['a'], 'group-by': ['User', 'Host'], timespan: '1m', condition: { gte: 2 } }, { id: 'inner', name: 'burst' });
  const outer = corr({ type: 'value_count', rules: ['burst'], 'group-by': ['User'], timespan: '1h', condition: { field: 'Host', gte: 2 } }, { id: 'outer' });
  const steps: Step[] = [
    { r: 'a', t: 0, f: { User: 'x', Host: 'h1' } }, { r: 'a', t: 1, f: { User: 'x', Host: 'h1' } },
    { r: 'a', t: 2, f: { User: 'x', Host: 'h2' } }, { r: 'a', t: 3, f: { User: 'y', Host: 'h3' } },
    { r: 'a', t: 4, f: { User: 'x', Host: 'h2' } },
  ];
  const { fires } = run([inner, outer], steps);
  assert.deepEqual(firedAt(fires), [[4, 2]]);
  assert.deepEqual(fires[4][0].group, { User: 'x' });
});

test('three-level chain resolves by id and by name', () => {
  const c1 = corr({ type: 'event_count', rules: ['a'], timespan: '1m', condition: { gte: 2 } }, { id: 'c1', name: 'one' });
  const c2 = corr({ type: 'event_count', rules: ['c1'], timespan: '1m', condition: { gte: 2 } }, { id: 'c2', name: 'two' });
  const c3 = corr({ type: 'temporal', rules: ['two', 'b'], timespan: '1m' }, { id: 'c3' });
  const steps: Step[] = [0, 1, 2, 3].map((t) => ({ r: 'a', t })).concat([{ r: 'b', t: 4 }]);
  const { fires } = run([c3, c2, c1], steps); // order of the rules list does not matter
  assert.deepEqual(fires.map((fs) => fs.map((f) => f.rule.ref.id)), [[], [], [], [], ['c3']]);
});

test('an unknown reference is SIGMA_UNKNOWN_REFERENCE with the rule location and attribute path', () => {
  const r = corr({ type: 'event_count', rules: ['a', 'nope'], timespan: '1m', condition: { gte: 2 } });
  assert.throws(() => new CorrelationEngine([r], { baseRules: BASE }), (e: unknown) => {
    assert.ok(e instanceof ClaimGuardError);
    assert.equal(e.code, 'SIGMA_UNKNOWN_REFERENCE');
    assert.deepEqual(e.location, { file: 'test.yml', line: 1, column: 1, path: 'correlation.rules[1]' });
    return true;
  });
  // without the base-rule catalogue nothing but other correlations resolves
  throwsCode(() => new CorrelationEngine([corr({ type: 'event_count', rules: ['a'], timespan: '1m', condition: { gte: 1 } })]), 'SIGMA_UNKNOWN_REFERENCE');
});

test('an alias naming an unknown or unreferenced rule is rejected', () => {
  throwsCode(() => new CorrelationEngine([corr({ type: 'temporal', rules: ['a', 'b'], timespan: '1m', aliases: { ip: { zz: 'x' } } })], { baseRules: BASE }),
    'SIGMA_UNKNOWN_REFERENCE', 'correlation.aliases.ip.zz');
  throwsCode(() => new CorrelationEngine([corr({ type: 'temporal', rules: ['a', 'b'], timespan: '1m', aliases: { ip: { c: 'x' } } })], { baseRules: BASE }),
    'SIGMA_CORRELATION', 'correlation.aliases.ip.c');
});

test('cycles, self references, duplicate ids and names, and double references are rejected', () => {
  const x = corr({ type: 'event_count', rules: ['y'], timespan: '1m', condition: { gte: 1 } }, { id: 'x' });
  const y = corr({ type: 'event_count', rules: ['x'], timespan: '1m', condition: { gte: 1 } }, { id: 'y' });
  throwsCode(() => new CorrelationEngine([x, y], { baseRules: BASE }), 'SIGMA_CORRELATION', 'correlation.rules');
  throwsCode(() => new CorrelationEngine([corr({ type: 'event_count', rules: ['me'], timespan: '1m', condition: { gte: 1 } }, { id: 'me' })], { baseRules: BASE }),
    'SIGMA_CORRELATION', 'correlation.rules[0]');
  throwsCode(() => new CorrelationEngine([corr({ type: 'event_count', rules: ['a'], timespan: '1m', condition: { gte: 1 } }, { id: 'id-a' })], { baseRules: BASE }),
    'SIGMA_CORRELATION', 'id');
  throwsCode(() => new CorrelationEngine([corr({ type: 'event_count', rules: ['b'], timespan: '1m', condition: { gte: 1 } }, { id: 'z', name: 'a' })], { baseRules: BASE }),
    'SIGMA_CORRELATION', 'name');
  throwsCode(() => new CorrelationEngine([corr({ type: 'temporal', rules: ['a', 'id-a'], timespan: '1m' })], { baseRules: BASE }),
    'SIGMA_CORRELATION', 'correlation.rules[1]');
});

test('engine options are validated', () => {
  const r = corr({ type: 'event_count', rules: ['a'], timespan: '1m', condition: { gte: 1 } });
  for (const opts of [{ allowedLatenessMs: -1 }, { allowedLatenessMs: Infinity }, { maxGroupsPerRule: 0 }, { maxEntriesPerGroup: 1.5 },
    { afterFire: 'sometimes' as never }, { suppressMs: -1 }, { suppressMs: Infinity }, { suppressMs: NaN }]) {
    throwsCode(() => new CorrelationEngine([r], { baseRules: BASE, ...opts }), 'CONFIG_INVALID');
  }
});

test('a firing carries the contributing events of its window, oldest first and bounded', () => {
  const r = corr({ type: 'event_count', rules: ['a'], timespan: '10s', condition: { gte: 5 } });
  const { fires } = run([r], [0, 1, 2, 3, 4].map((t) => ({ r: 'a', t: t * S, f: { n: t } })), { maxEventsPerFire: 3 });
  const f = fires[4][0];
  assert.deepEqual(f.events.map((e) => e.fields.n), [2, 3, 4]);
  assert.equal(f.windowStart, 0);
});

function mixedRules(): CorrelationRule[] {
  return [
    corr({ type: 'event_count', rules: ['a'], 'group-by': ['User'], timespan: '10s', condition: { gte: 3 } }, { id: 'ec' }),
    corr({ type: 'value_count', rules: ['a', 'b'], 'group-by': ['Host'], timespan: '10s', condition: { field: 'User', gte: 3 } }, { id: 'vc' }),
    corr({ type: 'temporal_ordered', rules: ['a', 'b', 'c'], 'group-by': ['User'], timespan: '10s' }, { id: 'to' }),
    corr({ type: 'value_median', rules: ['b'], timespan: '10s', condition: { field: 'N', gte: 5 } }, { id: 'vm' }),
  ];
}
function mixedStream(n: number): Step[] {
  const steps: Step[] = [];
  for (let i = 0; i < n; i++) {
    const jitter = (i * 7919) % 3000; // out of order within 3 s
    steps.push({ r: ['a', 'b', 'c'][i % 3], t: i * 700 + jitter, f: { User: 'u' + (i % 4), Host: 'h' + (i % 2), N: i % 11 }, id: 'e' + i });
  }
  return steps;
}

test('snapshot → JSON → restore continues exactly like an uninterrupted engine', () => {
  const steps = mixedStream(400);
  const opts = { allowedLatenessMs: 5 * S, maxEntriesPerGroup: 20 };
  const whole = new CorrelationEngine(mixedRules(), { baseRules: BASE, ...opts });
  const split1 = new CorrelationEngine(mixedRules(), { baseRules: BASE, ...opts });
  const feed = (e: CorrelationEngine, s: Step) => e.onMatch({ ruleId: BASE.find((b) => b.name === s.r)!.id, event: ev(s.t, s.f, s.id) })
    .map((f) => `${f.rule.ref.id}|${f.groupKey}|${f.time}|${f.value}`);
  const a: string[] = [], b: string[] = [];
  steps.forEach((s, i) => {
    a.push(...feed(whole, s));
    if (i < 200) b.push(...feed(split1, s));
  });
  const json = JSON.stringify(split1.snapshot());
  const split2 = new CorrelationEngine(mixedRules(), { baseRules: BASE, ...opts });
  const rep = split2.restore(JSON.parse(json));
  assert.deepEqual(rep.restored.sort(), ['ec', 'to', 'vc', 'vm']);
  for (const s of steps.slice(200)) b.push(...feed(split2, s));
  assert.ok(a.length > 10, `enough firings to compare (${a.length})`);
  assert.deepEqual(b, a);
  assert.deepEqual(JSON.parse(JSON.stringify(split2.snapshot())), JSON.parse(JSON.stringify(whole.snapshot())));
});

test('restore skips rules whose shape changed and reports unknown rule ids', () => {
  const e1 = new CorrelationEngine([corr({ type: 'event_count', rules: ['a'], timespan: '10s', condition: { gte: 9 } }, { id: 'r1' })], { baseRules: BASE });
  e1.onMatch({ ruleId: 'id-a', event: ev(0) });
  const snap = e1.snapshot();
  const e2 = new CorrelationEngine([corr({ type: 'event_count', rules: ['a'], timespan: '20s', condition: { gte: 9 } }, { id: 'r1' })], { baseRules: BASE });
  const rep = e2.restore(snap);
  assert.deepEqual(rep.restored, []);
  assert.equal(rep.skipped[0].id, 'r1');
  const e3 = new CorrelationEngine([corr({ type: 'event_count', rules: ['a'], timespan: '10s', condition: { gte: 9 } }, { id: 'other' })], { baseRules: BASE });
  assert.deepEqual(e3.restore(snap).skipped.map((s) => s.id), ['r1']);
});

test('restore rejects malformed snapshots with SIGMA_CORRELATION_STATE and keeps its state', () => {
  const mk = () => new CorrelationEngine([corr({ type: 'event_count', rules: ['a'], timespan: '10s', condition: { gte: 2 } }, { id: 'r1' })], { baseRules: BASE });
  const good = mk();
  good.onMatch({ ruleId: 'id-a', event: ev(0) });
  const snap = good.snapshot();
  const cases: [unknown, string | undefined][] = [
    [null, undefined],
    [{ ...snap, version: 99 }, 'version'],
    [{ ...snap, format: 'x' }, 'format'],
    [{ ...snap, seq: -1 }, 'seq'],
    [{ ...snap, rules: [] }, 'rules'],
    [{ ...snap, rules: { r1: { ...snap.rules.r1, groups: [{ key: '', values: [], entries: [[0, 1, 7, '', 'x']], resetBefore: null, events: [] }] } } }, 'rules.r1.groups[0].entries[0]'],
    [{ ...snap, rules: { r1: { ...snap.rules.r1, groups: [{ key: 1 }] } } }, 'rules.r1.groups[0]'],
    [{ ...snap, rules: { r1: { ...snap.rules.r1, groups: [{ key: '', values: [], entries: [], resetBefore: null, events: [{ id: 'x', time: 'soon', fields: {} }] }] } } }, 'rules.r1.groups[0].events[0]'],
  ];
  for (const [bad, path] of cases) {
    const e = mk();
    e.onMatch({ ruleId: 'id-a', event: ev(0) });
    throwsCode(() => e.restore(bad), 'SIGMA_CORRELATION_STATE', path);
    assert.equal(e.onMatch({ ruleId: 'id-a', event: ev(1) }).length, 1, 'state unchanged after a failed restore');
  }
  const typed: CorrelationSnapshot = snap;
  assert.equal(typed.version, 1);
});

test('restore enforces the bounds of the receiving engine', () => {
  const r = () => corr({ type: 'event_count', rules: ['a'], 'group-by': ['U'], timespan: '1h', condition: { gte: 1000 } }, { id: 'r1' });
  const big = new CorrelationEngine([r()], { baseRules: BASE });
  for (let i = 0; i < 50; i++) big.onMatch({ ruleId: 'id-a', event: ev(i, { U: 'u' + (i % 10) }) });
  const small = new CorrelationEngine([r()], { baseRules: BASE, maxGroupsPerRule: 4, maxEntriesPerGroup: 2 });
  small.restore(big.snapshot());
  const st = small.stats().perRule!.r1;
  assert.ok(st.groups <= 4 && st.largestGroup <= 2, JSON.stringify(st));
});

test('partition keeps the good correlations and rejects bad ones with their errors, cascading to chains', () => {
  const good = corr({ type: 'event_count', rules: ['a'], timespan: '1m', condition: { gte: 2 } }, { id: 'good' });
  const unknown = corr({ type: 'event_count', rules: ['missing_rule'], timespan: '1m', condition: { gte: 2 } }, { id: 'unknown', name: 'unknown_inner' });
  const chained = corr({ type: 'event_count', rules: ['unknown_inner'], timespan: '1h', condition: { gte: 2 } }, { id: 'chained' });
  const x = corr({ type: 'event_count', rules: ['y'], timespan: '1m', condition: { gte: 1 } }, { id: 'x' });
  const y = corr({ type: 'event_count', rules: ['x'], timespan: '1m', condition: { gte: 1 } }, { id: 'y' });
  const dup = corr({ type: 'event_count', rules: ['b'], timespan: '1m', condition: { gte: 1 } }, { id: 'good' });
  const { accepted, rejected } = CorrelationEngine.partition([good, unknown, chained, x, y, dup], { baseRules: BASE });
  assert.deepEqual(accepted, [good]);
  assert.deepEqual(rejected.map((r) => [r.rule === dup ? 'dup' : r.rule.ref.id, r.error.code]).sort(), [
    ['chained', 'SIGMA_UNKNOWN_REFERENCE'], ['dup', 'SIGMA_CORRELATION'], ['unknown', 'SIGMA_UNKNOWN_REFERENCE'],
    ['x', 'SIGMA_CORRELATION'], ['y', 'SIGMA_UNKNOWN_REFERENCE'],
  ].sort());
  // the accepted set really runs
  const e = new CorrelationEngine(accepted, { baseRules: BASE });
  e.onMatch({ ruleId: 'id-a', event: ev(0) });
  assert.equal(e.onMatch({ ruleId: 'id-a', event: ev(1) }).length, 1);
  // option errors are not a rule's fault: they propagate
  throwsCode(() => CorrelationEngine.partition([good], { baseRules: BASE, maxGroupsPerRule: 0 }), 'CONFIG_INVALID');
});

test('an absurd future timestamp is dropped instead of pushing the watermark ahead', () => {
  const r = corr({ type: 'event_count', rules: ['a'], timespan: '1m', condition: { gte: 2 } });
  const e = new CorrelationEngine([r], { baseRules: BASE, allowedLatenessMs: 0 });
  const now = Date.UTC(2026, 0, 1);
  const at = (time: number) => ({ ...ev(time), ingested: now });
  assert.deepEqual(e.onMatch({ ruleId: 'id-a', event: at(Date.UTC(2099, 0, 1)) }), []);
  assert.deepEqual(e.onMatch({ ruleId: 'id-a', event: at(now - 1000) }), []);
  assert.equal(e.onMatch({ ruleId: 'id-a', event: at(now) }).length, 1, 'later matches are not late');
  assert.equal(e.stats().futureDropped, 1);
  // up to 24 h ahead is accepted (time zone mistakes reach 14 h); the check can be widened or disabled
  const e1 = new CorrelationEngine([r], { baseRules: BASE });
  e1.onMatch({ ruleId: 'id-a', event: at(now + 86_400_000) });
  e1.onMatch({ ruleId: 'id-a', event: at(now + 86_400_001) });
  assert.deepEqual([e1.stats().futureDropped, e1.stats().perRule!['corr-1'].entries], [1, 1]);
  const e2 = new CorrelationEngine([r], { baseRules: BASE, maxFutureMs: Infinity });
  e2.onMatch({ ruleId: 'id-a', event: at(Date.UTC(2099, 0, 1)) });
  assert.equal(e2.stats().futureDropped, 0);
  assert.equal(e2.stats().perRule!['corr-1'].watermark, Date.UTC(2099, 0, 1));
  // events without an ingest time are not checked
  const e3 = new CorrelationEngine([r], { baseRules: BASE });
  e3.onMatch({ ruleId: 'id-a', event: { ...ev(Date.UTC(2099, 0, 1)), ingested: 0 } });
  assert.equal(e3.stats().futureDropped, 0);
  throwsCode(() => new CorrelationEngine([r], { baseRules: BASE, maxFutureMs: -1 }), 'CONFIG_INVALID');
});

// ---- suppression ------------------------------------------------------------------------------------

/** The shipped SSH brute-force rule pair (rules/linux/sshd_brute_force.yml): base rule + event_count correlation. */
function shippedBruteForce(): { rule: CorrelationRule; base: { id: string; name: string } } {
  const text = readFileSync(new URL('../../../rules/linux/sshd_brute_force.yml', import.meta.url), 'utf8');
  const docs = parseAllDocuments(text).map((d) => d.toJS() as Record<string, unknown>);
  const baseDoc = docs.find((d) => !('correlation' in d))!;
  const corrDoc = docs.find((d) => 'correlation' in d)!;
  return { rule: parseCorrelationRule(corrDoc, { file: 'sshd_brute_force.yml', source: 'sshd_brute_force.yml' }),
    base: { id: baseDoc.id as string, name: baseDoc.name as string } };
}

/** One SFTP brute-force attack: 720 failed logins from one address, one every 2 s (24 minutes). */
function sftpAttack(engine: CorrelationEngine, baseId: string, t0: number): number {
  let alerts = 0;
  for (let i = 0; i < 720; i++) {
    alerts += engine.onMatch({ ruleId: baseId, event: ev(t0 + i * 2 * S, { src_ip: '45.134.26.3', user: `u${i % 40}`, outcome: 'failure' }) }).length;
  }
  return alerts;
}

test('suppression: one SFTP brute-force attack of 720 failures is one alert, not 72; the episode counts the firings', () => {
  const { rule, base } = shippedBruteForce();
  const t0 = Date.UTC(2026, 2, 10, 3, 0, 0);
  const off = new CorrelationEngine([rule], { baseRules: [base], suppressMs: 0 });
  assert.equal(sftpAttack(off, base.id, t0), 72, 'without suppression the engine fires every 10 failures');

  const on = new CorrelationEngine([rule], { baseRules: [base] });
  assert.equal(sftpAttack(on, base.id, t0), 1);
  const st = on.stats();
  assert.equal(st.fired, 1);
  assert.equal(st.suppressed, 71);
  assert.deepEqual({ fired: st.perRule![rule.ref.id].fired, suppressed: st.perRule![rule.ref.id].suppressed, ms: st.perRule![rule.ref.id].suppressMs },
    { fired: 1, suppressed: 71, ms: 300_000 });
  const eps = on.episodes();
  assert.equal(eps.length, 1);
  assert.deepEqual({ ...eps[0], group: { ...eps[0].group } }, {
    ruleId: rule.ref.id, groupKey: '45.134.26.3', group: { src_ip: '45.134.26.3' },
    start: t0 + 9 * 2 * S, last: t0 + 719 * 2 * S, until: t0 + 719 * 2 * S + 300_000, firings: 72, suppressed: 71, value: 10,
  });

  // The same address again after a quiet gap longer than the window: a second episode, a second alert.
  assert.equal(sftpAttack(on, base.id, t0 + 719 * 2 * S + 300_001 + 60_000), 1);
  assert.equal(on.stats().fired, 2);
  assert.equal(on.episodes().length, 1, 'the first episode is closed once the watermark passed its end');
});

test('suppression: per-rule window from custom.suppress, and two rules on one group do not suppress each other', () => {
  const burst = corr({ type: 'event_count', rules: ['a'], 'group-by': ['User'], timespan: '10s', condition: { gte: 2 } }, { id: 'burst', custom: { suppress: '1h' } });
  const other = corr({ type: 'event_count', rules: ['a'], 'group-by': ['User'], timespan: '10s', condition: { gte: 3 } }, { id: 'other' });
  assert.equal(burst.suppress, 3_600_000);
  const steps: Step[] = [0, 1, 2, 3, 4, 5].map((t) => ({ r: 'a', t: t * 10 * 60 * S, f: { User: 'x' } }))
    .flatMap((s) => [s, { ...s, t: s.t + 1 }, { ...s, t: s.t + 2 }]);
  const { fires, engine } = run([burst, other], steps, { suppressMs: 1000 });
  const by = (id: string) => fires.flat().filter((f) => f.rule.ref.id === id).length;
  assert.equal(by('burst'), 1, 'the 1 h rule window folds firings 10 min apart into one episode');
  assert.equal(by('other'), 6, 'the engine window (1 s) lets the other rule alert every 10 min');
  const st = engine.stats().perRule!;
  assert.equal(st.burst.suppressMs, 3_600_000);
  assert.equal(st.other.suppressMs, 1000);
  assert.equal(st.burst.suppressed, 5);
});

test('suppression: a suppressed inner firing still feeds the outer correlation', () => {
  const inner = corr({ type: 'event_count', rules: ['a'], 'group-by': ['User'], timespan: '1m', condition: { gte: 2 } }, { id: 'inner', name: 'inner_rule' });
  const outer = corr({ type: 'event_count', rules: ['inner'], 'group-by': ['User'], timespan: '1h', condition: { gte: 2 }, generate: true }, { id: 'outer' });
  const { fires, engine } = run([inner, outer], [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: { User: 'x' } })));
  assert.deepEqual(fires.map((fs) => fs.map((f) => f.rule.ref.id)), [[], ['inner'], [], ['outer']]);
  assert.equal(engine.stats().perRule!.inner.suppressed, 1);
});

test('suppression: the open episode survives snapshot/restore; old snapshots without episodes load', () => {
  const r = corr({ type: 'event_count', rules: ['a'], 'group-by': ['User'], timespan: '10s', condition: { gte: 2 } });
  const a = new CorrelationEngine([r], { baseRules: BASE });
  const feed = (e: CorrelationEngine, t: number) => e.onMatch({ ruleId: 'id-a', event: ev(t, { User: 'x' }) }).length;
  assert.equal(feed(a, 0) + feed(a, S), 1);
  const snap = JSON.parse(JSON.stringify(a.snapshot())) as CorrelationSnapshot;
  assert.equal(snap.rules['corr-1'].groups[0].episode?.until, 11 * S);
  const b = new CorrelationEngine([r], { baseRules: BASE });
  b.restore(snap);
  assert.equal(feed(b, 5 * S) + feed(b, 6 * S), 0, 'the restored episode suppresses');
  assert.equal(b.episodes()[0].firings, 2);
  for (const g of snap.rules['corr-1'].groups) delete g.episode;
  const c = new CorrelationEngine([r], { baseRules: BASE });
  c.restore(snap);
  assert.equal(feed(c, 5 * S) + feed(c, 6 * S), 1, 'without the episode the next firing alerts');
  snap.rules['corr-1'].groups[0].episode = { start: 0, last: 0, until: 'soon' as never, suppressed: 0, value: 2 };
  throwsCode(() => new CorrelationEngine([r], { baseRules: BASE }).restore(snap), 'SIGMA_CORRELATION_STATE');
});

test('custom.suppress: timespans, 0/off, and errors with the attribute path', () => {
  const c = { type: 'event_count', rules: ['a'], timespan: '5m', condition: { gte: 2 } };
  assert.equal(corr(c, { custom: { suppress: '2h' } }).suppress, 7_200_000);
  for (const off of [0, '0', false, 'off']) assert.equal(corr(c, { custom: { suppress: off } }).suppress, 0);
  assert.equal(corr(c, { custom: { other: 1 } }).suppress, undefined);
  assert.equal(corr(c).suppress, undefined);
  throwsCode(() => corr(c, { custom: { suppress: 'forever' } }), 'SIGMA_CORRELATION', 'custom.suppress');
  throwsCode(() => corr(c, { custom: { suppress: 60 } }), 'SIGMA_CORRELATION', 'custom.suppress');
  throwsCode(() => corr(c, { custom: 'suppress' }), 'SIGMA_CORRELATION', 'custom');
});
