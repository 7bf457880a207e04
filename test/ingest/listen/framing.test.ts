import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { SyslogFramer, type FrameItem } from '../../../src/ingest/listen/index.ts';

function texts(items: FrameItem[]): string[] {
  return items.map((i) => (i.ok ? i.frame.text : `ERR ${i.error.code}`));
}

function feed(chunks: (string | Buffer)[], maxBytes = 1024): FrameItem[] {
  const f = new SyslogFramer({ maxBytes, file: 'tcp://test' });
  const out: FrameItem[] = [];
  for (const c of chunks) out.push(...f.push(typeof c === 'string' ? Buffer.from(c) : c));
  out.push(...f.end());
  return out;
}

const M1 = '<34>Oct 11 22:14:15 mymachine su: \'su root\' failed for lonvick on /dev/pts/8';
const M2 = '<165>1 2003-10-11T22:14:15.003Z host app - ID47 [ex@32473 a="1"] multi\nline message';
const M3 = '<13>Jun 14 15:16:01 combo sshd[1]: Accepted password for ünïcode from 10.0.0.1 port 22 ssh2';

function octet(m: string): string {
  return `${Buffer.byteLength(m)} ${m}`;
}

test('LF framing splits on LF and drops CR', () => {
  assert.deepEqual(texts(feed([`${M1}\r\n${M3}\n`])), [M1, M3]);
});

test('octet counting carries messages with embedded LF, byte lengths for UTF-8', () => {
  assert.deepEqual(texts(feed([octet(M2) + octet(M3) + octet(M1)])), [M2, M3, M1]);
});

test('framing is recognised per frame, so one connection may mix both', () => {
  assert.deepEqual(texts(feed([`${M1}\n${octet(M2)}${M3}\n${octet(M1)}\n`])), [M1, M2, M3, M1]);
});

test('a message split across packets at any byte is reassembled (property)', () => {
  const stream = Buffer.from(`${octet(M2)}${M1}\n${octet(M3)}${M3}\n${octet(M1)}`);
  fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: stream.length - 1 }), { maxLength: 12 }), (cuts) => {
    const points = [0, ...cuts.sort((a, b) => a - b), stream.length];
    const chunks = points.slice(1).map((p, i) => stream.subarray(points[i], p));
    assert.deepEqual(texts(feed(chunks)), [M2, M1, M3, M3, M1]);
  }), { numRuns: 200 });
});

test('offsets and record numbers locate each message in the connection stream', () => {
  const items = feed([`${M1}\n${octet(M3)}`]);
  assert.ok(items[0].ok && items[1].ok);
  if (items[0].ok && items[1].ok) {
    assert.deepEqual([items[0].frame.offset, items[0].frame.record], [0, 1]);
    const off = Buffer.byteLength(M1) + 1 + String(Buffer.byteLength(M3)).length + 1;
    assert.deepEqual([items[1].frame.offset, items[1].frame.record], [off, 2]);
  }
});

test('a message without PRI that starts with digits is LF framed, not mistaken for a length', () => {
  assert.deepEqual(texts(feed(['2026-01-01T00:00:00Z host app: hello\n12 apples\n'])), ['2026-01-01T00:00:00Z host app: hello', '12 apples']);
});

test('over-long messages are reported and skipped; framing resynchronises', () => {
  const long = '<13>' + 'x'.repeat(200);
  assert.deepEqual(texts(feed([`${long}\n${M1}\n`], 100)), ['ERR INGEST_LINE_TOO_LONG', M1]);
  // Split so the over-long LF frame spans packets.
  assert.deepEqual(texts(feed([long.slice(0, 150), long.slice(150) + '\n' + M1 + '\n'], 100)), ['ERR INGEST_LINE_TOO_LONG', M1]);
  // Octet counted, arriving in pieces: its declared bytes are skipped.
  const framed = octet(long) + octet(M1.slice(0, 90));
  assert.deepEqual(texts(feed([framed.slice(0, 20), framed.slice(20, 120), framed.slice(120)], 100)), ['ERR INGEST_LINE_TOO_LONG', M1.slice(0, 90)]);
});

test('a connection closed mid octet-counted message reports it; a last LF-less line is kept', () => {
  assert.deepEqual(texts(feed([octet(M1).slice(0, 30)])), ['ERR INGEST_BAD_RECORD']);
  assert.deepEqual(texts(feed([`${M1}\n${M3}`])), [M1, M3]);
});

test('random bytes never throw and never produce a message above the limit (property)', () => {
  fc.assert(fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 8 }), (chunks) => {
    const items = feed(chunks.map((c) => Buffer.from(c)), 128);
    for (const i of items) if (i.ok) assert.ok(Buffer.byteLength(i.frame.text) <= 128 * 3); // UTF-8 replacement may widen
  }), { numRuns: 300 });
});
