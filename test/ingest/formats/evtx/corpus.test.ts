// Every shared .evtx against the JSON rendering shipped beside it.
//  - evtx_attack_samples: the .jsonl reference (python-evtx values in the evtx_dump layout) must equal
//    our JSON record for record, whole records, no normalisation at all.
//  - sigma_regression: SigmaHQ's own evtx_dump .json. Same count, same System fields, same EventData
//    values after three documented normalisations, each counted and pinned here:
//      numbers: evtx_dump prints integer-typed EventData as JSON numbers, we print the record's text;
//      guidBraces: a whole value "{0000…-lower-case}" is a GUID in python-evtx's spelling, printed
//        upper-case without braces in the reference layout (evtx_dump keeps a string as written);
//      xmlns: evtx_dump keeps namespace attributes inside UserData, the reference layout drops them;
//      case: one SigmaHQ file spells a value differently from its .evtx (Explorer.EXE vs Explorer.exe);
//      trailing whitespace: SigmaHQ's files drop it, the record (and our output) keeps it;
//      microseconds: TimeCreated goes through python-evtx's float arithmetic in the reference layout, so it
//        may differ by up to 3 µs (a double holds 2^57 ticks only to 16 ticks) from evtx_dump's exact truncation of the 100 ns ticks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evtxFiles, recordsJson, splitObjects } from './helpers.ts';

type Obj = Record<string, any>;

test('attack samples: every record equals the reference JSONL exactly', async () => {
  const files = evtxFiles('evtx_attack_samples');
  assert.ok(files.length >= 200, `expected the shared corpus, found ${files.length} files`);
  let records = 0;
  for (const f of files) {
    const ref = readFileSync(f.replace(/\.gz$/, '').replace(/\.evtx$/, '.jsonl'), 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
    const ours = await recordsJson(f);
    assert.equal(ours.length, ref.length, `${f}: record count`);
    for (let i = 0; i < ref.length; i++) assert.deepEqual(ours[i], ref[i], `${f}: record ${i + 1}`);
    records += ref.length;
  }
  assert.ok(records > 7000);
});

test('sigma regression: System fields and EventData values equal SigmaHQ evtx_dump JSON (counted normalisations)', async () => {
  const files = evtxFiles('sigma_regression');
  assert.ok(files.length >= 150);
  const norm = { numbers: 0, xmlns: 0, caseOnly: 0, microsecond: 0, trailingSpace: 0, guidBraces: 0 };
  const micros = (s: string): number => Date.parse(s.slice(0, 23) + 'Z') * 1000 + Number(s.slice(23, 26));
  let records = 0;
  const GUID_LOWER = /^\{[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}$/;
  /** The reference value as our layout prints it, counting each normalisation used. */
  const normWant = (v: unknown): unknown => {
    if (typeof v === 'number') { norm.numbers++; return String(v); }
    if (typeof v === 'string' && GUID_LOWER.test(v)) { norm.guidBraces++; return v.slice(1, -1).toUpperCase(); }
    if (Array.isArray(v)) return v.map(normWant);
    if (v && typeof v === 'object') {
      const o: Obj = {};
      for (const [k, x] of Object.entries(v as Obj)) {
        if (k === '#attributes') {
          const a = Object.fromEntries(Object.entries(x as Obj).filter(([n]) => n !== 'xmlns' && !n.startsWith('xmlns:')));
          if (Object.keys(a).length !== Object.keys(x as Obj).length) norm.xmlns++;
          if (Object.keys(a).length) o[k] = normWant(a);
        } else o[k] = normWant(x);
      }
      return o;
    }
    return v;
  };
  for (const f of files) {
    const ref = splitObjects(readFileSync(f.replace(/\.evtx$/, '.json'), 'utf8')) as Obj[];
    const ours = await recordsJson(f);
    assert.equal(ours.length, ref.length, `${f}: record count`);
    for (let i = 0; i < ref.length; i++) {
      const a = (ours[i] as Obj).Event, b = ref[i].Event;
      const ta: string = a.System.TimeCreated['#attributes'].SystemTime, tb: string = b.System.TimeCreated['#attributes'].SystemTime;
      if (ta !== tb) {
        assert.ok(Math.abs(micros(ta) - micros(tb)) <= 3, `${f} record ${i + 1}: TimeCreated ${ta} vs ${tb}`);
        norm.microsecond++;
      }
      for (const k of ['EventID', 'Version', 'Level', 'Task', 'Opcode', 'Keywords', 'EventRecordID', 'Channel', 'Computer', 'Provider', 'Execution', 'Security']) {
        assert.deepEqual(a.System[k], b.System[k], `${f} record ${i + 1}: System.${k}`);
      }
      const da: Obj = a.EventData ?? a.UserData ?? {}, db: Obj = b.EventData ?? b.UserData ?? {};
      assert.deepEqual(Object.keys(da), Object.keys(db), `${f} record ${i + 1}: data keys`);
      for (const k of Object.keys(db)) {
        const want = normWant(db[k]);
        let got = da[k];
        if (typeof got === 'string' && typeof want === 'string' && got !== want && got.trimEnd() === want.trimEnd()) { norm.trailingSpace++; got = want; }
        if (typeof got === 'string' && typeof want === 'string' && got !== want && got.toLowerCase() === want.toLowerCase()) { norm.caseOnly++; got = want; }
        assert.deepEqual(got, want, `${f} record ${i + 1}: ${k}`);
      }
      records++;
    }
  }
  assert.ok(records >= 162);
  // Pinned so that a change in either side shows up here rather than hiding in a normalisation.
  assert.equal(norm.caseOnly, 1);
  assert.equal(norm.xmlns, 1);
  assert.equal(norm.guidBraces, 1);
  assert.ok(norm.numbers > 100, `integer-typed values seen: ${norm.numbers}`);
  console.log(`sigma regression normalisations over ${records} records: ${JSON.stringify(norm)}`);
});
