// Claim watch: each alert with a case that raises it and a case that must not.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CLAIM_RULES, allowSubmitter, is837, newClaimState, observeClaims, parseX12, type ClaimState, type Claims837 } from '../../../src/billing/index.ts';
import type { Alert } from '../../../src/core/index.ts';
import { sharedData } from '../../helpers/data.ts';
import { claims } from '../fixtures/specs.ts';
import { tx837 } from '../fixtures/tx.ts';

function run(txs: Claims837[], state: ClaimState = newClaimState()): { state: ClaimState; alerts: Alert[] } {
  const alerts: Alert[] = [];
  for (const t of txs) {
    const r = observeClaims(state, t);
    state = r.state;
    alerts.push(...r.alerts);
  }
  return { state, alerts };
}

const ids = (alerts: Alert[]): string[] => alerts.map((a) => a.rule.id);
/** Rule ids other than duplicates (for tests that replay the same claims on purpose). */
const nonDup = (alerts: Alert[]): string[] => ids(alerts).filter((x) => x !== CLAIM_RULES.duplicate.id);

/** Day n of March 2026 as CCYYMMDD. */
const day = (n: number): string => `202603${String(n).padStart(2, '0')}`;

/** A one-claim 837 on day n at hhmm with its own control number. */
function daily(n: number, hhmm = '1030', claimCount = 1, over: Parameters<typeof claims>[0] = {}): Claims837 {
  const base = claims();
  const proto = base.providers[0].claims[0];
  const list = Array.from({ length: claimCount }, (_, i) => ({
    ...proto,
    patientControlNumber: `D${n}-${hhmm}-${i}`,
    subscriber: { ...proto.subscriber, memberId: `M${n}${hhmm}${i}` },
    lines: [{ procedure: '99213', charge: 100 + i, date: day(n) }],
  }));
  return tx837({ ...base, control: n * 100 + Number(hhmm.slice(0, 2)), date: day(n), time: hhmm, providers: [{ ...base.providers[0], claims: list }], ...over });
}

test('unknown submitter and receiver ids alert once each; known ids do not', () => {
  const state = newClaimState({ submitters: ['LSBP01'], receivers: ['TXCH'] });
  assert.deepEqual(ids(run([tx837(claims())], state).alerts), []);
  const rogue = tx837(claims({ submitter: { name: 'QUICK CLAIMS LLC', id: 'QC777' }, receiver: { name: 'OFFSHORE CH', id: 'OFF1' } }));
  const r = run([rogue, rogue], state);
  assert.deepEqual(nonDup(r.alerts), [CLAIM_RULES.unknownSubmitter.id, CLAIM_RULES.unknownReceiver.id]);
  assert.equal(r.alerts[0].entities.submitter, 'QC777');
  assert.equal(r.alerts[0].rule.author, 'ClaimGuard');
  // once the operator adds it, it is quiet
  const allowed = allowSubmitter(newClaimState({ submitters: ['LSBP01'], receivers: ['TXCH'] }), 'QC777');
  assert.deepEqual(ids(run([tx837(claims({ submitter: { name: 'QUICK CLAIMS LLC', id: 'QC777' } }))], allowed).alerts), []);
});

test('with empty known lists the first 837 seeds them', () => {
  const r = run([tx837(claims())]);
  assert.deepEqual(r.state.known, { submitters: ['LSBP01'], receivers: ['TXCH'] });
  assert.deepEqual(ids(r.alerts), []);
});

test('a claim volume spike against the submitter\'s own baseline alerts once that day', () => {
  const history = Array.from({ length: 10 }, (_, i) => daily(i + 2, '1030', 5));
  const quiet = run(history);
  assert.deepEqual(ids(quiet.alerts), []);
  const spike = run([daily(13, '1100', 40)], quiet.state);
  assert.deepEqual(ids(spike.alerts), [CLAIM_RULES.volumeSpike.id]);
  assert.equal(spike.alerts[0].entities.claims, '40');
  const more = run([daily(13, '1130', 40)], spike.state);
  assert.deepEqual(ids(more.alerts), [], 'once per day');
  // a busy but normal day (2x) does not
  assert.deepEqual(ids(run([daily(13, '1100', 10)], quiet.state).alerts), []);
});

test('submissions at an hour the submitter never uses are flagged', () => {
  const history = Array.from({ length: 25 }, (_, i) => daily((i % 20) + 1, ['0900', '1000', '1100', '1400', '1500'][i % 5]));
  const base = run(history);
  assert.deepEqual(nonDup(base.alerts), []);
  const night = run([daily(24, '0312')], base.state);
  assert.deepEqual(nonDup(night.alerts), [CLAIM_RULES.unusualHour.id]);
  assert.equal(night.alerts[0].entities.hour, '3');
  assert.deepEqual(nonDup(run([daily(24, '1005')], base.state).alerts), []);
});

test('billing address, TIN and pay-to address changes are flagged per billing NPI', () => {
  const first = tx837(claims());
  const moved = claims({ control: 2 });
  moved.providers[0] = { ...moved.providers[0], billing: { ...moved.providers[0].billing, address: { line1: '77 RIVER RD', city: 'AUSTIN', state: 'TX', postalCode: '78702' } }, payTo: { line1: 'PO BOX 9911', city: 'HOUSTON', state: 'TX', postalCode: '77001' } };
  const r = run([first, tx837(moved)]);
  assert.deepEqual(nonDup(r.alerts).sort(), [CLAIM_RULES.billingAddress.id, CLAIM_RULES.payToAddress.id].sort());
  const pay = r.alerts.find((a) => a.rule.id === CLAIM_RULES.payToAddress.id);
  assert.equal(pay?.rule.level, 'high');
  assert.equal(pay?.entities.billing_npi, '1093817465');
  assert.match(pay?.why[0].note ?? '', /PO BOX 9911/);
  const tinChange = claims({ control: 3 });
  tinChange.providers[0] = { ...tinChange.providers[0], billing: { ...tinChange.providers[0].billing, tin: '749990000' } };
  const t = run([first, tx837(tinChange)]);
  assert.deepEqual(nonDup(t.alerts), [CLAIM_RULES.billingAddress.id]);
  assert.match(t.alerts.filter((a) => a.rule.id === CLAIM_RULES.billingAddress.id)[0].why[0].note ?? '', /tax id changed/);
  assert.equal(JSON.stringify(t.alerts.map((a) => a.why)).includes('749990000'), false, 'TIN masked in the explanation');
  assert.equal(t.alerts[0].entities.billing_tin, '749990000', 'and kept whole as an entity (a business id, not PHI)');
  // same addresses: quiet
  assert.deepEqual(nonDup(run([first, tx837(claims({ control: 4 }))]).alerts), []);
});

test('duplicate claims: a reused patient control number, or same patient + DOS + amount + provider', () => {
  const first = tx837(claims());
  const again = run([first, tx837(claims({ control: 2 }))]);
  assert.deepEqual(ids(again.alerts), [CLAIM_RULES.duplicate.id]);
  assert.equal(again.alerts[0].entities.match, 'patient_control_number');
  assert.equal(again.alerts[0].entities.claims, '2');
  assert.equal(JSON.stringify(again.alerts).includes('HCP2001'), false, 'control numbers are masked');

  const renumbered = claims({ control: 3 });
  renumbered.providers[0] = { ...renumbered.providers[0], claims: renumbered.providers[0].claims.map((c) => ({ ...c, patientControlNumber: c.patientControlNumber + 'R' })) };
  const r = run([first, tx837(renumbered)]);
  assert.deepEqual(ids(r.alerts), [CLAIM_RULES.duplicate.id]);
  assert.equal(r.alerts[0].entities.match, 'patient_dos_amount_provider');

  // replacements (frequency 7) legitimately repeat the control number
  const replacement = claims({ control: 4 });
  replacement.providers[0] = { ...replacement.providers[0], claims: replacement.providers[0].claims.map((c) => ({ ...c, frequency: '7', originalReference: 'ICN123' })) };
  assert.deepEqual(ids(run([first, tx837(replacement)]).alerts), []);
  // state keeps hashes, not patient ids or control numbers
  assert.equal(JSON.stringify(again.state).includes('HCP2001'), false);
  assert.equal(JSON.stringify(again.state).includes('M100'), false);
});

test('de-identified 837 batches raise no duplicate or address alerts', () => {
  const r = parseX12(readFileSync(sharedData('x12_835_837', 'oop/837P/5010/MedicaidExample.txt')));
  const txs = r.transactions.filter(is837);
  assert.ok(txs.length > 0);
  assert.ok(txs.every((t) => t.masked));
  const out = run(txs);
  assert.deepEqual(ids(out.alerts), []);
});

test('the imsweb many-claims file (820 claims, repeated control numbers) parses and its duplicates are found', () => {
  const r = parseX12(readFileSync(sharedData('x12_835_837', 'ims/837_5010/x12_many_claims.txt')));
  assert.deepEqual(r.errors, []);
  const out = run(r.transactions.filter(is837));
  const dup = out.alerts.filter((a) => a.rule.id === CLAIM_RULES.duplicate.id);
  assert.ok(dup.length >= 1);
  assert.ok(Number(dup[0].entities.claims) > 400);
});
