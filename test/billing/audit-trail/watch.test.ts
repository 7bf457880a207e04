import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createAuditTrailWatch, parseFlagged, parseNetworkTable, parseRoster, resolveAuditTrailConfig, startOfLocalDay,
  type AuditTrailConfig,
} from '../../../src/billing/audit-trail/index.ts';
import type { Alert, Event } from '../../../src/core/index.ts';

const TZ = 'America/Chicago';
const MIN = 60_000;

const ROSTER_CSV = [
  'User,Name,Role,Status,Terminated Date',
  'amartinez,Ana Martinez,clerk,active,',
  'bnguyen,Bao Nguyen,clerk,active,',
  'cjohnson,Carla Johnson,clerk,active,',
  'dpatel,Dev Patel,clerk,active,',
  'egarcia,Elena Garcia,billing_manager,active,',
  'fokafor,Femi Okafor,coder,active,',
  'gsmith,Gina Smith,posting,active,',
  'hlee,Harold Lee,clerk,terminated,2026-03-20',
].join('\r\n');

const FLAGGED_CSV = 'id,kind,category,user,note,allowed\nP-100777,patient,vip,,local news anchor,egarcia\nP-100123,patient,family,bnguyen,spouse of staff,\nA-55,account,employee,dpatel,,\n';
const NETWORKS_CSV = 'cidr,country\n198.51.100.0/24,US\n203.0.113.0/24,US\n5.2.0.0/16,RO\n';

/** Deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let seq = 0;
function ev(time: number, fields: Record<string, string | number>): Event {
  seq++;
  return { id: `e${seq}`, time, ingested: time, tenant: 'lsbp', source: 'pm-audit.csv', logsource: { product: 'billing', service: 'audit' }, fields };
}

/** Local wall time in Chicago on day `day` after Monday 2026-03-02 → epoch ms (DST-aware). */
function chicago(day: number, hour: number, minute = 0): number {
  const date = new Date(Date.UTC(2026, 2, 2 + day)).toISOString().slice(0, 10);
  return startOfLocalDay(date, TZ)! + hour * 3_600_000 + minute * MIN;
}

function config(): Partial<AuditTrailConfig> {
  const roster = parseRoster(ROSTER_CSV, 'roster.csv', TZ);
  const flagged = parseFlagged(FLAGGED_CSV, 'flagged.csv');
  const nets = parseNetworkTable(NETWORKS_CSV, 'networks.csv');
  assert.deepEqual([...roster.errors, ...flagged.errors, ...nets.errors], []);
  return {
    tenant: 'lsbp', timeZone: TZ, roster: roster.rows, flagged: flagged.rows, countries: nets.table,
    roleSchedules: { posting: { days: [1, 2, 3, 4, 5], start: 22, end: 6 } },
    schedule: { days: [1, 2, 3, 4, 5], start: 7, end: 19, holidays: [] },
  };
}

/** 29 days of an ordinary billing office: clerks, a manager, a coder, a night poster. */
function normalDays(days: number, seed = 7): Event[] {
  const r = rng(seed);
  const out: Event[] = [];
  const clerks = ['amartinez', 'bnguyen', 'cjohnson', 'dpatel', 'hlee'];
  for (let d = 0; d < days; d++) {
    const weekday = (1 + d) % 7; // day 0 = Monday 2026-03-02
    if (weekday === 0 || weekday === 6) continue;
    for (const u of clerks) {
      if (u === 'hlee' && d >= 18) continue; // left on 2026-03-20
      const home = d === 1 || r() < 0.2;
      const ip = home ? `203.0.113.${10 + clerks.indexOf(u)}` : `198.51.100.${20 + Math.floor(r() * 5)}`;
      let t = chicago(d, 8, Math.floor(r() * 30));
      out.push(ev(t, { user: u, action: 'USER_LOGIN', src_ip: ip, host: 'pm01' }));
      const n = 60 + Math.floor(r() * 60);
      for (let i = 0; i < n; i++) {
        t += Math.floor((8.5 * 60 * MIN) / n * (0.5 + r()));
        out.push(ev(t, { user: u, action: r() < 0.8 ? 'ACCT_OPEN' : 'Patient Search', patient_id: `P-${300000 + Math.floor(r() * 3000)}`, src_ip: ip, host: 'pm01' }));
        if (r() < 0.08) out.push(ev(t + 1000, { user: u, action: 'Adj Posted', account_id: `A-${1000 + Math.floor(r() * 900)}`, amount: (10 + r() * 390).toFixed(2), src_ip: ip }));
      }
      out.push(ev(t + MIN, { user: u, action: 'Report Export', record_count: 20 + Math.floor(r() * 30), src_ip: ip }));
    }
    // Manager: a morning of approvals and write-offs below the limit.
    let t = chicago(d, 9);
    out.push(ev(t, { user: 'egarcia', action: 'USER_LOGIN', src_ip: '198.51.100.30' }));
    for (let i = 0; i < 30; i++) {
      t += 7 * MIN;
      out.push(ev(t, { user: 'egarcia', action: i % 10 === 0 ? 'Write-Off' : 'ACCT_OPEN', account_id: `A-${1000 + Math.floor(r() * 900)}`, amount: (50 + r() * 2000).toFixed(2), src_ip: '198.51.100.30' }));
    }
    // Night posting team (22:00–06:00 is their shift).
    if (weekday >= 1 && weekday <= 5) {
      t = chicago(d, 22, 30);
      out.push(ev(t, { user: 'gsmith', action: 'USER_LOGIN', src_ip: '198.51.100.40' }));
      for (let i = 0; i < 40; i++) { t += 9 * MIN; out.push(ev(t, { user: 'gsmith', action: 'Payment Posted', claim_id: `C-${Math.floor(r() * 99999)}`, src_ip: '198.51.100.40' })); }
    }
    if (d === 0) out.push(ev(chicago(d, 10), { user: 'fokafor', action: 'USER_LOGIN', src_ip: '198.51.100.50' }));
  }
  return out.sort((a, b) => a.time - b.time);
}

function run(events: Event[], watch = createAuditTrailWatch(config())): { alerts: Alert[]; watch: ReturnType<typeof createAuditTrailWatch> } {
  const alerts: Alert[] = [];
  for (const e of events) alerts.push(...watch.process(e));
  return { alerts, watch };
}

test('a month of ordinary office work raises almost nothing after the learning week', () => {
  const events = normalDays(29);
  const { alerts } = run(events);
  const afterLearning = alerts.filter((a) => a.time >= chicago(7, 0));
  const byRule: Record<string, number> = {};
  for (const a of afterLearning) byRule[a.rule.id] = (byRule[a.rule.id] ?? 0) + 1;
  console.log(`normal office: ${events.length} events, ${alerts.length} alerts in 29 days, ${afterLearning.length} after the first week`, byRule);
  // The leaver's account goes quiet on day 18, so nothing fires for it; the only expected noise is
  // write-offs near the manager's own p95, which must stay rare.
  assert.ok(afterLearning.length <= 3, `false positives after learning: ${JSON.stringify(byRule)}`);
  assert.equal(alerts.filter((a) => a.rule.id === 'claimguard.billing.audit.after_hours').length, 0, 'night shift and office hours are normal');
});

function attack(): Event[] {
  const d = 29; // Tuesday 2026-03-31
  const out: Event[] = [];
  // (c) A clerk opens 400 accounts after hours, then exports them.
  let t = chicago(d, 22, 5);
  out.push(ev(t, { user: 'amartinez', action: 'USER_LOGIN', src_ip: '203.0.113.10', host: 'pm01' }));
  for (let i = 0; i < 400; i++) { t += 7_000; out.push(ev(t, { user: 'amartinez', action: 'ACCT_OPEN', patient_id: `P-${200000 + i}`, src_ip: '203.0.113.10', host: 'pm01' })); }
  out.push(ev(t + MIN, { user: 'amartinez', action: 'EXPORT_CSV', record_count: 400, src_ip: '203.0.113.10', host: 'pm01' }));
  // Flagged records during the day.
  out.push(ev(chicago(d, 10), { user: 'cjohnson', action: 'ACCT_OPEN', patient_id: 'P-100777', src_ip: '198.51.100.21' }));
  out.push(ev(chicago(d, 10, 5), { user: 'egarcia', action: 'ACCT_OPEN', patient_id: 'P-100777', src_ip: '198.51.100.30' }));
  out.push(ev(chicago(d, 10, 10), { user: 'bnguyen', action: 'ACCT_OPEN', patient_id: 'P-100123', src_ip: '198.51.100.22' }));
  // Bank details: a clerk (critical) and the manager (high).
  out.push(ev(chicago(d, 11), { user: 'dpatel', action: 'PROVIDER_EDIT', field: 'bank_routing_number', account_id: 'PRV-12', src_ip: '198.51.100.23' }));
  out.push(ev(chicago(d, 11, 30), { user: 'egarcia', action: 'Payee Bank Account Updated', account_id: 'PRV-7', src_ip: '198.51.100.30' }));
  // Adjustments: over the absolute limit, and far above a clerk's own habit.
  out.push(ev(chicago(d, 12), { user: 'egarcia', action: 'Write-Off', account_id: 'A-901', amount: '25,000.00', src_ip: '198.51.100.30' }));
  out.push(ev(chicago(d, 12, 5), { user: 'bnguyen', action: 'Adj Posted', account_id: 'A-902', amount: '-2,400.00', src_ip: '198.51.100.22' }));
  // (e) The leaver's account is used again; a dormant coder returns; an unknown account appears.
  out.push(ev(chicago(d, 13), { user: 'HLee', action: 'USER_LOGIN', src_ip: '5.2.10.11', host: 'pm01' }));
  out.push(ev(chicago(d + 5, 9), { user: 'fokafor', action: 'USER_LOGIN', src_ip: '198.51.100.50' }));
  out.push(ev(chicago(d, 14), { user: 'tmp_admin', action: 'USER_LOGIN', src_ip: '198.51.100.60' }));
  // A failed login from abroad teaches nothing and raises nothing here (no geography for failures).
  out.push(ev(chicago(d, 14, 30), { user: 'cjohnson', action: 'USER_LOGIN', outcome: 'failure', src_ip: '5.2.99.1' }));
  // A clerk suddenly logs in from Romania.
  out.push(ev(chicago(d, 15), { user: 'cjohnson', action: 'USER_LOGIN', src_ip: '5.2.77.1' }));
  return out.sort((a, b) => a.time - b.time);
}

test('scripted insider and account abuse raise the expected rule ids with clear reasons', () => {
  const { watch } = run(normalDays(29));
  const alerts: Alert[] = [];
  for (const e of attack()) alerts.push(...watch.process(e));
  const find = (id: string, user?: string): Alert[] => alerts.filter((a) => a.rule.id === `claimguard.billing.audit.${id}` && (!user || a.entities.user === user));
  for (const a of alerts) { assert.equal(a.rule.author, 'ClaimGuard'); assert.ok(a.why[0].note && a.why[0].note.length > 20); assert.equal(a.tenant, 'lsbp'); }

  const after = find('after_hours', 'amartinez');
  assert.equal(after.length, 1, 'one after-hours alert per session');
  assert.equal(after[0].rule.level, 'medium');
  assert.match(after[0].why[0].note!, /Ana Martinez.*22:05 America\/Chicago/);
  const mass = find('mass_access', 'amartinez');
  assert.equal(mass.length, 1);
  assert.match(mass[0].why[0].note!, /distinct records in 60 min; threshold \d+: this user's usual daily peak/);
  assert.equal(find('mass_export', 'amartinez').length, 1);

  assert.equal(find('flagged_record', 'cjohnson').length, 1);
  assert.equal(find('flagged_record', 'egarcia').length, 0, 'allowed user');
  const fam = find('flagged_record', 'bnguyen');
  assert.equal(fam.length, 1);
  assert.match(fam[0].why[0].note!, /family.*themself or their family/);

  const bank = find('bank_change');
  assert.deepEqual(bank.map((a) => [a.entities.user, a.rule.level]), [['dpatel', 'critical'], ['egarcia', 'high']]);
  assert.match(bank[0].why[0].note!, /bank_routing_number.*account PRV-12.*clerk is not among/);

  const big = find('large_adjustment');
  assert.deepEqual(big.map((a) => a.entities.user).sort(), ['bnguyen', 'egarcia']);
  assert.match(big.find((a) => a.entities.user === 'bnguyen')!.why[0].note!, /\$-2,400\.00.*× this user's 95th percentile/);

  const term = find('terminated_account', 'hlee');
  assert.equal(term.length, 1);
  assert.equal(term[0].rule.level, 'critical');
  assert.match(term[0].why[0].note!, /terminated since 2026-03-2[01]/);
  assert.equal(find('dormant_account', 'fokafor').length, 1);
  assert.equal(find('unknown_account', 'tmp_admin').length, 1);
  const ro = find('new_country', 'cjohnson');
  assert.equal(ro.length, 1);
  assert.equal(ro[0].entities.src_country, 'RO');
});

test('state saved as JSON and restored gives the same alerts as an uninterrupted run', () => {
  const events = [...normalDays(29, 11), ...attack()];
  const whole = run(events).alerts.map((a) => `${a.rule.id}|${a.entities.user}|${a.time}`);
  const cut = Math.floor(events.length * 0.7);
  const first = run(events.slice(0, cut));
  const resumed = createAuditTrailWatch(config(), JSON.parse(JSON.stringify(first.watch.state())));
  const second = run(events.slice(cut), resumed);
  assert.deepEqual([...first.alerts, ...second.alerts].map((a) => `${a.rule.id}|${a.entities.user}|${a.time}`), whole);
});

test('tables: roster, flagged and network CSVs with located errors; good rows kept', () => {
  const roster = parseRoster('login,full name,title,state,termination_date\n"smith, j",J Smith,Clerk,active,\nx,,,retired,\n,empty,,,\ny,,,terminated,2026-13-01\nz,,,,2026-03-05\n', 'r.csv', TZ);
  assert.deepEqual(roster.rows.map((r) => [r.user, r.status, r.role]), [['smith, j', 'active', 'clerk'], ['z', 'terminated', undefined]]);
  assert.equal(roster.rows[1].terminatedAt, startOfLocalDay('2026-03-06', TZ));
  assert.deepEqual(roster.errors.map((e) => [e.code, e.location?.line, e.location?.path]), [['CONFIG_INVALID', 3, 'status'], ['CONFIG_INVALID', 4, 'user'], ['CONFIG_INVALID', 5, 'terminated']]);
  assert.equal(startOfLocalDay('2026-03-09', TZ), Date.UTC(2026, 2, 9, 5), 'midnight CDT');
  const flagged = parseFlagged('id,category\nP1,VIP\nP2,pet\n', 'f.csv');
  assert.equal(flagged.rows.length, 1);
  assert.deepEqual(flagged.errors.map((e) => e.location?.line), [3]);
  const nets = parseNetworkTable('cidr,country\n10.0.0.0/8,us\nbogus,xx\n', 'n.csv');
  assert.equal(nets.table.lookup('10.1.1.1'), 'US');
  assert.deepEqual(nets.errors.map((e) => e.location?.line), [3]);
  assert.equal(parseRoster('', 'e.csv').errors[0].code, 'CONFIG_INVALID');
});

test('configuration errors are CONFIG_INVALID with a path', () => {
  assert.throws(() => resolveAuditTrailConfig({ timeZone: 'Texas/Austin' }), (e: unknown) => (e as { code: string; location: { path: string } }).code === 'CONFIG_INVALID' && (e as { location: { path: string } }).location.path === 'auditTrail.timeZone');
  assert.throws(() => resolveAuditTrailConfig({ massAccess: { factor: 0 } }), /massAccess.factor/);
  assert.throws(() => resolveAuditTrailConfig({ trustedNetworks: ['10.0.0.0/33'] }), /not a CIDR/);
  assert.throws(() => resolveAuditTrailConfig({ schedule: { days: [9], start: 7, end: 19 } }), /schedule/);
});
