import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Alert, Severity } from '../../src/core/index.ts';
import { matchesAttack, scoreAlerts, type GroundTruth } from '../../src/demo/index.ts';

const H = 3_600_000;
const T0 = Date.parse('2026-11-18T03:00:00Z');

function alert(id: string, time: number, entities: Record<string, string>, level: Severity = 'high'): Alert {
  return { id: `A${time}${id}`, tenant: 't', rule: { id, title: id, level, author: 'x', source: 'x', tags: [] }, time, eventIds: [], entities, why: [], status: 'new' };
}

const truth: GroundTruth = {
  company: 'c', generator: 'g', seed: 1, days: 10, from: '2026-11-11T00:00:00.000Z', to: '2026-11-20T23:59:59.999Z',
  attackDays: ['2026-11-18'],
  attacks: [{
    id: 'c', key: 'k', title: 'insider', story: '', mitre: [], start: new Date(T0).toISOString(), end: new Date(T0 + H).toISOString(), startMs: T0, endMs: T0 + H,
    indicators: { users: ['tbrooks'], ips: ['10.20.50.7'], hosts: [] }, steps: [],
  }],
  benign: [{
    key: 'b', title: 'approved', story: '', start: '2026-11-12T15:00:00.000Z', end: '2026-11-12T16:00:00.000Z', startMs: Date.parse('2026-11-12T15:00:00Z'), endMs: Date.parse('2026-11-12T16:00:00Z'),
    indicators: { users: ['cmarshall'], ips: [], hosts: [] }, expectedReviews: ['review.rule'], steps: [],
  }],
};

test('an alert belongs to an attack only inside its time slack and with one of its indicators as a whole token', () => {
  const a = truth.attacks[0];
  assert.ok(matchesAttack(alert('r', T0 + 30 * 60_000, { user: 'tbrooks' }), a));
  assert.ok(matchesAttack(alert('r', T0 + 30 * 60_000, { user: 'LSBP\\tbrooks' }), a));
  assert.ok(matchesAttack(alert('r', T0 + 30 * 60_000, { user: 'tbrooks@lonestarbilling.example' }), a));
  assert.ok(!matchesAttack(alert('r', T0 + 30 * 60_000, { user: 'tbrooksx' }), a), 'prefix of another name');
  assert.ok(!matchesAttack(alert('r', T0 + 30 * 60_000, { src_ip: '10.20.50.77' }), a), 'prefix of another address');
  assert.ok(matchesAttack(alert('r', T0 + 30 * 60_000, { src_ip: '10.20.50.7' }), a));
  assert.ok(!matchesAttack(alert('r', T0 + H + 3 * H, { user: 'tbrooks' }), a), 'hours after the attack');
  assert.ok(!matchesAttack(alert('r', T0 - H, { user: 'tbrooks' }), a), 'before the attack');
});

test('scoring: detected needs every expected rule; reviews and false positives are counted apart', () => {
  const alerts = [
    alert('mass', T0 + 10 * 60_000, { user: 'tbrooks' }),
    alert('review.rule', Date.parse('2026-11-12T15:10:00Z'), { user: 'cmarshall' }),
    alert('noise', Date.parse('2026-11-13T12:00:00Z'), { user: 'someone' }, 'low'),
    alert('noise', Date.parse('2026-11-18T12:00:00Z'), { user: 'someone' }, 'low'),
  ];
  const partial = scoreAlerts(truth, alerts, { c: ['mass', 'export'] });
  assert.equal(partial.attacks[0].detected, false);
  assert.deepEqual(partial.attacks[0].missing, ['export']);
  const full = scoreAlerts(truth, alerts, { c: ['mass'] });
  assert.equal(full.attacks[0].detected, true);
  assert.equal(full.attacks[0].minutesToDetect, 10);
  assert.deepEqual(full.reviews, { 'review.rule': 1 });
  assert.equal(full.falsePositives, 2);
  assert.equal(full.falsePositivesOnNormalDays, 1, 'the 18th is an attack day');
  assert.equal(full.normalDays, 9);
  assert.deepEqual(full.falsePositivesByRule, { noise: 2 });
  assert.equal(full.bySeverity.low, 2);
  assert.equal(full.total, 4);
});
