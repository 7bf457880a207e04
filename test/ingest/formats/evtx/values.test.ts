// Value renderings and the CRC: each against an independent computation.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { crc32 as zlibCrc32 } from 'node:zlib';
import fc from 'fast-check';
import { crc32 } from '../../../../src/ingest/formats/evtx/crc32.ts';
import { filetimeText, pyFloat, guidAt, sidAt, base64At, arrayText, scalarText, VT } from '../../../../src/ingest/formats/evtx/values.ts';
import { shortHex, isoSystemTime } from '../../../../src/ingest/formats/evtx/render.ts';

test('crc32 equals zlib crc32 for any bytes and any split', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(), (b, cut) => {
    const k = b.length ? cut % (b.length + 1) : 0;
    const want = zlibCrc32(b);
    assert.equal(crc32(b), want);
    assert.equal(crc32(b, k, b.length, crc32(b, 0, k)), want);
  }), { numRuns: 300 });
});

test('base64 matches Buffer for any bytes', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 64 }), (b) => {
    assert.equal(base64At(b, 0, b.length), Buffer.from(b).toString('base64'));
  }));
});

test('FILETIME renders as python str(datetime) through a double, like the reference', () => {
  assert.equal(filetimeText(0, 0), '1601-01-01 00:00:00');
  // 2019-08-14 14:06:44.4956740: a double holds these ticks only to 16, so python prints .495672.
  const ticks = BigInt(Date.UTC(2019, 7, 14, 14, 6, 44, 495)) * 10000n + 116444736000000000n + 6740n;
  assert.equal(filetimeText(Number(ticks & 0xffffffffn), Number(ticks >> 32n)), '2019-08-14 14:06:44.495672');
  const whole = BigInt(Date.UTC(2020, 0, 1)) * 10000n + 116444736000000000n;
  assert.equal(filetimeText(Number(whole & 0xffffffffn), Number(whole >> 32n)), '2020-01-01 00:00:00');
});

test('floats print like python repr', () => {
  assert.equal(pyFloat(1), '1.0');
  assert.equal(pyFloat(0.1), '0.1');
  assert.equal(pyFloat(1e-5), '1e-05');
  assert.equal(pyFloat(1.5e16), '1.5e+16');
  assert.equal(pyFloat(123456.5), '123456.5');
  assert.equal(pyFloat(Math.fround(0.1)), '0.10000000149011612');
  assert.equal(pyFloat(-0), '-0.0');
});

test('GUID, SID, hex and integer renderings', () => {
  const g = Uint8Array.from([0x5f, 0x38, 0x70, 0x57, 0x2a, 0xc2, 0xe0, 0x43, 0xbf, 0x4c, 0x06, 0xf5, 0x69, 0x8f, 0xfb, 0xd9]);
  assert.equal(guidAt(g, 0), '5770385F-C22A-43E0-BF4C-06F5698FFBD9');
  const sid = Uint8Array.from([1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0]);
  assert.equal(sidAt(new DataView(sid.buffer), 0, sid.length), 'S-1-5-32-544');
  const b = new Uint8Array(8);
  const dv = new DataView(b.buffer);
  dv.setUint32(0, 0x3e8, true);
  assert.equal(scalarText(b, dv, VT.HEX32, 0, 4), '0x3e8');
  assert.equal(scalarText(b, dv, VT.HEX64, 0, 8), '0x3e8');
  dv.setInt32(0, -5, true);
  assert.equal(scalarText(b, dv, VT.INT32, 0, 4), '-5');
  dv.setBigUint64(0, 18446744073709551615n, true);
  assert.equal(scalarText(b, dv, VT.UINT64, 0, 8), '18446744073709551615');
  assert.equal(scalarText(b, dv, VT.SIZET, 0, 8), '18446744073709551615');
  dv.setInt32(0, 1, true);
  assert.equal(scalarText(b, dv, VT.BOOL, 0, 4), 'True');
  assert.throws(() => scalarText(b, dv, VT.INT64, 0, 4), RangeError);
  assert.throws(() => scalarText(b, dv, 0x42, 0, 4), RangeError);
});

test('string arrays render as python-evtx <string> runs', () => {
  const s = 'a\0\0b\0';
  const b = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) b[2 * i] = s.charCodeAt(i);
  assert.equal(arrayText(b, new DataView(b.buffer), 0x81, 0, b.length), '<string>a</string>\n<string></string>\n<string>b</string>\n');
});

test('hex, GUID and control-character value rules', () => {
  assert.equal(shortHex('0x00590000'), '0x590000');
  assert.equal(shortHex('0x76FAEC4B'), '0x76faec4b');
  assert.equal(shortHex('0x0'), '0x0');
  assert.equal(shortHex('{511224d4-1eb4-47b9-bc4a-37e21f923fed}'), '511224D4-1EB4-47B9-BC4A-37E21F923FED');
  assert.equal(shortHex('{511224D4-1EB4-47B9-BC4A-37E21F923FED}'), '{511224D4-1EB4-47B9-BC4A-37E21F923FED}');
  assert.equal(shortHex('a\u0002b\r\n'), 'ab\r\n');
  assert.equal(isoSystemTime('2019-08-14 14:06:44.49'), '2019-08-14T14:06:44.490000Z');
  assert.equal(isoSystemTime('2019-08-14 14:06:44'), '2019-08-14T14:06:44.000000Z');
});
