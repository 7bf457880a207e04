// Structural defects in an 837 we wrote: each is a located error naming what is wrong.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseX12, write837 } from '../../../src/billing/index.ts';
import { claims } from '../fixtures/specs.ts';

const good = write837(claims());
const segs = good.split('~\n').filter(Boolean);
const join = (xs: string[]): string => xs.map((s) => s + '~\n').join('');

function firstError(xs: string[]): { code: string; message: string; record?: number } {
  const r = parseX12(join(xs), { file: 'f.837' });
  assert.ok(r.errors.length > 0, 'expected an error');
  return { code: r.errors[0].code, message: r.errors[0].message, record: r.errors[0].location?.record };
}

const idx = (prefix: string): number => segs.findIndex((s) => s.startsWith(prefix));

test('the unmodified fixture parses cleanly', () => {
  const r = parseX12(good);
  assert.deepEqual(r.errors, []);
  assert.equal(r.segments, segs.length);
});

test('REF before N4 in 2010AA is out of order', () => {
  const xs = [...segs];
  const n4 = idx('N4*AUSTIN*TX*78704');
  [xs[n4], xs[n4 + 1]] = [xs[n4 + 1], xs[n4]];
  const e = firstError(xs);
  assert.equal(e.code, 'X12_UNEXPECTED_SEGMENT');
  assert.match(e.message, /N4 is out of order in loop 2010AA/);
  assert.equal(e.record, n4 + 2);
});

test('a billing provider level without 2010AA is a missing required loop', () => {
  const xs = segs.filter((s, i) => !(i >= idx('NM1*85') && i <= idx('REF*EI')));
  const e = firstError(xs);
  assert.equal(e.code, 'X12_MISSING_SEGMENT');
  assert.match(e.message, /2010AA billing provider name \(NM1\*85\) is missing/);
});

test('SV1 without LX names the missing LX', () => {
  const xs = segs.filter((s) => s !== 'LX*1');
  const e = firstError(xs);
  assert.equal(e.code, 'X12_MISSING_SEGMENT');
  assert.match(e.message, /LX service line number is missing before SV1/);
});

test('a patient level without a subscriber level is out of place', () => {
  const xs = segs.map((s) => (s.startsWith('HL*2*1*22') ? 'HL*2*1*23*0' : s));
  const e = firstError(xs);
  assert.equal(e.code, 'X12_UNEXPECTED_SEGMENT');
  assert.match(e.message, /patient level \(HL03=23\) without a subscriber level/);
});

test('a subscriber level without the payer name (2010BB) is a missing required loop', () => {
  const first = idx('NM1*PR');
  const xs = segs.filter((_, i) => i !== first);
  const e = firstError(xs);
  assert.equal(e.code, 'X12_MISSING_SEGMENT');
  assert.match(e.message, /2010BB payer name/);
});

test('missing envelope segments: GS, ST, SE, GE, IEA', () => {
  const cases: [string, string, RegExp][] = [
    ['GS*', 'X12_UNEXPECTED_SEGMENT', /ST outside a functional group/],
    ['ST*', 'X12_UNEXPECTED_SEGMENT', /BHT is outside a transaction set/],
    ['SE*', 'X12_MISSING_SEGMENT', /SE trailer missing/],
    ['GE*', 'X12_MISSING_SEGMENT', /GE trailer missing/],
    ['IEA*', 'X12_TRUNCATED', /IEA trailer missing/],
  ];
  for (const [drop, code, text] of cases) {
    const e = firstError(segs.filter((s) => !s.startsWith(drop)));
    assert.equal(e.code, code, drop);
    assert.match(e.message, text, drop);
  }
});

test('HL numbering and parent problems are warnings (real files get them wrong)', () => {
  const xs = segs.map((s) => (s.startsWith('HL*2*1*22') ? 'HL*2*7*22*0' : s));
  const r = parseX12(join(xs));
  assert.deepEqual(r.errors, []);
  assert.ok(r.warnings.some((w) => w.location.path === 'HL02' && /parent "7"/.test(w.message)));
});

test('a bad NM102 code is an error at that element', () => {
  const xs = segs.map((s) => (s.startsWith('NM1*IL*1*RIVERA') ? s.replace('NM1*IL*1*', 'NM1*IL*3*') : s));
  const r = parseX12(join(xs));
  assert.equal(r.errors[0].code, 'X12_BAD_SEGMENT');
  assert.equal(r.errors[0].location?.path, 'NM102 in loop 2000B');
});
