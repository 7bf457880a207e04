// The whole shared X12 corpus against MANIFEST.tsv: valid 5010 835/837 files parse with the
// manifest's claim and segment counts; files broken on purpose fail with a located error naming
// the defect; 4010, other sets and known defects either parse or fail with a located error.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parseX12, claimCount, type ParseX12Result } from '../../../src/billing/index.ts';
import { sharedData } from '../../helpers/data.ts';

interface Row { file: string; st: string; version: string; claims: number; segments: number; label: string }

const rows: Row[] = readFileSync(sharedData('x12_835_837', 'MANIFEST.tsv'), 'utf8')
  .split('\n').slice(1).filter(Boolean)
  .map((l) => { const c = l.split('\t'); return { file: c[0], st: c[1], version: c[2], claims: Number(c[3]), segments: Number(c[4]), label: c[6] }; });

function parse(file: string): ParseX12Result {
  return parseX12(readFileSync(sharedData('x12_835_837', file)), { file });
}

function claims(r: ParseX12Result): number {
  return r.transactions.reduce((n, t) => n + claimCount(t), 0);
}

/** What each deliberately broken file must be reported for: error code and a word of the message. */
const DEFECTS: Record<string, { code: string; text: RegExp; record: number }> = {
  'ims/837_5010/x12_bad_first_line.txt': { code: 'X12_BAD_ENVELOPE', text: /ISA02 has the wrong width/, record: 1 },
  'ims/837_5010/x12_bad_segment_identifier.txt': { code: 'X12_BAD_SEGMENT', text: /segment identifier/, record: 6 },
  'ims/837_5010/x12_bad_valid_code.txt': { code: 'X12_BAD_SEGMENT', text: /invalid entity identifier code "117"/, record: 9 },
  'ims/837_5010/x12_missing_elements.txt': { code: 'X12_BAD_SEGMENT', text: /required element entity type qualifier is missing/, record: 7 },
  'ims/837_5010/x12_missing_required_loop_in_one_repeat.txt': { code: 'X12_MISSING_SEGMENT', text: /required loop 2010BA/, record: 21 },
  'ims/837_5010/x12_loop_errors1_exceeds_max_1_parent.txt': { code: 'X12_UNEXPECTED_SEGMENT', text: /2010AA .* repeats/, record: 15 },
  'ims/837_5010/x12_loop_errors2_exceeds_max_repeats_multiple_parents.txt': { code: 'X12_UNEXPECTED_SEGMENT', text: /2010AA .* repeats/, record: 34 },
  'ims/837_5010/x12_segment_errors.txt': { code: 'X12_MISSING_SEGMENT', text: /N3 address line is missing/, record: 10 },
  'ims/837_5010/x12_no_isa_line.txt': { code: 'X12_BAD_ENVELOPE', text: /expected an ISA/, record: 1 },
};

test('the manifest lists the files this test expects', () => {
  assert.ok(rows.length >= 94);
  for (const f of Object.keys(DEFECTS)) assert.ok(rows.some((r) => r.file === f && r.label.startsWith('INVALID')), f);
  assert.equal(rows.filter((r) => r.label.startsWith('INVALID')).length, Object.keys(DEFECTS).length);
});

for (const row of rows) {
  const invalid = row.label.startsWith('INVALID');
  const must = !invalid && !row.label.startsWith('known defect') && /^83[57]/.test(row.st) && /^0050/.test(row.version);
  test(`${row.file}: ${invalid ? 'fails naming its defect' : must ? 'parses with the manifest counts' : 'parses or fails with a located error'}`, () => {
    const r = parse(row.file);
    if (invalid) {
      const want = DEFECTS[row.file];
      assert.ok(r.errors.length > 0, 'expected an error');
      const e = r.errors[0];
      assert.equal(e.code, want.code);
      assert.match(e.message, want.text);
      assert.equal(e.location?.record, want.record);
      assert.equal(e.location?.file, row.file);
      return;
    }
    if (must) {
      assert.deepEqual(r.errors.map((e) => e.format()), []);
      assert.equal(claims(r), row.claims, 'claims');
      assert.equal(r.segments, row.segments, 'segments');
      return;
    }
    if (r.errors.length) {
      for (const e of r.errors) {
        assert.ok(e.code.startsWith('X12_'), e.code);
        assert.ok(e.location?.record !== undefined && e.location.file === row.file, 'located');
      }
    } else {
      assert.equal(claims(r), row.claims, 'claims');
      assert.equal(r.segments, row.segments, 'segments');
    }
  });
}

test('4010 files are refused as "version not supported"', () => {
  for (const row of rows.filter((x) => /^004010/.test(x.version))) {
    const r = parse(row.file);
    assert.equal(r.errors[0]?.code, 'X12_UNSUPPORTED_VERSION', row.file);
    assert.match(r.errors[0].message, /not supported/);
  }
});

test('999 acknowledgments are read for their envelope and count no claims', () => {
  const r = parse('ims/837_5010/x12_999_accepted.txt');
  assert.deepEqual(r.errors, []);
  assert.equal(r.transactions.length, 1);
  assert.equal(r.transactions[0].type, '999');
  assert.equal(claims(r), 0);
  assert.ok(r.warnings.some((w) => w.code === 'X12_UNSUPPORTED_TRANSACTION'));
  // this sample's IEA02 differs from ISA13: a warning, not an error
  assert.ok(r.warnings.some((w) => w.code === 'X12_BAD_ENVELOPE' && /IEA02/.test(w.message)));
});

test('wrong SE counts are located warnings, the content still parses', () => {
  const r = parse('ims/837_5010/x12_valid.txt');
  assert.deepEqual(r.errors, []);
  const w = r.warnings.find((x) => /SE01 says 25 segments/.test(x.message));
  assert.ok(w, 'SE01 warning');
  assert.equal(w.location.path, 'SE01');
  assert.equal(typeof w.location.record, 'number');
});
