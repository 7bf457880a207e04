// The fast value-set matcher (gram filter, shared gram table for long strings, wide-character skip)
// must answer exactly as testing each Sigma string one by one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compileSigmaString, compileStringSet, parseSigmaString } from '../../../src/detect/sigma/strings.ts';

const alphabet = ['a', 'b', 'c', 'md5=', '\\', '*', '?', ':', ' ', '🦆', 'é', 'İ', '\u0000'];
const piece = fc.constantFrom(...alphabet);
const value = fc.array(piece, { minLength: 1, maxLength: 6 }).map((p) => p.join(''));
const subject = fc.array(fc.constantFrom(...alphabet.filter((c) => c !== '*' && c !== '?'), 'x', 'yz'), { maxLength: 120 }).map((p) => p.join(''));

test('compileStringSet equals the OR of its values, short and long subjects', () => {
  fc.assert(fc.property(fc.array(value, { minLength: 6, maxLength: 30 }), fc.array(subject, { minLength: 1, maxLength: 8 }), (vals, subs) => {
    const parsed = vals.map(parseSigmaString);
    const set = compileStringSet(parsed, true);
    const one = parsed.map((v) => compileSigmaString(v, true).test);
    for (const s0 of subs) {
      // Long subjects take the shared gram-table path; repeat to cover pool hits.
      for (const s of [s0.toLowerCase(), (s0 + s0 + s0 + s0).toLowerCase(), 'q'.repeat(200) + s0.toLowerCase()]) {
        assert.equal(set(s), one.some((t) => t(s)), `subject ${JSON.stringify(s)} values ${JSON.stringify(vals)}`);
        assert.equal(set(s), one.some((t) => t(s)));
      }
    }
  }), { numRuns: 300 });
});

test('value sets with hash literals sharing a prefix find the right one', () => {
  const vals = Array.from({ length: 40 }, (_, i) => parseSigmaString(`*MD5=${i.toString(16).padStart(32, '0')}*`));
  const set = compileStringSet(vals, true);
  const hashes = 'sha1=0123,md5=' + (7).toString(16).padStart(32, '0') + ',sha256=' + 'ab'.repeat(32) + ',imphash=' + '0'.repeat(32);
  assert.equal(set(hashes.toLowerCase()), true);
  assert.equal(set(hashes.replace('md5=', 'md4=').toLowerCase()), false);
});
