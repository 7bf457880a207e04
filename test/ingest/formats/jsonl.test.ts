import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { jsonlReader, splitJsonRecords, JsonRecordSplitter } from '../../../src/ingest/formats/jsonl.ts';
import { bytesOf } from '../../../src/ingest/formats/lines.ts';
import { collect, errs, oks } from './helpers.ts';

test('JSON lines: good records flow around bad ones, each bad one located', async () => {
  const results = await collect(jsonlReader, { fixture: 'jsonl/events.jsonl' });
  const ev = oks(results);
  assert.deepEqual(ev.map((e) => e.fields.user), ['alice', 'bob', 'frank']);
  assert.equal(ev[0].time, Date.UTC(2024, 4, 1, 10, 0, 0));
  assert.equal(ev[0].fields.src_ip, '192.0.2.10', 'canonical src_ip from source.ip');
  assert.equal(ev[0].fields.outcome, 'success', 'canonical outcome from event.outcome');
  assert.equal(ev[2].time, 1714557610000);
  const bad = errs(results);
  // line 3: bad time; line 4: no time; line 5 opens a record that line 6 never closes → truncated at line 7's "{"
  assert.deepEqual(bad.map((e) => [e.code, e.location?.line]), [['INGEST_BAD_TIME', 3], ['INGEST_BAD_TIME', 4], ['JSON_BAD_RECORD', 5]]);
  assert.equal(bad[0].location?.path, '@timestamp');
  assert.equal(typeof bad[2].location?.offset, 'number');
});

test('a JSON array of objects with a dotted time field', async () => {
  const ev = oks(await collect(jsonlReader, { fixture: 'jsonl/array.json' }, { options: { timeField: 'event.created' } }));
  assert.deepEqual(ev.map((e) => e.fields.op), ['claim.update', 'claim.view', 'payee.change']);
  assert.equal(ev[2].fields.note, 'brace } and " quote inside');
  assert.equal(ev[0].fields.user, 'alice', 'canonical user from actor');
  const bad = errs(await collect(jsonlReader, { fixture: 'jsonl/array.json' }, { options: { timeField: 'event.missing' } }));
  assert.equal(bad.length, 3);
  assert.equal(bad[0].location?.line, 2);
  assert.equal(bad[0].location?.path, 'event.missing');
});

test('concatenated pretty-printed objects, at every chunk size', async () => {
  for (const chunk of [1, 5, 64, 65536]) {
    const results = await collect(jsonlReader, { fixture: 'jsonl/concatenated.json' }, {}, chunk);
    const ev = oks(results);
    assert.equal(ev.length, 2, `chunk ${chunk}`);
    assert.equal(ev[0].time, Date.UTC(2024, 4, 1, 9, 0, 0));
    assert.deepEqual(ev[0].fields.nested, { deep: [1, { x: '}' }] });
    assert.equal(ev[1].fields.user, 'bob');
  }
});

test('splitter locations: line, byte offset (UTF-8) and record number', async () => {
  const text = '{"a":"é"}\n\n  {"b":\n1}\n[{"c":1},\n{"d":2}]\n';
  const pieces = [];
  for await (const p of splitJsonRecords(bytesOf(text, 3))) pieces.push(p);
  assert.deepEqual(pieces.map((p) => (p.ok ? [p.text, p.line, p.offset, p.record] : p.reason)), [
    ['{"a":"é"}', 1, 0, 1],
    ['{"b":\n1}', 3, 14, 2],
    ['{"c":1}', 5, 24, 3],
    ['{"d":2}', 6, 33, 4],
  ]);
});

test('a record over the limit is reported and skipped; the next line still parses', async () => {
  const text = '{"time":1700000000,"x":"' + 'y'.repeat(500) + '"}\n{"time":1700000001,"ok":true}\n';
  const results = await collect(jsonlReader, text, { options: { maxRecordChars: 100 } }, 16);
  assert.equal(results.length, 2);
  assert.ok(!results[0].ok && results[0].error.code === 'INGEST_LINE_TOO_LONG' && results[0].error.location?.line === 1);
  assert.ok(results[1].ok && results[1].event.fields.ok === true);
});

test('unclosed array and unclosed object at the end are located errors', async () => {
  let bad = errs(await collect(jsonlReader, '[{"time":1700000000}'));
  assert.equal(bad.length, 1);
  assert.equal(bad[0].code, 'JSON_BAD_RECORD');
  bad = errs(await collect(jsonlReader, '{"time":1700000000}\n{"time":'));
  assert.equal(bad.length, 1);
  assert.equal(bad[0].location?.line, 2);
});

test('sniff: objects and arrays of objects are JSON', () => {
  const enc = (s: string) => new TextEncoder().encode(s);
  assert.equal(jsonlReader.sniff(enc('  {"a":1}'), 'x'), true);
  assert.equal(jsonlReader.sniff(enc('[\n  {"a":1}'), 'x'), true);
  assert.equal(jsonlReader.sniff(enc('Dec 10 06:55:46 host x: y'), 'x'), false);
});

test('property: any JSON values, split anywhere, come back as the same records', () => {
  fc.assert(fc.property(fc.array(fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 4 }), { minLength: 1, maxLength: 6 }),
    fc.constantFrom('\n', '', ' \r\n', '\n\n'), fc.boolean(), fc.integer({ min: 1, max: 40 }), (objs, sep, pretty, chunk) => {
      const text = objs.map((o) => JSON.stringify(o, null, pretty ? 2 : undefined)).join(sep);
      const s = new JsonRecordSplitter();
      const out = [];
      for (let i = 0; i < text.length; i += chunk) out.push(...s.push(text.slice(i, i + chunk)));
      out.push(...s.end());
      assert.deepEqual(out.map((p) => (p.ok ? JSON.parse(p.text) : p.reason)), objs.map((o) => JSON.parse(JSON.stringify(o))));
    }), { numRuns: 300 });
});

test('property: random text never throws or hangs; every error is located', async () => {
  const piece = fc.constantFrom('{', '}', '[', ']', '"', '\\', ',', ':', '\n', ' ', 'a', '1', '"time":1700000000', 'é');
  await fc.assert(fc.asyncProperty(fc.array(piece, { maxLength: 300 }).map((a) => a.join('')), fc.integer({ min: 1, max: 50 }), async (text, chunk) => {
    const results = await collect(jsonlReader, text, { options: { maxRecordChars: 64 } }, chunk);
    for (const r of results) if (!r.ok) assert.ok(r.error.location?.line !== undefined && r.error.location.offset !== undefined, r.error.format());
  }), { numRuns: 300 });
});

test('a record nested deeper than 64 levels is rejected; its neighbours still parse', async () => {
  const deep = '{"time":1700000000,"x":' + '['.repeat(5000) + ']'.repeat(5000) + '}';
  const results = await collect(jsonlReader, `{"time":1700000000,"n":1}\n${deep}\n{"time":1700000001,"n":2}\n`, {}, 100);
  assert.equal(results.length, 3);
  assert.ok(!results[1].ok && results[1].error.code === 'JSON_BAD_RECORD' && results[1].error.location?.line === 2);
  assert.deepEqual(oks(results).map((e) => e.fields.n), [1, 2]);
});
