import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClaimGuardError, ERROR_CODES, formatLocation, newId } from '../../src/core/index.ts';

test('error codes have a known exit code and HTTP status', () => {
  for (const [code, info] of Object.entries(ERROR_CODES)) {
    assert.ok(info.exit === 1 || info.exit === 2, code);
    assert.ok(info.http >= 400 && info.http < 600, code);
    assert.match(code, /^[A-Z0-9_]+$/);
  }
});

test('a located error formats as file:line:column with its code', () => {
  const e = new ClaimGuardError('SIGMA_CONDITION', 'unexpected token', { file: 'r.yml', line: 3, column: 7 });
  assert.equal(e.format(), 'r.yml:3:7: unexpected token [SIGMA_CONDITION]');
  assert.equal(e.exitCode, 2);
  assert.equal(formatLocation({ file: 'a.evtx', offset: 4096, record: 12 }), 'a.evtx (offset 4096, record 12)');
});

test('ids are unique and sort by time', () => {
  const a = newId(1000), b = newId(1000), c = newId(2000);
  assert.notEqual(a, b);
  assert.ok(a < b && b < c);
  assert.equal(a.length, 26);
});
