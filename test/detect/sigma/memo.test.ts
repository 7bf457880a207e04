// The router's per-value memo: answers repeated values, steps aside where values never repeat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { memoBudget, ValueMemo } from '../../../src/detect/sigma/value-memo.ts';

test('repeated values are answered from the memo', () => {
  const m = new ValueMemo<number[]>();
  for (let i = 0; i < 20_000; i++) {
    const v = `c:\\windows\\system32\\tool${i % 100}.exe`;
    const hit = m.get(v);
    if (i >= 100) assert.deepEqual(hit, [i % 100], `lookup ${i}`);
    else { assert.equal(hit, undefined); m.set(v, [i % 100]); }
  }
});

test('cumulative counters: lookups, hits, and lookups passed while bypassed', () => {
  const m = new ValueMemo<number[]>();
  for (let i = 0; i < 10; i++) if (m.get(`v${i % 2}`) === undefined) m.set(`v${i % 2}`, [i]);
  assert.deepEqual([m.totalLookups, m.totalHits, m.totalBypassed], [10, 8, 0]);
  const u = new ValueMemo<number[]>();
  for (let i = 0; i < 5000; i++) if (u.get(`u${i}`) === undefined) u.set(`u${i}`, [i]);
  assert.equal(u.totalHits, 0);
  assert.equal(u.totalBypassed, 5000 - 4096, 'every lookup after the first window is passed by');
});

test('after a window of mostly misses the memo is emptied and bypassed', () => {
  const m = new ValueMemo<number[]>();
  m.set('kept', [1]);
  for (let i = 0; i < 4095; i++) { if (m.get(`unique ${i}`) === undefined) m.set(`unique ${i}`, [i]); }
  // The 4096th lookup closes the window: under half were hits, so the memo steps aside.
  assert.equal(m.get('kept'), undefined);
  m.set('kept', [1]);
  assert.equal(m.get('kept'), undefined, 'nothing is stored while bypassed');
});

test('memos sharing a budget never keep more characters than it allows', () => {
  const budget = memoBudget(10_000);
  const memos = Array.from({ length: 5 }, () => new ValueMemo<number>(budget));
  for (let i = 0; i < 50_000; i++) {
    const m = memos[i % 5];
    const v = `value ${i % 700} `.padEnd(40, 'x');
    if (m.get(v) === undefined) m.set(v, i);
    assert.ok(budget.chars <= budget.max, `after ${i}: ${budget.chars} chars`);
    assert.ok(budget.chars >= 0);
  }
});
