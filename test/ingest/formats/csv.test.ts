import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { csvReader, CsvTokenizer, detectDelimiter, looksLikeHeader, parseCsvText } from '../../../src/ingest/formats/csv.ts';
import { collect, errs, oks } from './helpers.ts';

test('billing audit export: BOM, ";" detected, quoted delimiter and newline, doubled quotes, preset column map', async () => {
  const results = await collect(csvReader, { fixture: 'csv/billing-audit.csv' }, { timeZone: 'America/Chicago' });
  const ev = oks(results);
  assert.equal(ev.length, 4);
  const [view, edit, exp, note] = ev;
  assert.equal(new Date(view.time).toISOString(), '2024-05-01T13:01:15.000Z');
  assert.deepEqual(view.logsource, { product: 'billing', service: 'audit' });
  assert.deepEqual(pick(view.fields, ['user', 'action', 'patient_id', 'account_id', 'host', 'src_ip', 'outcome', 'claim_id']),
    { user: 'jsmith', action: 'View Patient', patient_id: 'P-1001', account_id: 'A-77', host: 'BILL-WS-04', src_ip: '10.20.1.14', outcome: 'success', claim_id: undefined });
  assert.equal(view.fields['User Name'], 'jsmith', 'native columns are kept under their header names');
  assert.equal(edit.fields.action, 'Edit Claim; change payer');
  assert.equal(edit.fields.claim_id, 'C-2024-0042');
  assert.equal(exp.fields.outcome, 'failure', '"Denied" normalises to failure');
  assert.equal(note.fields.user, 'o"brien');
  assert.equal(note.fields.action, 'Note added:\r\n"called payer"');
  assert.equal(new Date(note.time).toISOString(), '2024-05-01T19:20:05.000Z');
  // "13:15:00 PM" is not a time: a located error on line 5, record 5.
  const bad = errs(results);
  assert.equal(bad.length, 1);
  assert.equal(bad[0].code, 'INGEST_BAD_TIME');
  assert.equal(bad[0].location?.line, 5);
  assert.equal(bad[0].location?.record, 5);
  assert.equal(bad[0].location?.path, 'Date Time');
});

test('a configured column map names the columns; short and bad rows are located errors', async () => {
  const maps = { audit: { time: 'when', user: 'who', action: 'what', patient_id: 'chart', host: 'host' } };
  const results = await collect(csvReader, { fixture: 'csv/custom-map.csv' }, { options: { map: 'audit', maps } });
  const ev = oks(results);
  assert.equal(ev.length, 2);
  assert.deepEqual(pick(ev[0].fields, ['user', 'action', 'patient_id', 'host']), { user: 'akim', action: 'open chart', patient_id: 'CH-9', host: 'ws1' });
  const bad = errs(results);
  assert.deepEqual(bad.map((e) => [e.code, e.location?.line]), [['INGEST_BAD_TIME', 4], ['CSV_BAD_RECORD', 5]]);
});

test('a map naming a missing column, or an unknown map, is one error for the file', async () => {
  let results = await collect(csvReader, { fixture: 'csv/custom-map.csv' }, { options: { map: 'x', maps: { x: { time: 'when', user: 'nobody' } } } });
  assert.equal(results.length, 1);
  assert.ok(!results[0].ok && results[0].error.code === 'CSV_BAD_RECORD' && /nobody/.test(results[0].error.message));
  results = await collect(csvReader, { fixture: 'csv/custom-map.csv' }, { options: { map: 'nope' } });
  assert.equal(results.length, 1);
  assert.ok(!results[0].ok && /unknown CSV column map/.test(results[0].error.message));
});

test('tab-separated with epoch seconds; generic columns when no billing column is present', async () => {
  const ev = oks(await collect(csvReader, { fixture: 'csv/tab.tsv' }));
  assert.equal(ev.length, 2);
  assert.equal(ev[0].time, 1717405200000);
  assert.equal(ev[0].fields.user, 'bob');
  assert.equal(ev[0].fields.src_ip, '192.0.2.7');
});

test('headerless input with --columns-style names, and header forced off', async () => {
  const ev = oks(await collect(csvReader, '2024-01-01T00:00:00Z|alice|login\n2024-01-01T00:01:00Z|bob|logout\n', { options: { columns: ['time', 'user', 'action'] } }));
  assert.equal(ev.length, 2);
  assert.equal(ev[1].fields.user, 'bob');
  assert.equal(ev[1].fields.action, 'logout');
});

test('no timestamp column: one located error, not one per row', async () => {
  const results = await collect(csvReader, 'a,b\n1,2\n3,4\n');
  assert.equal(results.length, 1);
  assert.ok(!results[0].ok && results[0].error.code === 'CSV_BAD_RECORD' && results[0].error.location?.line === 1);
});

test('an unclosed quote is bounded: INGEST_LINE_TOO_LONG, then the tokenizer resynchronises', async () => {
  const rows = ['time,user', '2024-01-01T00:00:00Z,"never closed', ...Array.from({ length: 50 }, () => 'filler filler filler filler'), '2024-01-01T00:02:00Z,carol'];
  const results = await collect(csvReader, rows.join('\n') + '\n', { options: { maxRecordBytes: 300 } }, 64);
  const bad = errs(results);
  assert.equal(bad[0].code, 'INGEST_LINE_TOO_LONG');
  assert.equal(bad[0].location?.line, 2);
  const ev = oks(results);
  assert.equal(ev.at(-1)?.fields.user, 'carol');
});

test('tokenizer: RFC 4180 cases, split across every chunk boundary', () => {
  const text = 'a,"b,c","d""e","f\ng",\r\n"",x\n';
  const want = [['a', 'b,c', 'd"e', 'f\ng', ''], ['', 'x']];
  assert.deepEqual(parseCsvText(text), want);
  for (let cut = 0; cut <= text.length; cut++) {
    const t = new CsvTokenizer(',');
    const items = [...t.push(text.slice(0, cut)), ...t.push(text.slice(cut)), ...t.end()];
    assert.deepEqual(items.map((i) => (i.ok ? i.rec.fields : i.reason)), want, `cut at ${cut}`);
  }
  const t = new CsvTokenizer(',');
  const items = [...t.push('x\n"open\n'), ...t.end()];
  assert.ok(!items[1].ok && items[1].code === 'CSV_BAD_RECORD' && items[1].line === 2);
});

test('delimiter and header detection', () => {
  assert.equal(detectDelimiter('a;b;c\n1;2;3\n'), ';');
  assert.equal(detectDelimiter('a\tb\n1\t2\n'), '\t');
  assert.equal(detectDelimiter('a|b|c\n1|2|3\n'), '|');
  assert.equal(detectDelimiter('"x,y";b\n"1,2";3\n'), ';');
  assert.equal(looksLikeHeader(['Date', 'User', 'IP']), true);
  assert.equal(looksLikeHeader(['2024-01-01', 'alice']), false);
  assert.equal(looksLikeHeader(['user', 'user']), false);
  assert.equal(csvReader.sniff(new TextEncoder().encode('x'), 'export.CSV'), true);
  assert.equal(csvReader.sniff(new TextEncoder().encode('Time,User,Action\n2024-01-01,a,b\n2024-01-02,c,d\n'), 'export'), true);
  assert.equal(csvReader.sniff(new TextEncoder().encode('{"a":1}\n{"a":2}\n{"a":3}\n'), 'x'), false);
});

test('property: random text through the CSV reader never throws and errors are located', async () => {
  const alphabet = fc.constantFrom('a', '1', ',', ';', '"', '\n', '\r', ' ', 'é', '\t', '2024-01-01T00:00:00Z');
  await fc.assert(fc.asyncProperty(fc.array(alphabet, { maxLength: 400 }).map((a) => 'time,user\n' + a.join('')), fc.integer({ min: 1, max: 64 }), async (text, chunk) => {
    const results = await collect(csvReader, text, { options: { maxRecordBytes: 128 } }, chunk);
    for (const r of results) if (!r.ok) assert.ok(r.error.location?.line !== undefined, r.error.format());
  }), { numRuns: 200 });
});

test('property: quoted fields round-trip through the tokenizer', () => {
  const cell = fc.string({ maxLength: 20 });
  fc.assert(fc.property(fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 8 }), (rows) => {
    const text = rows.map((r) => r.map((c) => '"' + c.replace(/"/g, '""') + '"').join(',')).join('\n') + '\n';
    assert.deepEqual(parseCsvText(text), rows);
  }), { numRuns: 200 });
});

function pick(f: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.map((k) => [k, f[k]]));
}

test('hostile header names ("__proto__") stay ordinary fields', async () => {
  const [e] = oks(await collect(csvReader, 'time,__proto__\n2024-01-01T00:00:00Z,x\n'));
  assert.equal(Object.getOwnPropertyDescriptor(e.fields, '__proto__')?.value, 'x');
  assert.equal(Object.getPrototypeOf(e.fields), Object.prototype);
});
