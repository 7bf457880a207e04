// The one-pass literal scan finds exactly the literals a value holds (property test against
// String#includes), whatever their length (1, 2–3, 4+ characters), position, repetition or script.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { finishFieldIndex, indexWitness, LiteralScanner, newFieldIndex, type FieldIndex } from '../../../src/detect/sigma/field-index.ts';
import { memoBudget } from '../../../src/detect/sigma/value-memo.ts';

/** Index each literal as a 'sub' witness with its own code (its position); file 4+ literals by `offset`. */
function build(lits: string[], offset: (lit: string) => number): FieldIndex {
  const fi = newFieldIndex('CommandLine', memoBudget());
  lits.forEach((lit, i) => indexWitness(fi, { field: 'CommandLine', kind: 'sub', value: lit }, i << 5, offset));
  finishFieldIndex(fi);
  return fi;
}

function found(scanner: LiteralScanner, fi: FieldIndex, value: string): number[] {
  const acc: number[] = [];
  scanner.scan(fi, value, acc);
  return [...new Set(acc.map((c) => c >>> 5))].sort((a, b) => a - b);
}

// Characters that collide when packed to one byte (U+0161 and U+0060 share a low byte with others),
// plus path and command-line punctuation.
const unit = fc.constantFrom(...'ab-/\\: .e\u0161\u0160\u0060\u0100\u2212\u00e9');

test('scan finds exactly the literals a value holds', () => {
  fc.assert(fc.property(
    fc.uniqueArray(fc.string({ unit, minLength: 1, maxLength: 7 }), { minLength: 1, maxLength: 12 }),
    fc.string({ unit, maxLength: 40 }),
    fc.nat(),
    (lits, value, seed) => {
      const fi = build(lits, (lit) => seed % (lit.length - 3));
      const want = lits.flatMap((l, i) => (value.includes(l) ? [i] : []));
      const scanner = new LiteralScanner(() => [fi]);
      assert.deepEqual(found(scanner, fi, value), want);
      assert.deepEqual(found(scanner, fi, value), want, 'a second scan of the same index agrees');
    },
  ), { numRuns: 3000 });
});

test('a literal occurring many times adds its codes once', () => {
  const fi = build([' ', ' -e', 'kiwi'], () => 0);
  const acc: number[] = [];
  new LiteralScanner(() => [fi]).scan(fi, 'kiwi kiwi -e -e -e kiwi', acc);
  assert.deepEqual(acc.map((c) => c >>> 5).sort(), [0, 1, 2]);
});

test('exact values and path components are one lookup each', () => {
  const fi = newFieldIndex('Image', memoBudget());
  indexWitness(fi, { field: 'Image', kind: 'eq', value: 'c:\\windows\\system32\\cmd.exe' }, 0 << 5, () => 0);
  indexWitness(fi, { field: 'Image', kind: 'base\\', value: 'cmd.exe' }, 1 << 5, () => 0);
  indexWitness(fi, { field: 'Image', kind: 'base/', value: 'bash' }, 2 << 5, () => 0);
  finishFieldIndex(fi);
  const s = new LiteralScanner(() => [fi]);
  assert.deepEqual(found(s, fi, 'c:\\windows\\system32\\cmd.exe'), [0, 1]);
  assert.deepEqual(found(s, fi, 'd:\\tools\\cmd.exe'), [1]);
  assert.deepEqual(found(s, fi, '/usr/bin/bash'), [2]);
  assert.deepEqual(found(s, fi, 'cmd.exe'), []);
});
