// Remittance watch: each alert with a case that raises it and a case that must not.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import {
  approveAccountChange, checkRemittanceVolume, newRemitState, observeRemittance, reconcile835, REMIT_RULES,
  type RemitState, type Remittance835,
} from '../../../src/billing/index.ts';
import type { Alert } from '../../../src/core/index.ts';
import { remit } from '../fixtures/specs.ts';
import { tx835 } from '../fixtures/tx.ts';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

function run(txs: Remittance835[], state: RemitState = newRemitState()): { state: RemitState; alerts: Alert[] } {
  const alerts: Alert[] = [];
  for (const t of txs) {
    const r = observeRemittance(state, t, { tenant: 't1' });
    state = r.state;
    alerts.push(...r.alerts);
  }
  return { state, alerts };
}

const ids = (alerts: Alert[]): string[] => alerts.map((a) => a.rule.id);

test('new receiving account for a known payee is critical, masked, and names payer and payee', () => {
  const { alerts } = run([tx835(fixture('redirect-before.835')), tx835(fixture('redirect-after.835'))]);
  const a = alerts.find((x) => x.rule.id === REMIT_RULES.newAccount.id);
  assert.ok(a, `alerts: ${ids(alerts)}`);
  assert.equal(a.rule.level, 'critical');
  assert.equal(a.rule.author, 'ClaimGuard');
  assert.match(a.rule.source, /docs\/billing\.md#/);
  assert.equal(a.tenant, 't1');
  assert.equal(a.entities.payer, '1741234567');
  assert.equal(a.entities.payee_npi, '1093817465');
  assert.equal(a.entities.payee_tin, '741112222');
  assert.equal(a.entities.account_last4, '1234');
  assert.equal(a.entities.previous_account_last4, '7890');
  const text = JSON.stringify(a);
  assert.equal(text.includes('5550001234'), false, 'full new account number never appears');
  assert.equal(text.includes('1234567890'), false, 'full old account number never appears');
  assert.match(a.why[0].note ?? '', /\*\*\*\*1234/);
  assert.match(a.why[0].note ?? '', /payee address changed/);
  // the payee address change rides along, raised to high because the account changed too
  const addr = alerts.find((x) => x.rule.id === REMIT_RULES.payeeAddress.id);
  assert.equal(addr?.rule.level, 'high');
});

test('the same account again, or a first-ever payee, raises no new-account alert', () => {
  const first = run([tx835(remit())]);
  assert.deepEqual(ids(first.alerts), []);
  const again = run([tx835(remit({ control: 2 }, { trace: 'EFT0002', date: '20260309' }))], first.state);
  assert.deepEqual(ids(again.alerts), []);
  // state holds no full account number
  assert.equal(JSON.stringify(again.state).includes('1234567890'), false);
});

test('an approved EFT enrollment change silences that change only', () => {
  let state = run([tx835(remit())]).state;
  state = approveAccountChange(state, { payee: '1093817465', routing: '021000021', account: '5550001234', approvedBy: 'jdoe', approvedAt: '2026-03-05T14:00:00Z', reference: 'CHG-4411' });
  assert.equal(JSON.stringify(state).includes('5550001234'), false, 'approval keeps a fingerprint, not the account');
  const approved = run([tx835(remit({ control: 2 }, { trace: 'EFT0002', date: '20260309', routing: '021000021', account: '5550001234' }))], state);
  assert.deepEqual(ids(approved.alerts), []);
  assert.equal(approved.state.approvals[0].usedTrace, 'EFT0002');
  // a second, different change is not covered by the used approval
  const other = run([tx835(remit({ control: 3 }, { trace: 'EFT0003', date: '20260316', routing: '021000021', account: '7770009999' }))], approved.state);
  assert.deepEqual(ids(other.alerts), [REMIT_RULES.newAccount.id]);
});

test('an approval for another payee does not silence the alert', () => {
  let state = run([tx835(remit())]).state;
  state = approveAccountChange(state, { payee: '1999999999', routing: '021000021', account: '5550001234', approvedBy: 'jdoe', approvedAt: '2026-03-05T14:00:00Z', reference: 'CHG-1' });
  const r = run([tx835(remit({ control: 2 }, { trace: 'EFT0002', routing: '021000021', account: '5550001234' }))], state);
  assert.ok(ids(r.alerts).includes(REMIT_RULES.newAccount.id));
});

test('one account receiving for several unrelated payees is flagged; related payees (same TIN) are not', () => {
  const shared = { routing: '021000021', account: '8880001111' };
  const payeeA = remit({}, shared);
  const payeeB = remit({ control: 2, payee: { name: 'LAKESIDE ORTHOPEDICS', npi: '1588667711', tin: '742223333' } }, { ...shared, trace: 'EFT0002' });
  const r = run([tx835(payeeA), tx835(payeeB)]);
  const a = r.alerts.find((x) => x.rule.id === REMIT_RULES.sharedAccount.id);
  assert.ok(a, `alerts: ${ids(r.alerts)}`);
  assert.equal(a.entities.account_last4, '1111');
  assert.equal(JSON.stringify(a).includes('8880001111'), false);
  // a second NPI of the same group (same TIN) sharing the account is normal
  const sibling = remit({ control: 3, payee: { name: 'HILL COUNTRY PEDIATRICS NORTH', npi: '1477223344', tin: '741112222' } }, { ...shared, trace: 'EFT0003' });
  const r2 = run([tx835(payeeA), tx835(sibling)]);
  assert.deepEqual(ids(r2.alerts).filter((x) => x === REMIT_RULES.sharedAccount.id), []);
});

test('a switch from EFT to check (and back) is flagged; staying on EFT is not', () => {
  const eft = tx835(remit());
  const chk = tx835(remit({ control: 2 }, { method: 'CHK', trace: 'CHK0001', date: '20260309' }));
  const r = run([eft, chk]);
  const a = r.alerts.find((x) => x.rule.id === REMIT_RULES.methodSwitch.id);
  assert.ok(a);
  assert.equal(a.entities.previous_method, 'EFT');
  assert.equal(a.entities.method, 'CHK');
  const back = run([tx835(remit({ control: 3 }, { trace: 'EFT0009', date: '20260316' }))], r.state);
  assert.ok(ids(back.alerts).includes(REMIT_RULES.methodSwitch.id));
  assert.equal(ids(back.alerts).includes(REMIT_RULES.newAccount.id), false, 'the account is already known');
  const steady = run([eft, tx835(remit({ control: 2 }, { trace: 'EFT0002' }))]);
  assert.deepEqual(ids(steady.alerts), []);
});

test('an approved switch to check is silenced', () => {
  let state = run([tx835(remit())]).state;
  state = approveAccountChange(state, { payee: '741112222', method: 'CHK', approvedBy: 'ops', approvedAt: '2026-03-06T10:00:00Z', reference: 'EFT-CANCEL-7' });
  const r = run([tx835(remit({ control: 2 }, { method: 'CHK', trace: 'CHK0001' }))], state);
  assert.deepEqual(ids(r.alerts), []);
});

test('an 835 whose BPR02 does not reconcile with CLP04 and PLB is flagged; a balanced one with PLB is not', () => {
  const balanced = tx835(remit({ providerAdjustments: [{ provider: '1093817465', fiscalPeriod: '20261231', reason: 'WO', reference: 'OVP1', amount: 25 }] }));
  assert.deepEqual(reconcile835(balanced), { expectedCents: 22500, actualCents: 22500, claimsCents: 25000, plbCents: 2500 });
  assert.deepEqual(ids(run([balanced]).alerts), []);
  const off = tx835(remit({}, { amount: 275 }));
  const r = run([off]);
  const a = r.alerts.find((x) => x.rule.id === REMIT_RULES.unbalanced.id);
  assert.ok(a);
  assert.match(a.why[0].note ?? '', /off by 25\.00/);
});

test('the real LinuxForHealth 835 samples reconcile (TR3 balancing oracles)', async () => {
  const { parseX12, is835 } = await import('../../../src/billing/index.ts');
  const { sharedData } = await import('../../helpers/data.ts');
  for (const f of ['managed-care.835', 'medicare-part-a.835']) {
    const r = parseX12(readFileSync(sharedData('x12_835_837', 'lfh/835_005010X221A1', f)));
    const t = r.transactions[0];
    assert.ok(is835(t));
    const rec = reconcile835(t);
    assert.ok(rec);
    assert.equal(rec.actualCents, rec.expectedCents, f);
    assert.deepEqual(ids(observeRemittance(newRemitState(), t).alerts), [], f);
  }
});

test('a changed originating company id for the same payer name is flagged', () => {
  const r = run([tx835(remit()), tx835(remit({ control: 2, payer: { name: 'BLUEBONNET HEALTH PLAN', companyId: '1999000111' } }, { trace: 'EFT0002' }))]);
  assert.ok(ids(r.alerts).includes(REMIT_RULES.payerId.id));
  const same = run([tx835(remit()), tx835(remit({ control: 2 }, { trace: 'EFT0002' }))]);
  assert.equal(ids(same.alerts).includes(REMIT_RULES.payerId.id), false);
});

test('a replayed trace number is flagged', () => {
  const r = run([tx835(remit()), tx835(remit({ control: 2 }))]);
  assert.deepEqual(ids(r.alerts), [REMIT_RULES.traceReuse.id]);
});

test('volume drop: weekly ERAs that stop raise volume_drop once; steady volume does not', () => {
  let state = newRemitState();
  const day = (n: number): string => {
    const d = new Date(Date.UTC(2026, 0, 5) + n * 86_400_000);
    return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
  };
  // two ERAs a week for 8 weeks
  for (let w = 0; w < 8; w++) {
    for (const k of [0, 3]) {
      state = observeRemittance(state, tx835(remit({ control: w * 10 + k + 1 }, { trace: `EFT${w}${k}`, date: day(w * 7 + k) }))).state;
    }
  }
  const steady = checkRemittanceVolume(state, day(8 * 7 - 1));
  assert.deepEqual(ids(steady.alerts), []);
  // then nothing for two weeks
  const dropped = checkRemittanceVolume(state, day(8 * 7 + 13));
  assert.deepEqual(ids(dropped.alerts), [REMIT_RULES.volumeDrop.id]);
  assert.equal(dropped.alerts[0].entities.payee_npi, '1093817465');
  // once per window
  const again = checkRemittanceVolume(dropped.state, day(8 * 7 + 14));
  assert.deepEqual(ids(again.alerts), []);
});

test('de-identified 835s are reconciled but raise no identity alerts', async () => {
  const { parseX12, is835 } = await import('../../../src/billing/index.ts');
  const { sharedData } = await import('../../helpers/data.ts');
  const r = parseX12(readFileSync(sharedData('x12_835_837', 'oop/835/5010/ExampleFromNth.txt')));
  let state = newRemitState();
  const alerts: Alert[] = [];
  for (const t of r.transactions) {
    assert.ok(is835(t));
    assert.equal(t.masked, true);
    const o = observeRemittance(state, t);
    state = o.state;
    alerts.push(...o.alerts);
  }
  assert.deepEqual([...new Set(ids(alerts))].filter((x) => x !== REMIT_RULES.unbalanced.id), []);
  assert.deepEqual(Object.keys(state.relations), []);
});

test('observeRemittance does not modify the state it is given', () => {
  const s0 = newRemitState();
  const before = JSON.stringify(s0);
  observeRemittance(s0, tx835(remit()));
  assert.equal(JSON.stringify(s0), before);
});

test('a prenote (BPR01=P) to a new account is the early warning', () => {
  const r = run([tx835(remit()), tx835(remit({ control: 2, claims: [] }, { handling: 'P', amount: 0, trace: 'PRE1', routing: '021000021', account: '5550001234' }))]);
  const a = r.alerts.find((x) => x.rule.id === REMIT_RULES.newAccount.id);
  assert.ok(a);
  assert.match(a.why[0].note ?? '', /prenotification/);
});
