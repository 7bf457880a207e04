// Hostile and damaged EVTX input: flipped bytes, truncation, bogus template offsets, templates that
// point at themselves, broken chunks. The reader must finish, never throw, report every problem as a
// ClaimGuardError with a file offset inside the input, and keep the records it can still read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { isClaimGuardError } from '../../../../src/core/index.ts';
import { readChunk, CHUNK_SIZE, FILE_HEADER_SIZE } from '../../../../src/ingest/formats/evtx/index.ts';
import { sharedData } from '../../../helpers/data.ts';
import { readAll } from './helpers.ts';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const SMALL = readFileSync(sharedData('evtx_attack_samples', 'Command and Control', 'DE_RDP_Tunnel_5156.evtx'));
const MULTI = gunzipSync(readFileSync(sharedData('evtx_attack_samples', 'Command and Control', 'bits_openvpn.evtx.gz')));

async function check(bytes: Uint8Array, maxRecords: number): Promise<{ records: number; errors: number }> {
  const { items } = await readAll(bytes);
  let records = 0, errors = 0;
  for (const it of items) {
    if (it.ok) {
      records++;
      assert.ok(it.record.offset >= FILE_HEADER_SIZE && it.record.offset < bytes.length);
    } else {
      errors++;
      assert.ok(isClaimGuardError(it.error));
      assert.match(it.error.code, /^EVTX_/);
      const off = it.error.location?.offset;
      assert.equal(typeof off, 'number', 'every warning is located');
      assert.ok(off! >= 0 && off! <= bytes.length, `offset ${off} inside the input`);
    }
  }
  assert.ok(records <= maxRecords, `${records} records from a file that holds ${maxRecords}`);
  return { records, errors };
}

/** Offsets of template-instance tokens (0x0c) that sit right after a record's fragment header. */
function instanceOffsets(file: Uint8Array): number[] {
  const out: number[] = [];
  for (let c = FILE_HEADER_SIZE; c + CHUNK_SIZE <= file.length; c += CHUNK_SIZE) {
    let p = c + 512;
    const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
    while (p + 28 < c + CHUNK_SIZE && file[p] === 0x2a && file[p + 1] === 0x2a) {
      const size = dv.getUint32(p + 4, true);
      if (size < 28 || p + size > c + CHUNK_SIZE) break;
      if (file[p + 24] === 0x0f && file[p + 28] === 0x0c) out.push(p + 28);
      p += size;
    }
  }
  return out;
}

test('the unmodified files read cleanly', async () => {
  assert.deepEqual(await check(SMALL, 101), { records: 101, errors: 0 });
  assert.deepEqual(await check(MULTI, 1537), { records: 1537, errors: 0 });
});

test('flipped bytes anywhere: no throw, located warnings, bounded output', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.tuple(fc.integer({ min: 0, max: SMALL.length - 1 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 24 }),
    async (flips) => {
      const b = Uint8Array.from(SMALL);
      for (const [at, x] of flips) b[at] ^= x;
      await check(b, 101);
    },
  ), { numRuns: 150 });
});

test('flips inside record data are reported and the other records survive', async () => {
  await fc.assert(fc.asyncProperty(
    fc.array(fc.tuple(fc.integer({ min: FILE_HEADER_SIZE + 512, max: FILE_HEADER_SIZE + 20000 }), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 4 }),
    async (flips) => {
      const b = Uint8Array.from(SMALL);
      for (const [at, x] of flips) b[at] ^= x;
      const r = await check(b, 101);
      assert.ok(r.errors >= 1, 'the data checksum mismatch is reported');
    },
  ), { numRuns: 80 });
});

test('truncated anywhere: records before the cut are still read', async () => {
  await fc.assert(fc.asyncProperty(fc.integer({ min: 0, max: SMALL.length }), async (cut) => {
    const r = await check(SMALL.subarray(0, cut), 101);
    if (cut < SMALL.length && cut > 0) assert.ok(r.errors >= 1, `cut at ${cut} is reported`);
  }), { numRuns: 120 });
  const half = await check(SMALL.subarray(0, FILE_HEADER_SIZE + 30000), 101);
  assert.ok(half.records > 10 && half.records < 101);
});

test('bogus and self-referencing template offsets: located errors, never a loop', async () => {
  const inst = instanceOffsets(SMALL);
  assert.ok(inst.length > 50);
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: inst.length - 1 }),
    fc.oneof(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: CHUNK_SIZE }), fc.constantFrom(...inst.map((o) => o - FILE_HEADER_SIZE))),
    async (which, target) => {
      const b = Uint8Array.from(SMALL);
      new DataView(b.buffer).setUint32(inst[which] + 6, target, true);
      await check(b, 101);
    },
  ), { numRuns: 150 });
  // A template instance whose definition offset is its own token: the "definition" is the instance.
  const b = Uint8Array.from(SMALL);
  const own = inst[inst.length - 1];
  new DataView(b.buffer).setUint32(own + 6, own - FILE_HEADER_SIZE, true);
  const r = await check(b, 101);
  assert.ok(r.errors >= 1 && r.records >= 99);
});

test('a chunk with a broken signature is skipped with its offset; the other chunks are read', async () => {
  const chunkRecords = [...readChunk(MULTI.subarray(FILE_HEADER_SIZE + CHUNK_SIZE, FILE_HEADER_SIZE + 2 * CHUNK_SIZE), 0, 1, 'x')].filter((x) => x.ok).length;
  assert.ok(chunkRecords > 0);
  const b = Uint8Array.from(MULTI);
  b[FILE_HEADER_SIZE + CHUNK_SIZE] = 0x58; // 'X' instead of 'E' in "ElfChnk"
  const { items } = await readAll(b);
  const bad = items.filter((x) => !x.ok);
  assert.equal(bad.length, 1);
  assert.equal(!bad[0].ok && bad[0].error.code, 'EVTX_BAD_CHUNK');
  assert.equal(!bad[0].ok && bad[0].error.location?.offset, FILE_HEADER_SIZE + CHUNK_SIZE);
  assert.equal(items.filter((x) => x.ok).length, 1537 - chunkRecords);
});

test('random chunk-header damage in a multi-chunk file never stops the other chunks', async () => {
  await fc.assert(fc.asyncProperty(
    fc.integer({ min: 0, max: 16 }), fc.integer({ min: 0, max: 511 }), fc.integer({ min: 1, max: 255 }),
    async (chunk, at, x) => {
      const b = Uint8Array.from(MULTI);
      b[FILE_HEADER_SIZE + chunk * CHUNK_SIZE + at] ^= x;
      const r = await check(b, 1537);
      assert.ok(r.records >= 1537 - 200, `only the damaged chunk may lose records (${r.records})`);
    },
  ), { numRuns: 15 });
});

test('input that is not EVTX is refused at offset 0', async () => {
  for (const bytes of [new Uint8Array(0), new TextEncoder().encode('{"Event":{}}\n'), new Uint8Array(10000)]) {
    const { items } = await readAll(bytes);
    assert.equal(items.length, 1);
    assert.ok(!items[0].ok);
    assert.equal(!items[0].ok && items[0].error.code, 'EVTX_BAD_HEADER');
    assert.equal(!items[0].ok && items[0].error.location?.offset, 0);
  }
});

test('memory stays flat over a long stream: nothing is retained across chunks', async () => {
  // 600 chunks (≈40 MB, ≈60,000 records) of one real chunk, streamed without ever being held whole.
  const chunk = SMALL.subarray(FILE_HEADER_SIZE, FILE_HEADER_SIZE + CHUNK_SIZE);
  async function* src(): AsyncGenerator<Uint8Array> {
    yield SMALL.subarray(0, FILE_HEADER_SIZE);
    for (let i = 0; i < 600; i++) yield chunk;
  }
  const { readEvtx } = await import('../../../../src/ingest/formats/evtx/index.ts');
  // Measure what is retained, not garbage awaiting collection: collect before each reading, so the
  // figure does not depend on when V8 chooses to run the GC (which varies with machine load).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  gc();
  const base = process.memoryUsage().heapUsed;
  let records = 0, peak = 0;
  for await (const it of readEvtx(src(), 'long.evtx')) {
    if (it.ok) records++;
    if ((records & 8191) === 0) { gc(); peak = Math.max(peak, process.memoryUsage().heapUsed - base); }
  }
  assert.equal(records, 600 * 101);
  // Retaining the record trees would need several hundred MB; one chunk and its caches need a few.
  assert.ok(peak < 64e6, `retained heap grew by ${(peak / 1e6).toFixed(0)} MB`);
});
