import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Buffer } from 'node:buffer';
import { bytesOf, lines, type LineItem } from '../../../src/ingest/formats/lines.ts';

async function split(text: string, chunk: number, max = 1 << 20): Promise<LineItem[]> {
  const out: LineItem[] = [];
  for await (const l of lines(bytesOf(text, chunk), max)) out.push(l);
  return out;
}

test('property: lines, numbers and UTF-8 byte offsets are the same for any chunking and LF/CRLF', async () => {
  const lineArb = fc.string({ maxLength: 30, unit: fc.constantFrom('a', 'é', '€', '😀', ' ', '\r', 'x') }).filter((s) => !s.endsWith('\r'));
  await fc.assert(fc.asyncProperty(fc.array(lineArb, { minLength: 1, maxLength: 12 }), fc.boolean(), fc.integer({ min: 1, max: 40 }), async (ls, crlf, chunk) => {
    const sep = crlf ? '\r\n' : '\n';
    const text = ls.join(sep) + sep;
    const got = await split(text, chunk);
    let offset = 0;
    const want = ls.map((l, i) => {
      const item = { text: l, line: i + 1, offset };
      offset += Buffer.byteLength(l + sep);
      return item;
    });
    assert.deepEqual(got, want);
  }), { numRuns: 300 });
});

test('a final line without a terminator is still a line; an over-long one is reported once', async () => {
  assert.deepEqual(await split('a\nb', 1), [{ text: 'a', line: 1, offset: 0 }, { text: 'b', line: 2, offset: 2 }]);
  const got = await split('ok\n' + 'z'.repeat(50) + '\nnext\n' + 'y'.repeat(50), 8, 10);
  assert.deepEqual(got.map((l) => ('tooLong' in l ? `long@${l.line}:${l.offset}` : l.text)), ['ok', 'long@2:3', 'next', 'long@4:59']);
});
