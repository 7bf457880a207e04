import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateDemo, isValidNpi, abaValid, validateOptions, MIN_DAYS } from '../../src/demo/index.ts';
import { parseX12, claimCount } from '../../src/billing/index.ts';
import { centralOffsetHours, centralToUtc, dayInfo, holidays } from '../../src/demo/calendar.ts';
import { Rng } from '../../src/demo/rng.ts';

const demo = generateDemo({ seed: 7, days: MIN_DAYS });

test('the same seed gives byte-identical files; another seed gives different ones', () => {
  const again = generateDemo({ seed: 7, days: MIN_DAYS });
  assert.deepEqual([...again.files.keys()], [...demo.files.keys()]);
  for (const [path, text] of demo.files) assert.equal(again.files.get(path), text, path);
  const other = generateDemo({ seed: 8, days: MIN_DAYS });
  assert.notEqual(other.files.get('pm/audit-trail.csv'), demo.files.get('pm/audit-trail.csv'));
});

test('the company has 45 staff, 12 providers with Luhn-valid NPIs, unassigned-prefix TINs and ABA-valid routing numbers', () => {
  const c = demo.company;
  assert.equal(c.staff.length, 45);
  assert.equal(new Set(c.staff.map((s) => s.user)).size, 45);
  assert.equal(c.providers.length, 12);
  for (const p of c.providers) {
    assert.ok(isValidNpi(p.npi), p.npi);
    assert.match(p.tin, /^0[789]\d{7}$/);
    assert.ok(abaValid(p.bank.routing), p.bank.routing);
    assert.match(p.bank.routing, /^1[4-9]/);
  }
  assert.ok(!isValidNpi('1234567890'));
  assert.ok(!abaValid('123456789'));
});

test('every X12 file parses with the real reader: no errors, no warnings, claims as written', () => {
  let files835 = 0, files837 = 0;
  for (const [path, text] of demo.files) {
    if (!path.startsWith('x12/')) continue;
    const r = parseX12(text, { file: path });
    assert.deepEqual(r.errors.map((e) => e.format()), [], path);
    assert.deepEqual(r.warnings, [], path);
    assert.equal(r.transactions.length, 1, path);
    const clp = (text.match(/~\nCLP\*/g) ?? []).length, clm = (text.match(/~\nCLM\*/g) ?? []).length;
    assert.equal(claimCount(r.transactions[0]), path.endsWith('.835') ? clp : clm, path);
    if (path.endsWith('.835')) files835++; else files837++;
  }
  assert.ok(files835 > 20 && files837 > 20, `${files835} 835s, ${files837} 837s`);
});

test('835s balance: BPR02 = sum of CLP04 minus PLB amounts', () => {
  for (const [path, text] of demo.files) {
    if (!path.endsWith('.835')) continue;
    const segs = text.split('~\n').map((s) => s.split('*'));
    const bpr = Math.round(Number(segs.find((s) => s[0] === 'BPR')![2]) * 100);
    const clp = segs.filter((s) => s[0] === 'CLP').reduce((a, s) => a + Math.round(Number(s[4]) * 100), 0);
    const plb = segs.filter((s) => s[0] === 'PLB').reduce((a, s) => a + Math.round(Number(s[4]) * 100), 0);
    assert.equal(bpr, clp - plb, path);
  }
});

test('ground truth lists five attacks inside the window, each with steps and indicators', () => {
  const t = demo.truth;
  assert.deepEqual(t.attacks.map((a) => a.id), ['a', 'b', 'c', 'd', 'e']);
  const from = Date.parse(t.from), to = Date.parse(t.to);
  for (const a of t.attacks) {
    assert.ok(a.startMs >= from && a.endMs <= to, `${a.id} ${a.start}..${a.end} outside ${t.from}..${t.to}`);
    assert.ok(a.steps.length >= 2, a.id);
    assert.ok(a.indicators.users.length + a.indicators.ips.length > 0, a.id);
  }
  assert.equal(JSON.parse(demo.files.get('attacks.json')!).attacks.length, 5);
  // The redirected 835 pays into the attacker's account, which appears in no other payer × payee pair.
  const b = t.attacks.find((a) => a.id === 'b')!;
  const era = b.steps.find((s) => s.source === 'x12-835')!;
  assert.ok(demo.files.get(era.file)!.includes(`*DA*${b.indicators.accounts![0]}*`));
});

test('business rhythm: no office activity on weekends, the night shift is empty, staff log in on weekdays', () => {
  const csv = demo.files.get('pm/audit-trail.csv')!.trim().split('\n').slice(1);
  const insider = demo.truth.attacks.find((a) => a.id === 'c')!;
  const terminated = demo.truth.attacks.find((a) => a.id === 'e')!;
  let weekend = 0, night = 0;
  for (const row of csv) {
    const [ts, user] = row.split(',');
    const local = new Date(ts.slice(0, 19) + 'Z');
    const t = Date.parse(ts);
    const attack = (t >= insider.startMs && t <= insider.endMs && user === 'tbrooks') || (t >= terminated.startMs && t <= terminated.endMs);
    if (attack) continue;
    if (local.getUTCDay() === 0) weekend++;
    if (local.getUTCHours() >= 21 || local.getUTCHours() < 5) night++;
  }
  assert.equal(night, 0);
  assert.equal(weekend, 0);
  assert.ok(csv.length > 5_000, `${csv.length} audit rows`);
});

test('options are validated: at least the attack week, a real date, a 32-bit seed', () => {
  assert.throws(() => validateOptions({ days: MIN_DAYS - 1 }), RangeError);
  assert.throws(() => validateOptions({ end: '2026-02-30' }), RangeError);
  assert.throws(() => validateOptions({ seed: -1 }), RangeError);
  assert.deepEqual(validateOptions({ seed: 1, days: 9, end: '2026-01-15' }), { seed: 1, days: 9, end: '2026-01-15' });
});

test('Central time follows US daylight saving and holidays are observed', () => {
  assert.equal(centralOffsetHours(Date.parse('2026-10-31T12:00:00Z')), -5);
  assert.equal(centralOffsetHours(Date.parse('2026-11-02T12:00:00Z')), -6);
  assert.equal(centralOffsetHours(Date.parse('2026-03-08T07:59:00Z')), -6);
  assert.equal(centralOffsetHours(Date.parse('2026-03-08T08:00:00Z')), -5);
  assert.equal(new Date(centralToUtc(Date.parse('2026-11-20T00:00:00Z'), 8)).toISOString(), '2026-11-20T14:00:00.000Z');
  assert.equal(new Date(centralToUtc(Date.parse('2026-07-01T00:00:00Z'), 8)).toISOString(), '2026-07-01T13:00:00.000Z');
  const h = holidays(2026);
  assert.ok(h.some((x) => x.date === '2026-11-26' && x.office && x.bank), 'Thanksgiving');
  assert.ok(h.some((x) => x.date === '2026-07-03' && x.office), 'Independence Day observed on Friday');
  assert.equal(dayInfo(Date.parse('2026-11-11T00:00:00Z')).bankOpen, false, 'Veterans Day: no ACH');
  assert.equal(dayInfo(Date.parse('2026-11-11T00:00:00Z')).officeOpen, true);
});

test('Rng is deterministic and its helpers stay in range', () => {
  const a = new Rng(42), b = new Rng(42);
  for (let i = 0; i < 100; i++) assert.equal(a.next(), b.next());
  const r = new Rng(1);
  for (let i = 0; i < 1000; i++) {
    const n = r.int(3, 9);
    assert.ok(n >= 3 && n <= 9 && Number.isInteger(n));
  }
  assert.equal(new Set(r.sample([1, 2, 3, 4, 5], 5)).size, 5);
});
