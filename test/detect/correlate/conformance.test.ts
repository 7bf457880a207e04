// Correlation conformance vectors written from the Sigma correlation specification (v2.1.0) and the
// semantics documented in docs/correlation.md. Each vector is a rule, engine options, a stream of base
// rule matches (rule, event time, fields) and the expected firings as [step index, aggregate value],
// optionally with expected counters. Times are ms; S = 1 s.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CorrelationEngineOptions, CorrelationStats } from '../../../src/detect/correlate/index.ts';
import { corr, firedAt, run, type Step } from './helpers.ts';

const S = 1000;

interface Vector {
  name: string;
  rule: Record<string, unknown>;
  extra?: Record<string, unknown>;
  opts?: CorrelationEngineOptions;
  steps: Step[];
  fires: [number, number][];
  stats?: Partial<CorrelationStats>;
  group?: Record<string, string>;
  times?: number[];
}

const count = (cond: Record<string, unknown>, more: Record<string, unknown> = {}) =>
  ({ type: 'event_count', rules: ['a'], 'group-by': ['User'], timespan: '10s', condition: cond, ...more });
const u = (user: string, extra: Record<string, unknown> = {}) => ({ User: user, ...extra });

const VECTORS: Vector[] = [
  // ---- window edges -------------------------------------------------------------------------
  { name: 'two events exactly timespan apart are in one window', rule: count({ gte: 2 }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 10 * S, f: u('x') }], fires: [[1, 2]] },
  { name: 'two events timespan + 1 ms apart are not', rule: count({ gte: 2 }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 10 * S + 1, f: u('x') }], fires: [] },
  { name: 'three events spanning exactly the timespan fire', rule: count({ gte: 3 }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 5 * S, f: u('x') }, { r: 'a', t: 10 * S, f: u('x') }], fires: [[2, 3]] },
  { name: 'the oldest of three slides out 1 ms past the timespan', rule: count({ gte: 3 }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 5 * S, f: u('x') }, { r: 'a', t: 10 * S + 1, f: u('x') }], fires: [] },
  { name: 'events sharing one timestamp all count', rule: count({ gte: 3 }),
    steps: [{ r: 'a', t: 7, f: u('x') }, { r: 'a', t: 7, f: u('x') }, { r: 'a', t: 7, f: u('x') }], fires: [[2, 3]] },
  { name: 'minute unit: 1m edge inclusive', rule: count({ gte: 2 }, { timespan: '1m' }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 60 * S, f: u('x') }], fires: [[1, 2]] },
  { name: 'minute unit: 1m + 1 ms excluded', rule: count({ gte: 2 }, { timespan: '1m' }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 60 * S + 1, f: u('x') }], fires: [] },
  { name: 'hour unit edge', rule: count({ gte: 2 }, { timespan: '2h' }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 7_200_000, f: u('x') }, { r: 'a', t: 14_400_001, f: u('x') }], fires: [[1, 2]] },
  { name: 'day unit edge', rule: count({ gte: 2 }, { timespan: '1d' }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 86_400_001, f: u('x') }, { r: 'a', t: 172_800_001, f: u('x') }], fires: [[2, 2]] },
  { name: 'week unit (pySigma extension) edge', rule: count({ gte: 2 }, { timespan: '1w' }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 604_800_000, f: u('x') }], fires: [[1, 2]] },
  { name: 'month unit is 30.436875 days', rule: count({ gte: 2 }, { timespan: '1M' }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 2_629_746_001, f: u('x') }, { r: 'a', t: 5_259_492_001, f: u('x') }], fires: [[2, 2]] },
  { name: 'year unit is 365.2425 days', rule: count({ gte: 2 }, { timespan: '1y' }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 31_556_952_000, f: u('x') }], fires: [[1, 2]] },

  // ---- late and out-of-order events -----------------------------------------------------------
  { name: 'an out-of-order event within the lateness counts', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 5 * S },
    steps: [{ r: 'a', t: 10 * S, f: u('x') }, { r: 'a', t: 6 * S, f: u('x') }], fires: [[1, 2]], times: [10 * S] },
  { name: 'an event later than the lateness is dropped and counted', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 5 * S },
    steps: [{ r: 'a', t: 10 * S, f: u('x') }, { r: 'a', t: 5 * S - 1, f: u('x') }], fires: [], stats: { lateDropped: 1 } },
  { name: 'an event exactly at the lateness is accepted', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 5 * S },
    steps: [{ r: 'a', t: 10 * S, f: u('x') }, { r: 'a', t: 5 * S, f: u('x') }], fires: [[1, 2]], stats: { lateDropped: 0 } },
  { name: 'lateness 0 drops anything older than the newest event', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 0 },
    steps: [{ r: 'a', t: 10 * S, f: u('x') }, { r: 'a', t: 10 * S - 1, f: u('x') }, { r: 'a', t: 10 * S, f: u('x') }],
    fires: [[2, 2]], stats: { lateDropped: 1 } },
  { name: 'a late event completes an earlier window that ends before the newest event', rule: count({ gte: 3 }),
    opts: { allowedLatenessMs: 100 * S },
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 5 * S, f: u('x') }, { r: 'a', t: 100 * S, f: u('x') }, { r: 'a', t: 3 * S, f: u('x') }],
    fires: [[3, 3]], times: [5 * S] },
  { name: 'a late event far from every other entry does not fire', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 60 * S },
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 100 * S, f: u('x') }, { r: 'a', t: 50 * S, f: u('x') }], fires: [] },
  { name: 'a late event is counted in the window ending at itself', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 100 * S },
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 100 * S, f: u('x') }, { r: 'a', t: 9 * S, f: u('x') }],
    fires: [[2, 2]], times: [9 * S] },
  { name: 'lateness is per rule: another rule\'s newer events do not make it late', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 0 },
    steps: [{ r: 'b', t: 99 * S, f: u('x') }, { r: 'a', t: 0, f: u('x') }, { r: 'a', t: 1 * S, f: u('x') }], fires: [[2, 2]] },
  { name: 'ordered correlation follows event time, not arrival order', rule: { type: 'temporal_ordered', rules: ['a', 'b'], 'group-by': ['User'], timespan: '10s' },
    opts: { allowedLatenessMs: 5 * S },
    steps: [{ r: 'b', t: 2 * S, f: u('x') }, { r: 'a', t: 1 * S, f: u('x') }], fires: [[1, 2]], times: [2 * S] },

  { name: 'a late event exactly timespan before the newest joins the live window',
    rule: { type: 'value_count', rules: ['a'], timespan: '2s', condition: { field: 'X', gte: 3 } },
    opts: { suppressMs: 0, allowedLatenessMs: 5 * S, afterFire: 'keep-alerting' },
    steps: [[0, 1], [2 * S, 2], [0, 3], [2 * S, 2]].map(([t, x]) => ({ r: 'a', t, f: { X: x } })), fires: [[2, 3], [3, 3]] },
  { name: 'a late event 1 ms before the live window stays out of it',
    rule: { type: 'value_count', rules: ['a'], timespan: '2s', condition: { field: 'X', gte: 3 } },
    opts: { allowedLatenessMs: 5 * S, afterFire: 'keep-alerting' },
    steps: [[1, 1], [2 * S + 1, 2], [0, 3], [2 * S + 1, 2]].map(([t, x]) => ({ r: 'a', t, f: { X: x } })), fires: [] },

  // ---- group-by --------------------------------------------------------------------------------
  { name: 'group-by keeps users apart', rule: count({ gte: 2 }),
    steps: [{ r: 'a', t: 0, f: u('alice') }, { r: 'a', t: 1, f: u('bob') }, { r: 'a', t: 2, f: u('alice') }], fires: [[2, 2]], group: { User: 'alice' } },
  { name: 'two group-by fields must both agree', rule: count({ gte: 2 }, { 'group-by': ['User', 'Host'] }),
    steps: [{ r: 'a', t: 0, f: u('x', { Host: 'h1' }) }, { r: 'a', t: 1, f: u('x', { Host: 'h2' }) }, { r: 'a', t: 2, f: u('x', { Host: 'h1' }) }],
    fires: [[2, 2]], group: { User: 'x', Host: 'h1' } },
  { name: 'an event without the group-by field is skipped and counted', rule: count({ gte: 2 }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 1, f: { Other: 'x' } }, { r: 'a', t: 2, f: { User: null } }],
    fires: [], stats: { missingGroupField: 2 } },
  { name: 'number 42 and string "42" fall into one group', rule: count({ gte: 2 }),
    steps: [{ r: 'a', t: 0, f: { User: 42 } }, { r: 'a', t: 1, f: { User: '42' } }], fires: [[1, 2]], group: { User: '42' } },
  { name: 'group values are case-sensitive', rule: count({ gte: 2 }),
    steps: [{ r: 'a', t: 0, f: u('Bob') }, { r: 'a', t: 1, f: u('bob') }], fires: [] },
  { name: 'without group-by the stream is one group', rule: { type: 'event_count', rules: ['a'], timespan: '10s', condition: { gte: 2 } },
    steps: [{ r: 'a', t: 0, f: u('alice') }, { r: 'a', t: 1, f: u('bob') }], fires: [[1, 2]], group: {} },
  { name: 'a dotted group-by field reaches nested objects', rule: count({ gte: 2 }, { 'group-by': ['source.ip'] }),
    steps: [{ r: 'a', t: 0, f: { source: { ip: '10.0.0.1' } } }, { r: 'a', t: 1, f: { 'source.ip': '10.0.0.1' } }],
    fires: [[1, 2]], group: { 'source.ip': '10.0.0.1' } },
  { name: 'group key values containing separators do not collide', rule: count({ gte: 2 }, { 'group-by': ['User', 'Host'] }),
    steps: [{ r: 'a', t: 0, f: { User: 'a;1:', Host: 'b' } }, { r: 'a', t: 1, f: { User: 'a', Host: '1:;b' } }], fires: [] },

  // ---- reset after firing ----------------------------------------------------------------------
  { name: 'reset (default) with suppression off: the group starts over after firing', rule: count({ gte: 2 }), opts: { suppressMs: 0 },
    steps: [0, 1, 2, 3, 4].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2], [3, 2]] },
  { name: 'keep-alerting: every further arrival that satisfies fires', rule: count({ gte: 2 }), opts: { suppressMs: 0, afterFire: 'keep-alerting' },
    steps: [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2], [2, 3], [3, 4]] },
  { name: 'after a reset, a late match older than the reset point is discarded', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 60 * S },
    steps: [{ r: 'a', t: 5 * S, f: u('x') }, { r: 'a', t: 6 * S, f: u('x') }, { r: 'a', t: 4 * S, f: u('x') }, { r: 'a', t: 7 * S, f: u('x') }],
    fires: [[1, 2]], stats: { discardedAfterReset: 1 } },
  { name: 'reset is per group', rule: count({ gte: 2 }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 1, f: u('y') }, { r: 'a', t: 2, f: u('x') }, { r: 'a', t: 3, f: u('y') }],
    fires: [[2, 2], [3, 2]] },

  // ---- suppression (default window: the rule's timespan, 10 s here) --------------------------------
  { name: 'suppression (default): repeated firings of one group within the window are one alert', rule: count({ gte: 2 }),
    steps: [0, 1, 2, 3, 4, 5].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2]], stats: { fired: 1, suppressed: 2 } },
  { name: 'suppression: a firing exactly at the end of the window is suppressed (inclusive)', rule: count({ gte: 2 }),
    steps: [0, 1 * S, 10 * S, 11 * S].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2]], stats: { fired: 1, suppressed: 1 } },
  { name: 'suppression: a firing 1 ms after the window is a new alert', rule: count({ gte: 2 }),
    steps: [0, 1 * S, 10 * S, 11 * S + 1].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2], [3, 2]], stats: { fired: 2, suppressed: 0 } },
  { name: 'suppression: each suppressed firing pushes the end of the episode', rule: count({ gte: 2 }),
    steps: [0, 1 * S, 8 * S, 9 * S, 18 * S, 19 * S, 28 * S, 29 * S].map((t) => ({ r: 'a', t, f: u('x') })),
    fires: [[1, 2]], stats: { fired: 1, suppressed: 3 } },
  { name: 'suppression: a quiet gap longer than the window ends the episode', rule: count({ gte: 2 }),
    steps: [0, 1 * S, 8 * S, 9 * S, 19 * S + 1, 20 * S].map((t) => ({ r: 'a', t, f: u('x') })),
    fires: [[1, 2], [5, 2]], stats: { fired: 2, suppressed: 1 } },
  { name: 'suppression is per group', rule: count({ gte: 2 }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 1, f: u('x') }, { r: 'a', t: 2, f: u('y') }, { r: 'a', t: 3, f: u('y') },
      { r: 'a', t: 4, f: u('x') }, { r: 'a', t: 5, f: u('x') }, { r: 'a', t: 6, f: u('z') }, { r: 'a', t: 7, f: u('z') }],
    fires: [[1, 2], [3, 2], [7, 2]], stats: { fired: 3, suppressed: 1 } },
  { name: 'suppression with two group-by fields separates groups that share one value', rule: count({ gte: 2 }, { 'group-by': ['User', 'Host'] }),
    steps: [['x', 'h1'], ['x', 'h1'], ['x', 'h2'], ['x', 'h2'], ['x', 'h1'], ['x', 'h1']].map(([x, h], t) => ({ r: 'a', t, f: u(x, { Host: h }) })),
    fires: [[1, 2], [3, 2]], stats: { fired: 2, suppressed: 1 } },
  { name: 'suppression with keep-alerting: one alert while the count grows', rule: count({ gte: 2 }), opts: { afterFire: 'keep-alerting' },
    steps: [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2]], stats: { fired: 1, suppressed: 2 } },
  { name: 'suppression: the engine option suppressMs replaces the timespan', rule: count({ gte: 2 }), opts: { suppressMs: 2 * S },
    steps: [0, 1 * S, 2 * S, 3 * S, 9 * S, 10 * S].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2], [5, 2]], stats: { fired: 2, suppressed: 1 } },
  { name: 'suppression: custom.suppress on the rule overrides the engine option', rule: count({ gte: 2 }),
    extra: { custom: { suppress: '1m' } }, opts: { suppressMs: 1 * S },
    steps: [0, 1 * S, 30 * S, 31 * S].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2]], stats: { fired: 1, suppressed: 1 } },
  { name: 'suppression: custom.suppress 0 turns it off for the rule', rule: count({ gte: 2 }), extra: { custom: { suppress: 0 } },
    steps: [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2], [3, 2]], stats: { fired: 2, suppressed: 0 } },
  { name: 'suppression: a late firing inside the open episode is suppressed too', rule: count({ gte: 2 }), opts: { allowedLatenessMs: 60 * S, afterFire: 'keep-alerting' },
    steps: [{ r: 'a', t: 20 * S, f: u('x') }, { r: 'a', t: 21 * S, f: u('x') }, { r: 'a', t: 15 * S, f: u('x') }],
    fires: [[1, 2]], stats: { fired: 1, suppressed: 1 } },

  // ---- bounded state ---------------------------------------------------------------------------
  { name: 'entry cap evicts the oldest entries and counts them', rule: count({ gte: 4 }), opts: { maxEntriesPerGroup: 3 },
    steps: [0, 1, 2, 3, 4].map((t) => ({ r: 'a', t, f: u('x') })), fires: [], stats: { evictedEntries: 2, evictions: 2 } },
  { name: 'expired entries go before any eviction', rule: count({ gte: 2 }, { timespan: '1s' }), opts: { maxEntriesPerGroup: 2, allowedLatenessMs: 0 },
    steps: [0, 10, 20, 30].map((t) => ({ r: 'a', t: t * S, f: u('x') })), fires: [], stats: { evictedEntries: 0, evictions: 0 } },
  { name: 'group cap evicts the stalest groups down to 90 %', rule: count({ gte: 2 }), opts: { maxGroupsPerRule: 10 },
    steps: [...Array.from({ length: 11 }, (_, i) => ({ r: 'a', t: i, f: u('u' + i) })), { r: 'a', t: 20, f: u('u0') }, { r: 'a', t: 21, f: u('u5') }],
    fires: [[12, 2]], stats: { evictedGroups: 2, evictions: 2, groups: 10 } },
  { name: 'expired groups are removed before live ones are evicted', rule: count({ gte: 2 }, { timespan: '1s' }),
    opts: { maxGroupsPerRule: 2, allowedLatenessMs: 0 },
    steps: [{ r: 'a', t: 0, f: u('p') }, { r: 'a', t: 1, f: u('q') }, { r: 'a', t: 5 * S, f: u('r') }, { r: 'a', t: 5 * S + 1, f: u('r') }],
    fires: [[3, 2]], stats: { evictedGroups: 0, expiredGroups: 2 } },

  // ---- event_count conditions ------------------------------------------------------------------
  { name: 'gt is strict', rule: count({ gt: 2 }), steps: [0, 1, 2].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[2, 3]] },
  { name: 'lt is evaluated on arrival, so it holds for the first match', rule: count({ lt: 3 }), opts: { suppressMs: 0 },
    steps: [0, 1].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[0, 1], [1, 1]] },
  { name: 'lte with keep-alerting stops once exceeded', rule: count({ lte: 2 }), opts: { suppressMs: 0, afterFire: 'keep-alerting' },
    steps: [0, 1, 2].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[0, 1], [1, 2]] },
  { name: 'eq fires only at the exact count', rule: count({ eq: 3 }), opts: { afterFire: 'keep-alerting' },
    steps: [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[2, 3]] },
  { name: 'neq fires on every other count', rule: count({ neq: 2 }), opts: { suppressMs: 0, afterFire: 'keep-alerting' },
    steps: [0, 1, 2].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[0, 1], [2, 3]] },
  { name: 'range gt + lte: 101 to 200 style band', rule: count({ gt: 2, lte: 3 }), opts: { afterFire: 'keep-alerting' },
    steps: [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[2, 3]] },
  { name: 'range gte + lt', rule: count({ gte: 2, lt: 4 }), opts: { suppressMs: 0, afterFire: 'keep-alerting' },
    steps: [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[1, 2], [2, 3]] },
  { name: 'range with neq excludes one value', rule: count({ gte: 1, lte: 3, neq: 2 }), opts: { suppressMs: 0, afterFire: 'keep-alerting' },
    steps: [0, 1, 2, 3].map((t) => ({ r: 'a', t, f: u('x') })), fires: [[0, 1], [2, 3]] },
  { name: 'event_count over several rules counts them together', rule: count({ gte: 3 }, { rules: ['a', 'b'] }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'b', t: 1, f: u('x') }, { r: 'c', t: 2, f: u('x') }, { r: 'a', t: 3, f: u('x') }], fires: [[3, 3]] },
  { name: 'one event matched by two referenced rules counts once', rule: count({ gte: 2 }, { rules: ['a', 'b'] }),
    steps: [{ r: 'a', t: 0, f: u('x'), id: 'same' }, { r: 'b', t: 0, f: u('x'), id: 'same' }], fires: [], stats: { deduplicated: 1 } },
  { name: 'an event without a finite time is skipped and counted', rule: count({ gte: 1 }),
    steps: [{ r: 'a', t: NaN, f: u('x') }], fires: [], stats: { noTime: 1 } },

  // ---- value_count ------------------------------------------------------------------------------
  { name: 'value_count counts distinct values', rule: { type: 'value_count', rules: ['a'], 'group-by': ['Host'], timespan: '10s', condition: { field: 'User', gte: 3 } },
    steps: ['u1', 'u2', 'u1', 'u2', 'u3'].map((x, t) => ({ r: 'a', t, f: { Host: 'h', User: x } })), fires: [[4, 3]] },
  { name: 'value_count forgets values that left the window', rule: { type: 'value_count', rules: ['a'], 'group-by': ['Host'], timespan: '10s', condition: { field: 'User', gte: 3 } },
    steps: [{ r: 'a', t: 0, f: { Host: 'h', User: 'u1' } }, { r: 'a', t: 5 * S, f: { Host: 'h', User: 'u2' } }, { r: 'a', t: 11 * S, f: { Host: 'h', User: 'u3' } }],
    fires: [] },
  { name: 'value_count skips events without the field', rule: { type: 'value_count', rules: ['a'], 'group-by': ['Host'], timespan: '10s', condition: { field: 'User', gte: 2 } },
    steps: [{ r: 'a', t: 0, f: { Host: 'h', User: 'u1' } }, { r: 'a', t: 1, f: { Host: 'h' } }, { r: 'a', t: 2, f: { Host: 'h', User: null } }],
    fires: [], stats: { missingValue: 2 } },
  { name: 'value_count over a field list counts distinct tuples', rule: { type: 'value_count', rules: ['a'], timespan: '10s', condition: { field: ['User', 'Domain'], gte: 3 } },
    steps: [['u', 'd1'], ['u', 'd2'], ['u', 'd1'], ['v', 'd1']].map(([x, d], t) => ({ r: 'a', t, f: { User: x, Domain: d } })), fires: [[3, 3]] },
  { name: 'value_count lt with a range', rule: { type: 'value_count', rules: ['a'], timespan: '10s', condition: { field: 'User', gt: 1, lt: 3 } },
    opts: { afterFire: 'keep-alerting' },
    steps: ['u1', 'u2', 'u3'].map((x, t) => ({ r: 'a', t, f: { User: x } })), fires: [[1, 2]] },

  // ---- value_sum / value_avg ----------------------------------------------------------------------
  { name: 'value_sum reaches its threshold', rule: { type: 'value_sum', rules: ['a'], 'group-by': ['User'], timespan: '1m', condition: { field: 'Bytes', gte: 100 } },
    steps: [40, 30, 30].map((b, t) => ({ r: 'a', t, f: u('x', { Bytes: b }) })), fires: [[2, 100]] },
  { name: 'value_sum reads numeric strings', rule: { type: 'value_sum', rules: ['a'], timespan: '1m', condition: { field: 'Bytes', gt: 99 } },
    steps: ['40', ' 60 '].map((b, t) => ({ r: 'a', t, f: { Bytes: b } })), fires: [[1, 100]] },
  { name: 'value_sum skips non-numeric values and counts them', rule: { type: 'value_sum', rules: ['a'], timespan: '1m', condition: { field: 'Bytes', gte: 50 } },
    steps: ['abc', true, 50].map((b, t) => ({ r: 'a', t, f: { Bytes: b } })), fires: [[2, 50]], stats: { missingValue: 2 } },
  { name: 'value_sum drops values leaving the window', rule: { type: 'value_sum', rules: ['a'], timespan: '10s', condition: { field: 'Bytes', gte: 100 } },
    steps: [[0, 60], [11 * S, 50]].map(([t, b]) => ({ r: 'a', t, f: { Bytes: b } })), fires: [] },
  { name: 'value_sum of fractions is compensated (1e16 + 1.5 − 1e16 = 1.5)', rule: { type: 'value_sum', rules: ['a'], timespan: '10s', condition: { field: 'X', eq: 1.5 } },
    steps: [1e16, 1.5, -1e16].map((x, t) => ({ r: 'a', t, f: { X: x } })), fires: [[2, 1.5]] },
  { name: 'value_sum with negative values', rule: { type: 'value_sum', rules: ['a'], timespan: '10s', condition: { field: 'X', lt: 0 } },
    steps: [5, -10].map((x, t) => ({ r: 'a', t, f: { X: x } })), fires: [[1, -5]] },
  { name: 'value_avg compares the mean', rule: { type: 'value_avg', rules: ['a'], 'group-by': ['User'], timespan: '1m', condition: { field: 'Amount', gt: 50 } },
    steps: [40, 70].map((x, t) => ({ r: 'a', t, f: u('x', { Amount: x }) })), fires: [[1, 55]] },
  { name: 'value_avg over the window only', rule: { type: 'value_avg', rules: ['a'], timespan: '10s', condition: { field: 'A', gte: 20 } },
    opts: { suppressMs: 0, afterFire: 'keep-alerting' },
    steps: [[0, 100], [5 * S, 1], [20 * S, 10], [21 * S, 30]].map(([t, x]) => ({ r: 'a', t, f: { A: x } })), fires: [[0, 100], [1, 50.5], [3, 20]] },

  // ---- value_percentile / value_median ------------------------------------------------------------
  { name: 'value_percentile uses linear interpolation (p90 of 1..10 = 9.1)', rule: { type: 'value_percentile', rules: ['a'], timespan: '1m', condition: { field: 'X', percentile: 90, gte: 9.1 } },
    opts: { suppressMs: 0, afterFire: 'keep-alerting' },
    steps: Array.from({ length: 10 }, (_, i) => ({ r: 'a', t: i, f: { X: 10 - i } })), fires: [[0, 10], [1, 9.9], [2, 9.8], [3, 9.7], [4, 9.6], [5, 9.5], [6, 9.4], [7, 9.3], [8, 9.2], [9, 9.1]].map(([i, v]) => [i, v]) as [number, number][] },
  { name: 'value_percentile 100 is the maximum', rule: { type: 'value_percentile', rules: ['a'], timespan: '1m', condition: { field: 'X', percentile: 100, gt: 500 } },
    steps: [3, 900, 4].map((x, t) => ({ r: 'a', t, f: { X: x } })), fires: [[1, 900]] },
  { name: 'value_percentile 0 is the minimum', rule: { type: 'value_percentile', rules: ['a'], timespan: '1m', condition: { field: 'X', percentile: 0, lt: 2 } },
    steps: [3, 900, 1].map((x, t) => ({ r: 'a', t, f: { X: x } })), fires: [[2, 1]] },
  { name: 'value_median of an even count averages the middle pair', rule: { type: 'value_median', rules: ['a'], timespan: '1m', condition: { field: 'X', eq: 51.5 } },
    steps: [1, 200, 3, 100].map((x, t) => ({ r: 'a', t, f: { X: x } })), fires: [[3, 51.5]] },
  { name: 'value_median of an odd count is the middle value', rule: { type: 'value_median', rules: ['a'], timespan: '1m', condition: { field: 'X', gte: 3, lte: 3 } },
    steps: [100, 1, 3].map((x, t) => ({ r: 'a', t, f: { X: x } })), fires: [[2, 3]] },

  // ---- temporal -----------------------------------------------------------------------------------
  { name: 'temporal fires when every rule was seen, in any order', rule: { type: 'temporal', rules: ['a', 'b', 'c'], 'group-by': ['User'], timespan: '5m' },
    steps: [{ r: 'c', t: 0, f: u('x') }, { r: 'a', t: 1, f: u('x') }, { r: 'a', t: 2, f: u('x') }, { r: 'b', t: 3, f: u('x') }], fires: [[3, 3]] },
  { name: 'temporal does not fire with one rule missing', rule: { type: 'temporal', rules: ['a', 'b', 'c'], 'group-by': ['User'], timespan: '5m' },
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'b', t: 1, f: u('x') }, { r: 'b', t: 2, f: u('x') }], fires: [] },
  { name: 'temporal exactly at the window edge fires', rule: { type: 'temporal', rules: ['a', 'b'], 'group-by': ['User'], timespan: '10s' },
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'b', t: 10 * S, f: u('x') }], fires: [[1, 2]] },
  { name: 'temporal 1 ms past the window does not', rule: { type: 'temporal', rules: ['a', 'b'], 'group-by': ['User'], timespan: '10s' },
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'b', t: 10 * S + 1, f: u('x') }], fires: [] },
  { name: 'temporal requires one group', rule: { type: 'temporal', rules: ['a', 'b'], 'group-by': ['User'], timespan: '10s' },
    steps: [{ r: 'a', t: 0, f: u('alice') }, { r: 'b', t: 1, f: u('bob') }], fires: [] },
  { name: 'temporal with an explicit count condition (2 of 3)', rule: { type: 'temporal', rules: ['a', 'b', 'c'], timespan: '10s', condition: { gte: 2 } },
    steps: [{ r: 'a', t: 0 }, { r: 'a', t: 1 }, { r: 'c', t: 2 }], fires: [[2, 2]] },
  { name: 'temporal with a boolean condition (a and b and not c)', rule: { type: 'temporal', rules: ['a', 'b', 'c'], timespan: '10s', condition: 'a and b and not c' },
    steps: [{ r: 'c', t: 0 }, { r: 'a', t: 1 }, { r: 'b', t: 2 }, { r: 'a', t: 20 * S }, { r: 'b', t: 21 * S }], fires: [[4, 2]] },
  { name: 'temporal with an OR condition', rule: { type: 'temporal', rules: ['a', 'b', 'c'], timespan: '10s', condition: 'a and (b or c)' },
    steps: [{ r: 'c', t: 0 }, { r: 'a', t: 1 }], fires: [[1, 2]] },
  { name: 'temporal: one event matched by two rules satisfies both', rule: { type: 'temporal', rules: ['a', 'b'], timespan: '10s' },
    steps: [{ r: 'a', t: 0, id: 'e1' }, { r: 'b', t: 0, id: 'e1' }], fires: [[1, 2]] },

  // ---- temporal_ordered ------------------------------------------------------------------------------
  { name: 'temporal_ordered fires for the listed order', rule: { type: 'temporal_ordered', rules: ['a', 'b', 'c'], 'group-by': ['User'], timespan: '1h' },
    steps: ['a', 'b', 'c'].map((r, t) => ({ r, t, f: u('x') })), fires: [[2, 3]] },
  { name: 'temporal_ordered ignores the wrong order', rule: { type: 'temporal_ordered', rules: ['a', 'b'], 'group-by': ['User'], timespan: '1h' },
    steps: ['b', 'a'].map((r, t) => ({ r, t, f: u('x') })), fires: [] },
  { name: 'temporal_ordered finds the order among noise', rule: { type: 'temporal_ordered', rules: ['a', 'b', 'c'], timespan: '1h' },
    steps: ['c', 'a', 'c', 'b', 'a', 'c'].map((r, t) => ({ r, t })), fires: [[5, 3]] },
  { name: 'temporal_ordered: equal times keep arrival order', rule: { type: 'temporal_ordered', rules: ['a', 'b'], timespan: '1h' },
    steps: [{ r: 'a', t: 5 }, { r: 'b', t: 5 }], fires: [[1, 2]] },
  { name: 'temporal_ordered: the first rule must be inside the window', rule: { type: 'temporal_ordered', rules: ['a', 'b'], timespan: '10s' },
    steps: [{ r: 'a', t: 0 }, { r: 'b', t: 10 * S + 1 }, { r: 'a', t: 11 * S }, { r: 'b', t: 21 * S }], fires: [[3, 2]] },
  { name: 'temporal_ordered with a conjunction string condition', rule: { type: 'temporal_ordered', rules: ['a', 'b'], timespan: '10s', condition: 'a AND b' },
    steps: [{ r: 'b', t: 0 }, { r: 'a', t: 1 }, { r: 'b', t: 2 }], fires: [[2, 2]] },

  // ---- aliases -----------------------------------------------------------------------------------------
  { name: 'aliases join different fields of different rules (spec example)',
    rule: { type: 'temporal', rules: ['a', 'b'], 'group-by': ['internal_ip', 'remote_ip'], timespan: '10s',
      aliases: { internal_ip: { a: 'destination.ip', b: 'source.ip' }, remote_ip: { a: 'source.ip', b: 'destination.ip' } } },
    steps: [{ r: 'a', t: 0, f: { 'destination.ip': '10.0.0.5', 'source.ip': '8.8.8.8' } },
      { r: 'b', t: 1, f: { 'source.ip': '10.0.0.5', 'destination.ip': '8.8.8.8' } }],
    fires: [[1, 2]], group: { internal_ip: '10.0.0.5', remote_ip: '8.8.8.8' } },
  { name: 'aliases: the same field values in the same fields do not join',
    rule: { type: 'temporal', rules: ['a', 'b'], 'group-by': ['internal_ip'], timespan: '10s', aliases: { internal_ip: { a: 'dst', b: 'src' } } },
    steps: [{ r: 'a', t: 0, f: { dst: '1.1.1.1', src: '2.2.2.2' } }, { r: 'b', t: 1, f: { dst: '1.1.1.1', src: '2.2.2.2' } }], fires: [] },
  { name: 'aliases apply to the value_count field',
    rule: { type: 'value_count', rules: ['a', 'b'], timespan: '10s', condition: { field: 'who', gte: 2 }, aliases: { who: { a: 'TargetUserName', b: 'user' } } },
    steps: [{ r: 'a', t: 0, f: { TargetUserName: 'x' } }, { r: 'b', t: 1, f: { user: 'x' } }, { r: 'b', t: 2, f: { user: 'y' } }], fires: [[2, 2]] },
  { name: 'an alias without a mapping for a rule falls back to the alias name as field',
    rule: { type: 'event_count', rules: ['a', 'b'], 'group-by': ['who'], timespan: '10s', condition: { gte: 2 }, aliases: { who: { a: 'TargetUserName' } } },
    steps: [{ r: 'a', t: 0, f: { TargetUserName: 'x' } }, { r: 'b', t: 1, f: { who: 'x' } }], fires: [[1, 2]] },
  { name: 'alias keys may name a rule by id',
    rule: { type: 'event_count', rules: ['a', 'id-b'], 'group-by': ['who'], timespan: '10s', condition: { gte: 2 }, aliases: { who: { 'id-a': 'u1', b: 'u2' } } },
    steps: [{ r: 'a', t: 0, f: { u1: 'x' } }, { r: 'b', t: 1, f: { u2: 'x' } }], fires: [[1, 2]] },

  // ---- references ---------------------------------------------------------------------------------------
  { name: 'a rule referenced by id matches by id', rule: count({ gte: 2 }, { rules: ['id-a'] }),
    steps: [{ r: 'a', t: 0, f: u('x') }, { r: 'a', t: 1, f: u('x') }], fires: [[1, 2]] },
  { name: 'a match carrying only the rule name resolves', rule: count({ gte: 2 }, { rules: ['a'] }),
    steps: [{ r: 'a', t: 0, f: u('x'), byName: true }, { r: 'a', t: 1, f: u('x'), byName: true }], fires: [[1, 2]] },
  { name: 'matches of unreferenced rules are ignored', rule: count({ gte: 1 }),
    steps: [{ r: 'd', t: 0, f: u('x') }], fires: [] },
];

for (const v of VECTORS) {
  test(`correlation vector: ${v.name}`, () => {
    const rule = corr(v.rule, v.extra);
    const { fires, engine } = run([rule], v.steps, v.opts);
    const got = firedAt(fires);
    assert.equal(got.length, v.fires.length, `fires: ${JSON.stringify(got)}`);
    got.forEach(([i, val], k) => {
      assert.equal(i, v.fires[k][0], `fire ${k} step`);
      assert.ok(Math.abs(val - v.fires[k][1]) < 1e-9, `fire ${k} value ${val} != ${v.fires[k][1]}`);
    });
    if (v.group) assert.deepEqual(fires.flat()[0].group, v.group);
    if (v.times) assert.deepEqual(fires.flat().map((f) => f.time), v.times);
    if (v.stats) {
      const st = engine.stats();
      for (const [k, want] of Object.entries(v.stats)) assert.equal((st as unknown as Record<string, unknown>)[k], want, k);
    }
  });
}

test('conformance suite has at least 60 vectors', () => {
  assert.ok(VECTORS.length >= 60, String(VECTORS.length));
});
