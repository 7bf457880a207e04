// Property tests: the engine against a brute-force model of the documented semantics (every type, in
// and out of order, both afterFire modes), and robustness/bounds on hostile random streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { FieldValue } from '../../../src/core/index.ts';
import {
  CorrelationEngine, CORRELATION_TYPES, type AfterFire, type CorrelationType,
} from '../../../src/detect/correlate/index.ts';
import { BASE, corr, ev } from './helpers.ts';

const RULES = ['a', 'b', 'c'];
const idOf = (name: string) => BASE.find((b) => b.name === name)!.id;

interface Arrival { r: number; t: number; user: string; x: number }

function buildRule(type: CorrelationType, cond: Record<string, number>, span: number) {
  const temporal = type === 'temporal' || type === 'temporal_ordered';
  const condition = temporal ? (Object.keys(cond).length ? cond : undefined)
    : { ...cond, ...(type.startsWith('value_') ? { field: 'X' } : {}), ...(type === 'value_percentile' ? { percentile: 75 } : {}) };
  return corr({ type, rules: RULES, 'group-by': ['User'], timespan: `${span}s`, ...(condition ? { condition } : {}) }, { id: 'p' });
}

// ---- the model: plain arrays, recomputed from scratch at every step ----------------------------

interface MEntry { t: number; s: number; r: number; x: number }

function modelValue(type: CorrelationType, w: MEntry[]): number {
  switch (type) {
    case 'event_count': return w.length;
    case 'value_count': return new Set(w.map((e) => String(e.x))).size;
    case 'value_sum': return w.reduce((a, e) => a + e.x, 0);
    case 'value_avg': return w.reduce((a, e) => a + e.x, 0) / w.length;
    case 'value_median': case 'value_percentile': {
      const xs = w.map((e) => e.x).sort((a, b) => a - b);
      const p = type === 'value_median' ? 0.5 : 0.75;
      const h = (xs.length - 1) * p, lo = Math.floor(h), hi = Math.ceil(h);
      return xs[lo] + (h - lo) * (xs[hi] - xs[lo]);
    }
    case 'temporal': return new Set(w.map((e) => e.r)).size;
    case 'temporal_ordered': {
      let p = 0;
      for (const e of w) if (e.r === p) p++;
      return p;
    }
  }
}

function modelHolds(cond: Record<string, number>, v: number): boolean {
  return (cond.gt === undefined || v > cond.gt) && (cond.gte === undefined || v >= cond.gte) &&
    (cond.lt === undefined || v < cond.lt) && (cond.lte === undefined || v <= cond.lte) &&
    (cond.eq === undefined || v === cond.eq) && (cond.neq === undefined || v !== cond.neq);
}

function model(type: CorrelationType, cond: Record<string, number>, spanMs: number, lateness: number, mode: AfterFire, arrivals: Arrival[]) {
  const effective = (type === 'temporal' || type === 'temporal_ordered') && Object.keys(cond).length === 0 ? { gte: RULES.length } : cond;
  const groups = new Map<string, { entries: MEntry[]; resetBefore: number }>();
  let wm = -Infinity;
  let seq = 0;
  return arrivals.map((a): [number, number] | null => {
    if (a.t < wm - lateness) return null;
    wm = Math.max(wm, a.t);
    let g = groups.get(a.user);
    if (!g) groups.set(a.user, (g = { entries: [], resetBefore: -Infinity }));
    if (a.t < g.resetBefore) return null;
    const e = { t: a.t, s: ++seq, r: a.r, x: a.x };
    g.entries.push(e);
    g.entries.sort((p, q) => p.t - q.t || p.s - q.s);
    const pos = g.entries.indexOf(e);
    for (let j = pos; j < g.entries.length && g.entries[j].t <= a.t + spanMs; j++) {
      const end = g.entries[j].t;
      const w = g.entries.slice(0, j + 1).filter((x) => x.t >= end - spanMs);
      const v = modelValue(type, w);
      if (!Number.isNaN(v) && modelHolds(effective, v)) {
        if (mode === 'reset') { g.resetBefore = g.entries[g.entries.length - 1].t; g.entries = []; }
        return [end, v];
      }
    }
    return null;
  });
}

const condArb = fc.record({
  gt: fc.integer({ min: 0, max: 8 }), gte: fc.integer({ min: 0, max: 8 }), lt: fc.integer({ min: 1, max: 12 }),
  lte: fc.integer({ min: 1, max: 12 }), eq: fc.integer({ min: 0, max: 8 }), neq: fc.integer({ min: 0, max: 8 }),
}, { requiredKeys: [] }).filter((c) => !(c.gt !== undefined && c.gte !== undefined) && !(c.lt !== undefined && c.lte !== undefined) && Object.keys(c).length > 0);

const arrivalsArb = fc.array(fc.record({
  r: fc.integer({ min: 0, max: 2 }),
  // half-second steps so window edges (exactly timespan apart) come up often
  dt: fc.integer({ min: -12, max: 6 }).map((k) => k * 500),
  user: fc.constantFrom('u1', 'u2'),
  x: fc.integer({ min: -3, max: 9 }),
}), { maxLength: 60 }).map((xs) => {
  let t = 1_000_000;
  return xs.map((x) => { t += x.dt > 0 ? x.dt : 0; return { r: x.r, t: x.dt < 0 ? t + x.dt : t, user: x.user, x: x.x }; });
});

test('property: the engine agrees with a brute-force model of the documented semantics', () => {
  fc.assert(fc.property(
    fc.constantFrom(...CORRELATION_TYPES), condArb, fc.boolean(), fc.integer({ min: 1, max: 10 }),
    fc.constantFrom(0, 3000, 6000), fc.constantFrom<AfterFire>('reset', 'keep-alerting'), arrivalsArb,
    (type, cond, temporalDefault, spanS, lateness, mode, arrivals) => {
      const c = (type === 'temporal' || type === 'temporal_ordered') && temporalDefault ? {} : cond;
      const engine = new CorrelationEngine([buildRule(type, c, spanS)], { baseRules: BASE, allowedLatenessMs: lateness, afterFire: mode, suppressMs: 0 });
      const expected = model(type, c, spanS * 1000, lateness, mode, arrivals);
      arrivals.forEach((a, i) => {
        const got = engine.onMatch({ ruleId: idOf(RULES[a.r]), event: ev(a.t, { User: a.user, X: a.x }) });
        const exp = expected[i];
        if (exp === null) assert.equal(got.length, 0, `step ${i}: unexpected fire ${JSON.stringify(got.map((f) => [f.time, f.value]))}`);
        else {
          assert.equal(got.length, 1, `step ${i}: expected fire ${JSON.stringify(exp)}`);
          assert.equal(got[0].time, exp[0], `step ${i} time`);
          assert.ok(Math.abs(got[0].value - exp[1]) < 1e-9, `step ${i} value ${got[0].value} vs ${exp[1]}`);
        }
      });
    }), { numRuns: 1500, seed: 7 });
});

test('property: suppression only filters firings: it equals the episode filter over the unsuppressed firings', () => {
  fc.assert(fc.property(
    fc.constantFrom(...CORRELATION_TYPES), condArb, fc.integer({ min: 1, max: 10 }), fc.constantFrom(0, 3000),
    fc.constantFrom<AfterFire>('reset', 'keep-alerting'), fc.constantFrom(undefined, 500, 4000, 20_000), arrivalsArb,
    (type, cond, spanS, lateness, mode, suppressMs, arrivals) => {
      const c = type === 'temporal' || type === 'temporal_ordered' ? {} : cond;
      const rule = buildRule(type, c, spanS);
      const plain = new CorrelationEngine([rule], { baseRules: BASE, allowedLatenessMs: lateness, afterFire: mode, suppressMs: 0 });
      const sup = new CorrelationEngine([rule], { baseRules: BASE, allowedLatenessMs: lateness, afterFire: mode, ...(suppressMs !== undefined ? { suppressMs } : {}) });
      const window = suppressMs ?? spanS * 1000;
      const until = new Map<string, number>();
      let all = 0, emitted = 0;
      arrivals.forEach((a, i) => {
        const m = { ruleId: idOf(RULES[a.r]), event: ev(a.t, { User: a.user, X: a.x }, `e${i}`) };
        const want = plain.onMatch(m).filter((f) => {
          all++;
          const u = until.get(f.groupKey);
          if (u !== undefined && f.time <= u) { until.set(f.groupKey, Math.max(u, f.time + window)); return false; }
          until.set(f.groupKey, f.time + window);
          return true;
        });
        const got = sup.onMatch({ ...m, event: { ...m.event } });
        emitted += got.length;
        assert.deepEqual(got.map((f) => [f.groupKey, f.time, f.value]), want.map((f) => [f.groupKey, f.time, f.value]), `step ${i}`);
      });
      const st = sup.stats();
      assert.equal(st.fired, emitted);
      assert.equal((st.fired ?? 0) + (st.suppressed ?? 0), all, 'every firing is either returned or counted as suppressed');
    }), { numRuns: 600, seed: 11 });
});

// ---- hostile streams: never crash, never exceed the bounds -------------------------------------

const hostileValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.string({ maxLength: 4 }), fc.integer({ min: -5, max: 5 }), fc.double(), fc.boolean(), fc.constant(null),
  fc.constantFrom('1e3', ' 7 ', 'NaN', 'Infinity', '__proto__'), fc.array(fc.integer(), { maxLength: 2 }),
);

test('property: random streams never crash and state stays within maxGroups / maxEntries', () => {
  fc.assert(fc.property(
    fc.constantFrom(...CORRELATION_TYPES), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 6 }),
    fc.integer({ min: 0, max: 5000 }), fc.constantFrom<AfterFire>('reset', 'keep-alerting'),
    fc.array(fc.record({
      r: fc.constantFrom('a', 'b', 'c', 'd', 'zz'),
      t: fc.oneof({ arbitrary: fc.integer({ min: 0, max: 60_000 }), weight: 8 }, { arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -1e15, 1e15), weight: 1 }),
      user: hostileValue, x: hostileValue, id: fc.constantFrom('e1', 'e2', 'e3', undefined),
    }, { requiredKeys: ['r', 't'] }), { maxLength: 120 }),
    fc.integer({ min: 0, max: 120 }),
    (type, maxGroups, maxEntries, lateness, mode, stream, snapAt) => {
      const rules = [buildRule(type, { gte: 2 }, 5)];
      const opts = { baseRules: BASE, maxGroupsPerRule: maxGroups, maxEntriesPerGroup: maxEntries, allowedLatenessMs: lateness, afterFire: mode };
      let engine = new CorrelationEngine(rules, opts);
      stream.forEach((s, i) => {
        if (i === snapAt) {
          const next = new CorrelationEngine(rules, opts);
          next.restore(JSON.parse(JSON.stringify(engine.snapshot())));
          engine = next;
        }
        const fields: Record<string, FieldValue> = {};
        if ('user' in s) fields.User = s.user as FieldValue;
        if ('x' in s) fields.X = s.x as FieldValue;
        const fired = engine.onMatch({ ruleId: s.r === 'zz' ? 'zz' : idOf(s.r === 'd' ? 'a' : s.r), event: ev(s.t, fields, s.id) });
        for (const f of fired) assert.ok(Number.isFinite(f.value) && f.events.length <= 10);
        const st = engine.stats().perRule!.p;
        assert.ok(st.groups <= maxGroups, `groups ${st.groups} > ${maxGroups}`);
        assert.ok(st.largestGroup <= maxEntries, `entries ${st.largestGroup} > ${maxEntries}`);
      });
      const st = engine.stats();
      assert.equal(st.evictions, (st.evictedEntries ?? 0) + (st.evictedGroups ?? 0));
    }), { numRuns: 300, seed: 11 });
});

test('property: restoring a corrupted snapshot either works within bounds or is SIGMA_CORRELATION_STATE', () => {
  const rules = [buildRule('value_count', { gte: 3 }, 5), corr({ type: 'temporal', rules: ['a', 'b'], 'group-by': ['User'], timespan: '5s' }, { id: 't' })];
  const src = new CorrelationEngine(rules, { baseRules: BASE });
  for (let i = 0; i < 40; i++) src.onMatch({ ruleId: idOf(RULES[i % 2]), event: ev(i * 300, { User: 'u' + (i % 3), X: i % 4 }) });
  const base = JSON.parse(JSON.stringify(src.snapshot()));
  // paths to every node of the snapshot, so a mutation can hit any of them
  const paths: (string | number)[][] = [];
  const walk = (v: unknown, p: (string | number)[]) => {
    paths.push(p);
    if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) walk(x, [...p, Array.isArray(v) ? Number(k) : k]);
  };
  walk(base, []);
  const junk = fc.oneof(fc.constant(null), fc.integer(), fc.double(), fc.string({ maxLength: 3 }), fc.boolean(), fc.constant([]), fc.constant({}), fc.constant(undefined));
  fc.assert(fc.property(fc.integer({ min: 1, max: paths.length - 1 }), junk, (pi, value) => {
    const snap = JSON.parse(JSON.stringify(base));
    const p = paths[pi];
    let o = snap;
    for (const k of p.slice(0, -1)) o = o[k];
    if (value === undefined) delete o[p[p.length - 1]]; else o[p[p.length - 1]] = value;
    const e = new CorrelationEngine(rules, { baseRules: BASE, maxGroupsPerRule: 2, maxEntriesPerGroup: 4 });
    try {
      e.restore(snap);
    } catch (err) {
      assert.ok(err instanceof Error && (err as { code?: string }).code === 'SIGMA_CORRELATION_STATE', String(err));
    }
    for (let i = 0; i < 10; i++) e.onMatch({ ruleId: idOf(RULES[i % 2]), event: ev(12_000 + i * 100, { User: 'u' + (i % 3), X: i }) });
    for (const st of Object.values(e.stats().perRule!)) assert.ok(st.groups <= 2 && st.largestGroup <= 4, JSON.stringify(st));
  }), { numRuns: 400, seed: 5 });
});
