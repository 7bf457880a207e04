// Mutation tests: the X12 reader never throws, never hangs and only ever reports X12_* errors with
// a location, whatever is done to real and generated files.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import { X12Reader, parseX12, write835, write837, type ParseX12Result } from '../../../src/billing/index.ts';
import { sharedData } from '../../helpers/data.ts';
import { claims, remit } from '../fixtures/specs.ts';

const seeds = [
  write835(remit()),
  write837(claims()),
  readFileSync(sharedData('x12_835_837', 'lfh/835_005010X221A1/managed-care.835'), 'utf8'),
  readFileSync(sharedData('x12_835_837', 'ims/837_5010/x12_complex.txt'), 'utf8'),
  readFileSync(sharedData('x12_835_837', 'oop/837P/5010/ST1309-XX.txt'), 'utf8'),
];

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.string({ unit: fc.constantFrom('*', '~', ':', '^', '\r', '\n', 'A', '9', 'ISA', 'SE', 'HL*', 'CLM*', 'NM1*', 'LX*1', ' ', '\uFEFF', '|', '-', '.'), maxLength: 12 }) }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), ch: fc.string({ minLength: 1, maxLength: 1 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
);

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function apply(text: string, muts: Mutation[]): string {
  let s = text;
  for (const m of muts) {
    const at = s.length ? m.at % (s.length + 1) : 0;
    switch (m.kind) {
      case 'delete': s = s.slice(0, at) + s.slice(at + m.len); break;
      case 'insert': s = s.slice(0, at) + m.text + s.slice(at); break;
      case 'replace': s = s.slice(0, at) + m.ch + s.slice(at + 1); break;
      case 'duplicate': s = s.slice(0, at + m.len) + s.slice(at, at + m.len) + s.slice(at + m.len); break;
      case 'truncate': s = s.slice(0, at); break;
    }
  }
  return s;
}

function checkResult(r: ParseX12Result): void {
  for (const e of r.errors) {
    assert.ok(e.code.startsWith('X12_'), `unexpected error code ${e.code}: ${e.message}`);
    assert.ok(e.location && (e.location.record !== undefined || e.location.offset !== undefined), 'error is located');
  }
  for (const w of r.warnings) assert.ok(w.location.record !== undefined);
  assert.ok(r.segments >= 0);
}

test('mutated X12 never crashes the reader and errors stay located X12_* codes', () => {
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, muts) => {
      const text = apply(seeds[i], muts);
      checkResult(parseX12(text, { file: 'fuzz.x12' }));
    }),
    { numRuns: 400, seed: 5010 },
  );
});

test('random bytes never crash the reader', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
      const head = new TextEncoder().encode(seeds[0].slice(0, 106));
      const both = new Uint8Array(head.length + bytes.length);
      both.set(head);
      both.set(bytes, head.length);
      checkResult(parseX12(both));
      checkResult(parseX12(bytes));
    }),
    { numRuns: 300, seed: 837 },
  );
});

test('streaming in random chunk sizes gives the same answer as one push', () => {
  fc.assert(
    fc.property(fc.nat({ max: seeds.length - 1 }), fc.array(mutation, { maxLength: 2 }), fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), (i, muts, sizes) => {
      const text = apply(seeds[i], muts);
      const whole = parseX12(text);
      const reader = new X12Reader();
      let at = 0;
      for (let k = 0; at < text.length; k++) {
        const n = sizes[k % sizes.length];
        reader.push(text.slice(at, at + n));
        at += n;
      }
      const r = reader.end();
      assert.equal(r.segments, whole.segments);
      assert.deepEqual(r.errors.map((e) => e.format()), whole.errors.map((e) => e.format()));
      assert.equal(r.transactions.length, whole.transactions.length);
    }),
    { numRuns: 150, seed: 221 },
  );
});
