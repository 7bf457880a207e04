// Anchors must never let a text holding one of the literals through unflagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anchorPattern, anchorsFor } from '../../../src/detect/sigma/anchors.ts';

test('the Mimikatz keyword literals are covered by three anchors', () => {
  const lits = ['dpapi::masterkey', 'eo.oe.kiwi', 'event::clear', 'event::drop', 'gentilkiwi.com', 'kerberos::golden', 'kerberos::ptc', 'kerberos::ptt',
    'kerberos::tgt', 'kiwi legit printer', 'lsadump::', 'mimidrv.sys', '\\mimilib.dll', 'misc::printnightmare', 'misc::shadowcopies', 'misc::skeleton',
    'privilege::backup', 'privilege::debug', 'privilege::driver', 'sekurlsa::'];
  const a = anchorsFor(lits);
  assert.deepEqual(a, ['::', 'kiwi', 'mimi']);
  const re = anchorPattern(a!);
  for (const l of lits) assert.ok(re.test(`X ${l.toUpperCase()} y`), l);
  assert.equal(re.test('C:\\Windows\\System32\\svchost.exe -k netsvcs'), false);
  // Non-ASCII text always passes (toLowerCase and the i flag differ there): KELVIN SIGN + "iwi".
  assert.equal(re.test('\u212aiwi'), true);
  assert.equal('\u212aiwi'.toLowerCase(), 'kiwi');
});

test('too many anchors needed, or an empty literal: no anchors', () => {
  assert.equal(anchorsFor(['ab', 'cd', 'ef'], 2), undefined);
  assert.equal(anchorsFor(['abc', '']), undefined);
  assert.deepEqual(anchorsFor(['a']), ['a']);
});

test('any text holding a literal holds an anchor (property)', () => {
  const alpha = fc.constantFrom(...'ab:.\\kiwm');
  const word = fc.array(alpha, { minLength: 1, maxLength: 8 }).map((c) => c.join(''));
  const anyText = fc.string({ unit: fc.constantFrom(...'ab:.\\kiwmABKIWM\u212a\u0130\u017f'), maxLength: 10 });
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 12 }), anyText, anyText, fc.nat(11), fc.boolean(), (lits, pre, post, k, upper) => {
    const a = anchorsFor(lits, 64);
    assert.ok(a, 'a cover always exists with enough anchors');
    const lit = lits[k % lits.length];
    const text = pre + (upper ? lit.toUpperCase() : lit) + post;
    // The contract: whenever the folded text holds a literal, the pattern passes the raw text.
    return !text.toLowerCase().includes(lit) || anchorPattern(a).test(text);
  }), { numRuns: 2000 });
});
