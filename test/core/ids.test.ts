import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newId } from '../../src/core/index.ts';

const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{26}$/;

function decodeTime(id: string): number {
  let t = 0;
  for (const c of id.slice(0, 10)) t = t * 32 + '0123456789ABCDEFGHJKMNPQRSTVWXYZ'.indexOf(c);
  return t;
}

test('ids carry their millisecond and sort in minting order within one millisecond', () => {
  const now = Date.UTC(2026, 10, 27, 9, 30);
  const ids = Array.from({ length: 1000 }, () => newId(now));
  for (const id of ids) {
    assert.match(id, CROCKFORD);
    assert.equal(decodeTime(id), now);
  }
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual([...ids].sort(), ids);
});

test('a later millisecond sorts after, an earlier one before, with a fresh random part', () => {
  const now = Date.UTC(2026, 10, 27, 9, 31);
  const a = newId(now);
  const b = newId(now + 1);
  const c = newId(now - 1);
  assert.ok(a < b && c < a);
  assert.equal(decodeTime(b), now + 1);
  assert.notEqual(a.slice(10), b.slice(10));
});
