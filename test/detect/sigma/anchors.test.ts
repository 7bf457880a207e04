// Anchors must never let a text holding one of the literals through unflagged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { anchorPattern, anchorsFor, TO_ASCII_WHEN_LOWERED } from '../../../src/detect/sigma/anchors.ts';

test('the Mimikatz keyword literals are covered by three anchors', () => {
  const lits = ['dpapi::masterkey', 'eo.oe.kiwi', 'event::clear', 'event::drop', 'gentilkiwi.com', 'kerberos::golden', 'kerberos::ptc', 'kerberos::ptt',
    'kerberos::tgt', 'kiwi legit printer', 'lsadump::', 'mimidrv.sys', '\\mimilib.dll', 'misc::printnightmare', 'misc::shadowcopies', 'misc::skeleton',
    'privilege::backup', 'privilege::debug', 'privilege::driver', 'sekurlsa::'];
  const a = anchorsFor(lits);
  assert.deepEqual(a, ['::', 'kiwi', 'mimi']);
  const re = anchorPattern(a!);
  for (const l of lits) assert.ok(re.test(`X ${l.toUpperCase()} y`), l);
  assert.equal(re.test('C:\\Windows\\System32\\svchost.exe -k netsvcs'), false);
  // Where toLowerCase and the i flag differ, the text passes: KELVIN SIGN + "iwi", "mim" + İ.
  assert.equal(re.test('\u212aiwi'), true);
  assert.equal('\u212aiwi'.toLowerCase(), 'kiwi');
  assert.equal(re.test('MIM\u0130'), true);
  assert.ok('MIM\u0130'.toLowerCase().includes('mimi'));
  // Other non-ASCII text is screened like ASCII: "Microsoft® Windows®" holds no anchor.
  assert.equal(re.test('Microsoft\u00ae Windows\u00ae Operating System'), false);
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

test('only U+0130 and U+212A lower-case to text holding ASCII (what the screen for ASCII anchors relies on)', () => {
  const found: number[] = [];
  for (let c = 0x80; c <= 0x10ffff; c++) {
    if (c >= 0xd800 && c <= 0xdfff) continue;
    if (/[\u0000-\u007f]/.test(String.fromCodePoint(c).toLowerCase())) found.push(c);
  }
  assert.deepEqual(found, [0x130, 0x212a]);
  assert.equal(new RegExp(TO_ASCII_WHEN_LOWERED).source, '[\\u0130\\u212a]');
});

test('with a non-ASCII anchor every non-ASCII text passes (U+03F4 lower-cases to θ, which /θ/i misses)', () => {
  const re = anchorPattern(['θα']);
  assert.equal(/θ/i.test('\u03f4'), false);
  assert.equal('\u03f4\u0391'.toLowerCase(), 'θα');
  assert.equal(re.test('\u03f4\u0391'), true);
  assert.equal(re.test('plain ascii'), false);
});

test('any text holding a literal holds an anchor, Greek and special letters included (property)', () => {
  const letters = 'aσςθκk\u212a\u0130i';
  const word = fc.array(fc.constantFrom(...letters), { minLength: 1, maxLength: 6 }).map((c) => c.join('').toLowerCase());
  const anyText = fc.string({ unit: fc.constantFrom(...'aAσΣςθΘ\u03f4κΚkK\u212a\u0130iI'), maxLength: 10 });
  fc.assert(fc.property(fc.array(word, { minLength: 1, maxLength: 8 }), anyText, anyText, fc.nat(7), fc.boolean(), (lits, pre, post, k, upper) => {
    const a = anchorsFor(lits, 64)!;
    const lit = lits[k % lits.length];
    const text = pre + (upper ? lit.toUpperCase() : lit) + post;
    return !text.toLowerCase().includes(lit) || anchorPattern(a).test(text);
  }), { numRuns: 3000 });
});
