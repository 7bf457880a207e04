// Anchors must never let a text holding one of the literals through unflagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anchorsFor, hasAnchor } from '../../../src/detect/sigma/anchors.ts';

test('the Mimikatz keyword literals are covered by three anchors', () => {
  const lits = ['dpapi::masterkey', 'eo.oe.kiwi', 'event::clear', 'event::drop', 'gentilkiwi.com', 'kerberos::golden', 'kerberos::ptc', 'kerberos::ptt',
    'kerberos::tgt', 'kiwi legit printer', 'lsadump::', 'mimidrv.sys', '\\mimilib.dll', 'misc::printnightmare', 'misc::shadowcopies', 'misc::skeleton',
    'privilege::backup', 'privilege::debug', 'privilege::driver', 'sekurlsa::'];
  const a = anchorsFor(lits);
  assert.deepEqual(a, ['::', 'kiwi', 'mimi']);
  for (const l of lits) assert.ok(hasAnchor(`x ${l} y`, a!), l);
  assert.equal(hasAnchor('c:\\windows\\system32\\svchost.exe -k netsvcs', a!), false);
});

test('too many anchors needed, or an empty literal: no anchors', () => {
  assert.equal(anchorsFor(['ab', 'cd', 'ef'], 2), undefined);
  assert.equal(anchorsFor(['abc', '']), undefined);
  assert.deepEqual(anchorsFor(['a']), ['a']);
});

test('any text holding a literal holds an anchor (property)', () => {
  const alpha = fc.constantFrom(...'ab:.\\kiwm');
  const word = fc.array(alpha, { minLength: 1, maxLength: 8 }).map((c) => c.join(''));
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), word, word, fc.nat(11), (lits, pre, post, k) => {
    const a = anchorsFor(lits, 64);
    assert.ok(a, 'a cover always exists with enough anchors');
    const text = pre + lits[k % lits.length] + post;
    return hasAnchor(text, a);
  }), { numRuns: 500 });
});
