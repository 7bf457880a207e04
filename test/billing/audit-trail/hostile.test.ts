// Hostile input: the table loaders and the watch never throw on mutated CSV or odd field values.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createAuditTrailWatch, parseCsv, parseFlagged, parseNetworkTable, parseRoster } from '../../../src/billing/audit-trail/index.ts';
import type { Event, FieldValue } from '../../../src/core/index.ts';

const ROSTER = 'user,name,role,status,terminated\nana,"Martinez, Ana",clerk,active,\nbo,Bo,clerk,terminated,2026-03-20\n';

test('CSV tables: mutated input yields rows or located CONFIG_INVALID errors, never an exception', () => {
  fc.assert(fc.property(
    fc.array(fc.tuple(fc.nat({ max: ROSTER.length }), fc.constantFrom('', '"', ',', '\n', '\r', '\ufeff', 'x', '2026-02-30', ';')), { maxLength: 10 }),
    (edits) => {
      let s = ROSTER;
      for (const [pos, ins] of edits) s = s.slice(0, pos) + ins + s.slice(pos + (ins === '' ? 1 : 0));
      for (const r of [parseRoster(s, 'r.csv', 'America/Chicago'), parseFlagged(s, 'f.csv')]) {
        for (const e of r.errors) { assert.equal(e.code, 'CONFIG_INVALID'); assert.equal(typeof e.location?.line, 'number'); }
      }
      const n = parseNetworkTable(s, 'n.csv');
      for (const e of n.errors) assert.equal(e.code, 'CONFIG_INVALID');
    },
  ), { numRuns: 300 });
});

test('parseCsv keeps quoted commas, doubled quotes and embedded newlines, and reports start lines', () => {
  assert.deepEqual(parseCsv('a,b\r\n"x, y","he said ""hi"""\n"multi\nline",z\n'), [
    { cells: ['a', 'b'], line: 1 }, { cells: ['x, y', 'he said "hi"'], line: 2 }, { cells: ['multi\nline', 'z'], line: 3 },
  ]);
});

const fieldValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.string({ maxLength: 20 }), fc.double(), fc.integer(), fc.boolean(), fc.constant(null), fc.constant('1,000,000.00'), fc.constant('(250.00)'),
  fc.constantFrom('EXPORT', 'WRITE_OFF', 'EDIT_PAYEE_BANK', 'LOGIN', 'VIEW_PATIENT', '::1', '999.1.1.1', '2001:db8::1', 'P-1'),
  fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }),
);

test('the watch survives arbitrary field values and times', () => {
  const watch = createAuditTrailWatch({ timeZone: 'America/Chicago', trustedNetworks: ['10.0.0.0/8'] });
  fc.assert(fc.property(
    fc.array(fc.record({
      time: fc.oneof(fc.integer({ min: 0, max: 4_102_444_800_000 }), fc.constant(Number.NaN), fc.constant(-1)),
      user: fieldValue, action: fieldValue, patient_id: fieldValue, account_id: fieldValue, src_ip: fieldValue, amount: fieldValue, record_count: fieldValue, src_country: fieldValue,
    }), { maxLength: 20 }),
    (rows) => {
      for (const r of rows) {
        const { time, ...fields } = r;
        const e: Event = { id: 'x', time, ingested: 0, tenant: 't', source: 's', logsource: { product: 'billing', service: 'audit' }, fields };
        for (const a of watch.process(e)) { assert.equal(a.rule.author, 'ClaimGuard'); assert.ok(a.why.length > 0); }
      }
      JSON.stringify(watch.state());
    },
  ), { numRuns: 200 });
});

test('state stays bounded when every event names a new account', () => {
  const watch = createAuditTrailWatch({ timeZone: 'UTC' });
  const t0 = Date.UTC(2026, 2, 2, 15);
  for (let i = 0; i < 25_000; i++) {
    watch.process({ id: `e${i}`, time: t0 + i * 1000, ingested: 0, tenant: 't', source: 's', logsource: { product: 'billing', service: 'audit' },
      fields: { user: `u${i}`, action: 'VIEW_PATIENT', patient_id: `P-${i}`, src_ip: '10.0.0.1' } });
  }
  const st = watch.state();
  assert.ok(Object.keys(st.lastSeen).length <= 20_000, `${Object.keys(st.lastSeen).length} users remembered`);
  assert.ok(Object.keys(st.recent).length <= 20_000);
});
