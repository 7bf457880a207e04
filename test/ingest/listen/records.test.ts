import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { ClaimGuardError } from '../../../src/core/index.ts';
import { ndjsonRecordParser, parseBody, syslogRecordParser } from '../../../src/ingest/listen/index.ts';

const NOW = Date.UTC(2026, 3, 1, 12);
const ndjson = ndjsonRecordParser({ now: () => NOW });
const ctx = { source: 's', file: 'POST /ingest', line: 1 };

test('NDJSON lines: flat objects, envelopes, time fields and their errors', () => {
  const flat = ndjson('{"@timestamp":"2026-04-01T10:00:00.5Z","user":"alice","n":null}', ctx);
  assert.ok(flat.ok);
  assert.deepEqual([flat.event.time, flat.event.fields], [Date.UTC(2026, 3, 1, 10, 0, 0, 500), { '@timestamp': '2026-04-01T10:00:00.5Z', user: 'alice', n: null }]);
  const noTime = ndjson('{"user":"bob"}', ctx);
  assert.ok(noTime.ok && noTime.event.time === NOW);
  const env = ndjson('{"time":1775037600,"logsource":{"product":"billing","service":"audit"},"fields":{"action":"export"},"raw":"x"}', ctx);
  assert.ok(env.ok);
  assert.deepEqual([env.event.time, env.event.logsource, env.event.fields, env.event.raw], [1775037600000, { product: 'billing', service: 'audit' }, { action: 'export' }, 'x']);
  const custom = ndjsonRecordParser({ timeField: 'ts' })('{"ts":"2026-04-01T00:00:00Z","time":"ignored"}', ctx);
  assert.ok(custom.ok && custom.event.time === Date.UTC(2026, 3, 1));
  for (const [line, code] of [['{"time":"not a time"}', 'INGEST_BAD_TIME'], ['"str"', 'JSON_BAD_RECORD'], ['null', 'JSON_BAD_RECORD'], ['{"fields":{},"logsource":{"product":1}}', 'JSON_BAD_RECORD'], ['{"fields":{},"raw":5}', 'JSON_BAD_RECORD'], ['{', 'JSON_BAD_RECORD']] as const) {
    const r = ndjson(line, ctx);
    assert.ok(!r.ok && r.error.code === code && r.error.location?.line === 1, line);
  }
});

test('a body of random bytes never throws: all lines become events or the first bad line is named (property)', () => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
    const r = parseBody(Buffer.from(bytes), 's', ndjson);
    if (r.ok) for (const e of r.events) assert.ok(Number.isFinite(e.time));
    else {
      assert.ok(r.error instanceof ClaimGuardError);
      assert.ok(r.line >= 1);
    }
  }), { numRuns: 300 });
});

test('a batch with one corrupted line is rejected at that line (property)', () => {
  fc.assert(fc.property(fc.array(fc.record({ user: fc.string(), n: fc.integer() }), { minLength: 1, maxLength: 30 }), fc.nat(), (objs, k) => {
    const lines = objs.map((o) => JSON.stringify(o));
    const bad = k % lines.length;
    lines[bad] = lines[bad].slice(0, -1); // drop the closing brace
    const r = parseBody(Buffer.from(lines.join('\n')), 's', ndjson);
    assert.ok(!r.ok);
    assert.equal(r.line, bad + 1);
    const good = parseBody(Buffer.from(objs.map((o) => JSON.stringify(o)).join('\r\n') + '\r\n'), 's', ndjson);
    assert.ok(good.ok && good.events.length === objs.length);
  }), { numRuns: 100 });
});

test('the live syslog parser keeps unreadable messages whole instead of dropping them', () => {
  const p = syslogRecordParser({ now: () => NOW });
  const r = p('garbage without any header', { source: 'udp', file: 'udp://127.0.0.1:1' });
  assert.ok(r.ok, JSON.stringify(r));
  assert.equal(r.event.time, NOW);
  assert.equal(r.event.raw, 'garbage without any header');
  fc.assert(fc.property(fc.string({ maxLength: 300 }), (s) => {
    const x = p(s, { source: 'udp', file: 'udp://127.0.0.1:1' });
    if (x.ok) assert.ok(Number.isFinite(x.event.time));
    else assert.ok(x.error instanceof ClaimGuardError);
  }), { numRuns: 300 });
});
