// Whatever the seed and window, the generator keeps its promises: parseable X12, attacks inside the
// window, a CSV whose rows match its header, and identical output for identical input.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { generateDemo, AUDIT_HEADER } from '../../src/demo/index.ts';
import { parseX12 } from '../../src/billing/index.ts';

test('any seed and end date: valid X12, attacks inside the window, well-formed audit CSV', () => {
  fc.assert(fc.property(
    fc.integer({ min: 0, max: 0xffffffff }),
    fc.constantFrom('2026-01-02', '2026-03-09', '2026-07-06', '2026-11-03', '2026-12-28'),
    (seed, end) => {
      const out = generateDemo({ seed, days: 7, end });
      const from = Date.parse(out.truth.from), to = Date.parse(out.truth.to);
      for (const a of out.truth.attacks) assert.ok(a.startMs >= from && a.endMs <= to, `${a.id} inside ${end}`);
      for (const [p, c] of out.files) {
        if (!p.startsWith('x12/')) continue;
        const r = parseX12(c, { file: p });
        assert.equal(r.errors.length + r.warnings.length, 0, p);
      }
      const rows = out.files.get('pm/audit-trail.csv')!.trimEnd().split('\n');
      assert.equal(rows[0], AUDIT_HEADER);
      const cols = AUDIT_HEADER.split(',').length;
      for (const row of rows.slice(1)) assert.equal(row.split(',').length, cols, row);
    },
  ), { numRuns: 3 });
});
