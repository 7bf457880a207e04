// Tokenizer and reader behaviour on small X12 texts of our own.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { X12Reader, X12Tokenizer, is835, is837, parseX12, write835, write837 } from '../../../src/billing/index.ts';
import { claims, remit } from '../fixtures/specs.ts';

test('write837 output parses into a typed 837P with claims, lines and providers', () => {
  const r = parseX12(write837(claims()), { file: 'p.837' });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.warnings, []);
  const t = r.transactions[0];
  assert.ok(is837(t));
  assert.equal(t.variant, 'P');
  assert.equal(t.version, '005010X222A1');
  assert.equal(t.submitter.id, 'LSBP01');
  assert.equal(t.billingProviders[0].billing.id, '1093817465');
  assert.deepEqual(t.billingProviders[0].billing.refs.EI, ['741112222']);
  assert.equal(t.billingProviders[0].payTo?.address?.line1, 'PO BOX 500');
  assert.equal(t.claims.length, 2);
  assert.equal(t.claims[1].charge, 220);
  assert.equal(t.claims[1].lines.length, 2);
  assert.deepEqual(t.claims[1].lines[1].procedure, ['HC', '90460']);
  assert.deepEqual(t.claims[1].diagnoses, ['ABK:Z0000', 'ABF:R05']);
  assert.equal(t.claims[0].subscriber?.id, 'M100');
  assert.equal(t.claims[0].payer?.id, 'BB001');
  assert.equal(t.bht.time, '1030');
});

test('write837 institutional output parses as 837I with SV2 lines', () => {
  const r = parseX12(write837(claims({ variant: 'I' })));
  assert.deepEqual(r.errors, []);
  const t = r.transactions[0];
  assert.ok(is837(t));
  assert.equal(t.variant, 'I');
  assert.equal(t.claims[0].lines[0].revenueCode, '0450');
  assert.equal(t.claims[0].dates[0].qualifier, '434');
});

test('write835 output parses into a typed, balanced 835', () => {
  const r = parseX12(write835(remit({ providerAdjustments: [{ provider: '1093817465', fiscalPeriod: '20261231', reason: 'L6', amount: -1.5 }] })));
  assert.deepEqual(r.errors, []);
  const t = r.transactions[0];
  assert.ok(is835(t));
  assert.equal(t.payment.amount, 251.5);
  assert.equal(t.payment.method, 'ACH');
  assert.deepEqual(t.payment.receiverAccount, { qualifier: 'DA', number: '1234567890' });
  assert.equal(t.payment.receiverDfi?.id, '114000093');
  assert.equal(t.trace?.number, 'EFT0001');
  assert.equal(t.payee.id, '1093817465');
  assert.deepEqual(t.payee.refs.TJ, ['741112222']);
  assert.equal(t.claims[0].adjustments.length, 2);
  assert.equal(t.providerAdjustments[0].items[0].amount, -1.5);
});

test('delimiters come from ISA: other separators, CR terminator, BOM and indentation', () => {
  const text = write837(claims({ delimiters: { element: '|', component: '>', repetition: '!', segment: '\r', lineBreak: '\n   ' } }));
  const r = parseX12('\uFEFF' + text);
  assert.deepEqual(r.errors, []);
  const t = r.transactions[0];
  assert.ok(is837(t));
  assert.deepEqual(t.claims[0].lines[0].procedure, ['HC', '99213']);
});

test('chunk boundaries do not change the result', () => {
  const text = write835(remit()) + write837(claims({ control: 7 }));
  const whole = parseX12(text);
  for (const size of [1, 2, 7, 105, 106, 107, 1000]) {
    const reader = new X12Reader();
    const bytes = new TextEncoder().encode(text);
    for (let i = 0; i < bytes.length; i += size) reader.push(bytes.subarray(i, i + size));
    const r = reader.end();
    assert.equal(r.segments, whole.segments, `chunk ${size}`);
    assert.deepEqual(JSON.stringify(r.transactions), JSON.stringify(whole.transactions), `chunk ${size}`);
  }
});

test('the tokenizer refuses a run longer than its segment limit instead of buffering it', () => {
  const tok = new X12Tokenizer({ maxSegmentLength: 500 });
  const isa = write835(remit()).slice(0, 106);
  tok.push(isa);
  tok.push('GS*' + 'A'.repeat(600));
  assert.equal(tok.error?.code, 'X12_BAD_SEGMENT');
});

test('a truncated file is an error naming the missing trailer', () => {
  const text = write835(remit());
  const cut = text.slice(0, text.indexOf('SE*'));
  const r = parseX12(cut, { file: 'cut.835' });
  assert.equal(r.errors[0].code, 'X12_TRUNCATED');
  assert.match(r.errors[0].message, /SE trailer missing/);
  assert.equal(r.errors[0].location?.file, 'cut.835');
});

test('one broken transaction does not lose the good ones', () => {
  const good = write835(remit());
  const bad = write835(remit({ control: 102 })).replace('N1*PE*', 'N1*XX*');
  const r = parseX12(good + bad);
  assert.equal(r.transactions.length, 1);
  assert.equal(r.errors.length, 1);
  assert.equal(r.errors[0].code, 'X12_BAD_SEGMENT');
  assert.equal(r.errors[0].location?.path, 'N101 in loop 1000A');
});

test('a segment out of order is an error with its segment number', () => {
  const text = write835(remit()).replace(/(N1\*PE[^~]*~\n)/, 'DTM*405*20260302~\n$1');
  const r = parseX12(text);
  // DTM after the payer loop belongs to the header: out of order
  assert.equal(r.errors[0].code, 'X12_UNEXPECTED_SEGMENT');
  assert.match(r.errors[0].message, /out of order/);
});

test('control-number and count mismatches are warnings, not errors', () => {
  const text = write835(remit()).replace(/SE\*\d+\*/, 'SE*99*').replace(/IEA\*1\*/, 'IEA*2*');
  const r = parseX12(text);
  assert.deepEqual(r.errors, []);
  assert.equal(r.transactions.length, 1);
  assert.deepEqual(r.warnings.map((w) => w.location.path).sort(), ['IEA01', 'SE01']);
});

test('4010 is refused as not supported', () => {
  const text = write837(claims()).replace('*00501*', '*00401*').replace(/005010X222A1/g, '004010X098A1');
  const r = parseX12(text);
  assert.equal(r.errors[0].code, 'X12_UNSUPPORTED_VERSION');
  assert.match(r.errors[0].message, /not supported/);
});

test('ISA02/ISA04 secrets are never kept in the result', () => {
  const text = write835(remit()).replace('ISA*00*          *00*          *', 'ISA*00*          *01*HUNTER2   *');
  const r = parseX12(text);
  assert.deepEqual(r.errors, []);
  assert.equal(JSON.stringify(r).includes('HUNTER2'), false);
});

test('835 header number loops, TS3 summaries and MIA/MOA are typed (LinuxForHealth Medicare Part A sample)', async () => {
  const { readFileSync } = await import('node:fs');
  const { sharedData } = await import('../../helpers/data.ts');
  const r = parseX12(readFileSync(sharedData('x12_835_837', 'lfh/835_005010X221A1/medicare-part-a.835')));
  assert.deepEqual(r.errors, []);
  const t = r.transactions[0];
  assert.ok(is835(t));
  assert.deepEqual(t.headerNumbers.map((h) => h.providerSummary?.provider), ['6543210903', '6543210909']);
  assert.equal(t.headerNumbers[0].providerSummary?.totalCharge, 211366.97);
  assert.equal(t.claims[0].headerNumber, t.headerNumbers[0].number);
  assert.equal(t.claims[0].adjudication.MIA?.[3], '138018.40');
  assert.equal(t.claims[1].adjudication.MOA?.[2], 'MA02');
  assert.equal(t.payment.amount, 150000);
  assert.equal(t.providerAdjustments[0].items[0].amount, -1.27);
});
