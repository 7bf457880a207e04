import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedData } from '../../helpers/data.ts';
import {
  CidrTable, COUNTRY_NAMES, createLoginWatch, GeoBaseline, normalizeCountry, principalKey, haversineKm, HoursBaseline, hoursOutside, inSchedule, isPrivateIp, localTime, networkOf, VolumeBaseline, DAY_MS,
} from '../../../src/detect/baseline/index.ts';
import type { Event } from '../../../src/core/index.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 2, 2, 15); // Monday 2026-03-02 15:00 UTC

test('volume: cold start, then the entity\'s own daily peaks set the threshold', () => {
  const v = new VolumeBaseline({ windowMs: 60 * MIN, minHistoryDays: 3, factor: 3, minCount: 10, coldStartCount: 50 });
  // Day 0: 30 actions in an hour is below the cold-start limit of 50.
  for (let i = 0; i < 30; i++) assert.equal(v.observe('ana', T0 + i * MIN).exceeded, false);
  // Days 1–3: peaks of 20 per hour.
  for (let d = 1; d <= 3; d++) for (let i = 0; i < 20; i++) v.observe('ana', T0 + d * DAY_MS + i * MIN);
  // Day 4: threshold = 3 × p90(30, 20, 20, 20) = 90.
  let crossedAt = -1;
  for (let i = 0; i < 100; i++) {
    const o = v.observe('ana', T0 + 4 * DAY_MS + i * 30_000);
    if (i === 0) { assert.equal(o.basis, 'self'); assert.equal(o.typical, 30); assert.equal(o.threshold, 90); }
    if (o.crossed) { assert.equal(crossedAt, -1, 'crosses once'); crossedAt = i; }
  }
  assert.equal(crossedAt, 89);
});

test('volume: the window slides, and peer-group history stands in for a new member', () => {
  const v = new VolumeBaseline({ windowMs: 10 * MIN, minHistoryDays: 2, factor: 2, minCount: 5, coldStartCount: 1000 });
  for (let i = 0; i < 8; i++) v.observe('bo', T0 + i * MIN);
  assert.equal(v.current('bo', T0 + 7 * MIN), 8);
  assert.equal(v.current('bo', T0 + 30 * MIN), 0);
  for (let d = 0; d < 3; d++) for (let i = 0; i < 10; i++) v.observe(`clerk${d}`, T0 + d * DAY_MS + i * MIN, 1, 'clerk');
  const o = v.observe('newbie', T0 + 5 * DAY_MS, 1, 'clerk');
  assert.equal(o.basis, 'peer');
  assert.equal(o.threshold, 20);
});

/** sshd(pam_unix) authentication failures of the honeynet log: [time, rhost]. */
function honeynetFailures(): [number, string][] {
  const text = readFileSync(sharedData('auth_logs_loghub', 'Linux_full.log'), 'latin1');
  const months: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };
  const out: [number, string][] = [];
  let year = 2005, lastMonth = -1;
  for (const line of text.split('\n')) {
    const m = /^(\w{3})\s+(\d+) (\d\d):(\d\d):(\d\d) \S+ sshd\(pam_unix\)\[\d+\]: authentication failure;.* rhost=(\S+)/.exec(line);
    if (!m) continue;
    const mo = months[m[1]];
    if (mo < lastMonth) year++;
    lastMonth = mo;
    out.push([Date.UTC(year, mo, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])), m[6]]);
  }
  return out;
}

test('volume on real data: every honeynet source with ≥20 failures in 10 min is flagged, and only those', () => {
  const fails = honeynetFailures();
  assert.ok(fails.length > 3000, `expected thousands of failures, got ${fails.length}`);
  const win = 10 * MIN;
  const v = new VolumeBaseline({ windowMs: win, minCount: 20, coldStartCount: 20, minHistoryDays: 1000 });
  const flagged = new Set<string>();
  for (const [t, ip] of fails) if (v.observe(ip, t).crossed) flagged.add(ip);
  // Oracle: exact sliding-window maxima per source, computed independently.
  const byIp = new Map<string, number[]>();
  for (const [t, ip] of fails) byIp.set(ip, [...(byIp.get(ip) ?? []), t]);
  const maxIn = (ts: number[], w: number): number => {
    let best = 0;
    for (let i = 0, j = 0; i < ts.length; i++) { while (ts[i] - ts[j] >= w) j++; best = Math.max(best, i - j + 1); }
    return best;
  };
  const bucket = win / 60;
  for (const [ip, ts] of byIp) {
    if (maxIn(ts, win - bucket) >= 20) assert.ok(flagged.has(ip), `${ip} should be flagged`);
    if (flagged.has(ip)) assert.ok(maxIn(ts, win + bucket) >= 20, `${ip} flagged without 20 failures in the window`);
  }
  assert.ok(flagged.size >= 5, `several brute-force sources expected, got ${flagged.size}`);
  assert.ok(flagged.size < byIp.size, 'not every source is a brute forcer');
});

test('hours: local time across DST, schedules incl. overnight and holidays, rare-hour habit', () => {
  assert.deepEqual(localTime(Date.UTC(2026, 2, 6, 23, 30), 'America/Chicago'), { weekday: 5, hour: 17, minute: 30, date: '2026-03-06' });
  assert.equal(localTime(Date.UTC(2026, 2, 9, 23, 30), 'America/Chicago').hour, 18, 'CDT after 2026-03-08');
  const office = { days: [1, 2, 3, 4, 5], start: 7, end: 19, holidays: ['2026-05-25'] };
  assert.equal(inSchedule(office, { weekday: 1, hour: 7, minute: 0, date: '2026-03-02' }), true);
  assert.equal(inSchedule(office, { weekday: 1, hour: 19, minute: 0, date: '2026-03-02' }), false);
  assert.equal(inSchedule(office, { weekday: 6, hour: 10, minute: 0, date: '2026-03-07' }), false);
  assert.equal(inSchedule(office, { weekday: 1, hour: 10, minute: 0, date: '2026-05-25' }), false);
  const night = { days: [1, 2, 3, 4, 5], start: 22, end: 6 };
  assert.equal(inSchedule(night, { weekday: 2, hour: 3, minute: 0, date: '' }), true, 'Tue 03:00 belongs to the Monday shift');
  assert.equal(inSchedule(night, { weekday: 1, hour: 3, minute: 0, date: '' }), false, 'Mon 03:00 belongs to a Sunday shift');
  const at = (weekday: number, hour: number): { weekday: number; hour: number; minute: number; date: string } => ({ weekday, hour, minute: 0, date: '2026-03-02' });
  assert.deepEqual([hoursOutside(office, at(1, 10)), hoursOutside(office, at(1, 6)), hoursOutside(office, at(1, 19)), hoursOutside(office, at(1, 22)), hoursOutside(office, at(6, 10))], [0, 1, 1, 4, Infinity]);
  assert.equal(hoursOutside(office, { weekday: 1, hour: 10, minute: 0, date: '2026-05-25' }), Infinity, 'holiday');
  assert.deepEqual([hoursOutside(night, at(2, 3)), hoursOutside(night, at(2, 7)), hoursOutside(night, at(2, 12))], [0, 2, 7]);
  const h = new HoursBaseline('America/Chicago', { minEvents: 50, rareShare: 0.05 });
  for (let d = 0; d < 20; d++) for (let i = 0; i < 5; i++) h.observe('cy', Date.UTC(2026, 2, 2 + d, 15 + i));
  const day = h.observe('cy', Date.UTC(2026, 3, 1, 16));
  assert.equal(day.rare, false);
  const night3 = h.observe('cy', Date.UTC(2026, 3, 2, 8)); // 03:00 CDT
  assert.equal(night3.rare, true);
  assert.equal(night3.total, 101);
  assert.throws(() => new HoursBaseline('Mars/Olympus'), RangeError);
});

test('geo: networks, CIDR tables, private ranges, distance', () => {
  assert.equal(networkOf('203.0.113.77'), '203.0.113.0/24');
  assert.equal(networkOf('2001:db8:1:2::9'), '2001:db8:1::/48');
  assert.equal(networkOf('::ffff:198.51.100.4'), '198.51.100.0/24');
  assert.equal(networkOf('nope'), undefined);
  const t = new CidrTable([{ cidr: '0.0.0.0/0', value: 'ZZ' }, { cidr: '81.2.0.0/16', value: 'GB' }, { cidr: '81.2.69.0/24', value: 'GB-LON' }, { cidr: '2a02:c7c::/32', value: 'GB' }, { cidr: '300.1.1.1/8', value: 'bad' }]);
  assert.equal(t.lookup('81.2.69.160'), 'GB-LON');
  assert.equal(t.lookup('81.2.1.1'), 'GB');
  assert.equal(t.lookup('8.8.8.8'), 'ZZ');
  assert.equal(t.lookup('2a02:c7c:1::1'), 'GB');
  assert.deepEqual(t.rejected, [{ index: 4, cidr: '300.1.1.1/8' }]);
  assert.equal(isPrivateIp('172.20.1.1'), true);
  assert.equal(isPrivateIp('172.32.1.1'), false);
  assert.equal(isPrivateIp('100.100.1.1'), true);
  assert.ok(Math.abs(haversineKm(30.27, -97.74, 51.51, -0.13) - 7_870) < 60, 'Austin → London ≈ 7,870 km');
});

test('geo baseline: learning period, new country, impossible travel by speed and by country hop', () => {
  const g = new GeoBaseline({ learnDays: 2, learnEvents: 3, countryHopMinutes: 120 });
  const austin = { ip: '198.51.100.10', country: 'US', lat: 30.27, lon: -97.74 };
  assert.equal(g.observe('di', T0, austin).learning, true);
  g.observe('di', T0 + DAY_MS, austin);
  g.observe('di', T0 + 2 * DAY_MS, austin);
  const london = g.observe('di', T0 + 3 * DAY_MS, { ip: '81.2.69.160', country: 'GB', lat: 51.51, lon: -0.13 });
  assert.equal(london.learning, false);
  assert.equal(london.newCountry, true);
  assert.equal(london.newNetwork, true);
  assert.equal(london.travel, undefined, 'a day later is possible');
  const back = g.observe('di', T0 + 3 * DAY_MS + 60 * MIN, austin);
  assert.ok(back.travel && back.travel.speedKmh! > 5000, 'London → Austin in an hour');
  const hop = new GeoBaseline({ learnDays: 0, learnEvents: 0 });
  hop.observe('ed', T0, { ip: '198.51.100.10', country: 'US' });
  assert.ok(hop.observe('ed', T0 + 30 * MIN, { ip: '5.6.7.8', country: 'RO' }).travel, 'country hop in 30 min');
  assert.equal(hop.observe('ed', T0 + 10 * 60 * MIN, { ip: '5.6.7.9', country: 'BG' }).travel, undefined, '9.5 h later');
});

function login(user: string, t: number, ip: string, country?: string, extra: Record<string, number> = {}): Event {
  return { id: `${user}-${t}`, time: t, ingested: t, tenant: 'lsbp', source: 'test', logsource: { product: 'azure', service: 'signinlogs' },
    fields: { user, src_ip: ip, outcome: 'success', ...(country ? { src_country: country } : {}), ...extra } };
}

test('login watch: state survives a JSON round trip and alerts name user, countries and speed', () => {
  const w = createLoginWatch({ geo: { learnDays: 1, learnEvents: 2 } });
  for (let d = 0; d < 3; d++) assert.deepEqual(w.process(login('fay@lsbp.com', T0 + d * DAY_MS, '198.51.100.20', 'US', { src_lat: 30.27, src_lon: -97.74 })), []);
  const w2 = createLoginWatch({ geo: { learnDays: 1, learnEvents: 2 } }, JSON.parse(JSON.stringify(w.state())));
  const alerts = w2.process(login('fay@lsbp.com', T0 + 2 * DAY_MS + 40 * MIN, '41.58.1.1', 'NG', { src_lat: 6.45, src_lon: 3.39 }));
  assert.deepEqual(alerts.map((a) => a.rule.id).sort(), ['claimguard.identity.impossible_travel', 'claimguard.identity.new_country']);
  const travel = alerts.find((a) => a.rule.id === 'claimguard.identity.impossible_travel')!;
  assert.equal(travel.rule.author, 'ClaimGuard');
  assert.equal(travel.entities.user, 'fay@lsbp.com');
  assert.match(travel.why[0].note ?? '', /US.*NG.*km\/h/);
  assert.deepEqual(w2.process({ ...login('fay@lsbp.com', T0 + 5 * DAY_MS, '41.58.1.1', 'NG'), fields: { user: 'fay@lsbp.com', src_ip: '41.58.1.1', outcome: 'failure' } }), [], 'failed logins are not baselined');
});

test('login watch reads the country of CEF VPN logins from a labelled custom string', () => {
  const w = createLoginWatch({ geo: { learnDays: 0, learnEvents: 1 } });
  const vpn = (t: number, ip: string, country: string): Event => ({ id: `v${t}`, time: t, ingested: t, tenant: 'lsbp', source: 'fortigate.cef', logsource: { product: 'fortigate_100f', category: 'vpn' },
    fields: { user: 'kpatel', src_ip: ip, outcome: 'success', action: 'tunnel-up', cs2Label: 'srccountry', cs2: country } });
  assert.deepEqual(w.process(vpn(T0, '198.51.100.77', 'United States')), []);
  const alerts = w.process(vpn(T0 + 5 * DAY_MS, '91.240.118.7', 'Russian Federation'));
  assert.deepEqual(alerts.map((a) => [a.rule.id, a.entities.src_country]), [['claimguard.identity.new_country', 'RU']]);
});

// ---- country and identity normalisation -------------------------------------------------------------

test('countries: names, long forms, variants and codes become ISO 3166-1 alpha-2; unknown names stay, upper-cased', () => {
  const cases: [string, string][] = [
    ['United States', 'US'], ['United States of America', 'US'], ['USA', 'US'], ['US', 'US'], ['us', 'US'], ['U.S.A.', 'US'],
    ['  united   states ', 'US'], ['Russian Federation', 'RU'], ['Russia', 'RU'], ['RUS', 'RU'], ['Korea, Republic of', 'KR'],
    ['South Korea', 'KR'], ["Korea, Democratic People's Republic of", 'KP'], ['Viet Nam', 'VN'], ['Vietnam', 'VN'],
    ['Iran, Islamic Republic of', 'IR'], ['United Kingdom', 'GB'], ['UK', 'GB'], ['Great Britain', 'GB'], ['Türkiye', 'TR'],
    ['Turkey', 'TR'], ["Côte d'Ivoire", 'CI'], ['Cote d’Ivoire', 'CI'], ['Bosnia and Herzegovina', 'BA'], ['Bosnia & Herzegovina', 'BA'],
    ['Saint Lucia', 'LC'], ['St. Lucia', 'LC'], ['The Netherlands', 'NL'], ['Hong Kong', 'HK'], ['Taiwan, Province of China', 'TW'],
    ['Congo, The Democratic Republic of the', 'CD'], ['Myanmar', 'MM'], ['Czech Republic', 'CZ'], ['Nigeria', 'NG'], ['China', 'CN'],
    ['Atlantis', 'ATLANTIS'], ['Anonymous  Proxy', 'ANONYMOUS PROXY'], ['XY', 'XY'],
  ];
  for (const [raw, want] of cases) assert.equal(normalizeCountry(raw), want, raw);
  for (const empty of ['', '   ', undefined, null]) assert.equal(normalizeCountry(empty), undefined);
  // Every assigned code's own English name maps back to it, and every code to itself.
  const codes = Object.keys(COUNTRY_NAMES);
  assert.ok(codes.length >= 249, String(codes.length));
  for (const [code, name] of Object.entries(COUNTRY_NAMES)) {
    assert.equal(normalizeCountry(name), code, name);
    assert.equal(normalizeCountry(name.toUpperCase()), code, name.toUpperCase());
    assert.equal(normalizeCountry(code.toLowerCase()), code);
  }
});

test('principals: dnguyen, DNGUYEN, dnguyen@corp.com and CORP\\dnguyen are one key', () => {
  for (const u of ['dnguyen', 'DNGUYEN', ' dnguyen ', 'dnguyen@corp.com', 'DNguyen@CORP.COM', 'CORP\\dnguyen', 'corp\\DNGUYEN', 'corp.example/dnguyen']) {
    assert.equal(principalKey(u), 'dnguyen', u);
  }
  assert.equal(principalKey('CORP\\dnguyen@corp.com'), 'dnguyen');
  assert.equal(principalKey('d.nguyen@corp.com'), 'd.nguyen', 'dots in the name stay');
  for (const none of ['', '  ', '@corp.com', 'CORP\\', undefined, null]) assert.equal(principalKey(none), undefined, String(none));
});

/** A FortiGate CEF VPN login (full country name in cs2) and an Entra sign-in (ISO code, UPN). */
function vpnLogin(user: string, t: number, ip: string, country: string): Event {
  return { id: `vpn-${t}`, time: t, ingested: t, tenant: 'lsbp', source: 'network/fortigate.cef', logsource: { product: 'fortigate_100f', category: 'vpn' },
    fields: { user, src_ip: ip, outcome: 'success', action: 'tunnel-up', cs2Label: 'srccountry', cs2: country } };
}
function entraLogin(upn: string, t: number, ip: string, country: string): Event {
  return { id: `entra-${t}`, time: t, ingested: t, tenant: 'lsbp', source: 'm365/signins.json', logsource: { product: 'azure', service: 'signinlogs' },
    fields: { user: upn, src_ip: ip, outcome: 'success', src_country: country } };
}

test('login watch: FortiGate "United States" and Entra "US" in one history raise nothing; a real new country still alerts', () => {
  const w = createLoginWatch({ geo: { learnDays: 1, learnEvents: 2 } });
  const alerts = [];
  for (let d = 0; d < 10; d++) {
    // VPN from home at 08:00, Entra from the office 30 minutes later, same person under two spellings.
    alerts.push(...w.process(vpnLogin(d % 2 ? 'DNGUYEN' : 'dnguyen', T0 + d * DAY_MS, '198.51.100.77', d % 3 ? 'United States' : 'United States of America')));
    alerts.push(...w.process(entraLogin(d % 2 ? 'dnguyen@lonestarbilling.example' : 'LONESTAR\\dnguyen', T0 + d * DAY_MS + 30 * MIN, '198.51.100.20', 'US')));
  }
  assert.deepEqual(alerts.map((a) => a.rule.id), [], 'no new-country or impossible-travel alert from spelling alone');
  assert.deepEqual(Object.keys(w.state().geo.entities), ['dnguyen'], 'one principal');
  assert.deepEqual(Object.keys(w.state().geo.entities.dnguyen.countries), ['US']);

  // 40 minutes after an Entra login from the US, a VPN login for the same person from Russia.
  const t = T0 + 10 * DAY_MS;
  assert.deepEqual(w.process(entraLogin('dnguyen@lonestarbilling.example', t, '198.51.100.20', 'US')), []);
  const hit = w.process(vpnLogin('DNGUYEN', t + 40 * MIN, '91.240.118.7', 'Russian Federation'));
  assert.deepEqual(hit.map((a) => a.rule.id).sort(), ['claimguard.identity.impossible_travel', 'claimguard.identity.new_country']);
  for (const a of hit) {
    assert.equal(a.entities.user, 'DNGUYEN', 'the user as the event wrote it');
    assert.equal(a.entities.principal, 'dnguyen');
    assert.equal(a.entities.src_country, 'RU');
  }
  const travel = hit.find((a) => a.rule.id === 'claimguard.identity.impossible_travel')!;
  assert.equal(travel.entities.previous_country, 'US');
  assert.match(travel.why[0].note ?? '', /US → RU within 40 min/);
});

test('login watch: the CIDR table\'s countries are normalised too, and an explicit entityOf is still honoured', () => {
  const table = new CidrTable([{ cidr: '203.0.113.0/24', value: 'United States' }]);
  const w = createLoginWatch({ countries: table, geo: { learnDays: 0, learnEvents: 1 } });
  assert.deepEqual(w.process(login('ana', T0, '203.0.113.9')), []);
  assert.deepEqual(w.process(login('ana@x.example', T0 + DAY_MS, '198.51.100.20', 'US')), []);
  const strict = createLoginWatch({ geo: { learnDays: 0, learnEvents: 1 }, entityOf: (e) => String(e.fields.user) });
  strict.process(login('ana', T0, '198.51.100.20', 'US'));
  strict.process(login('ana@x.example', T0, '198.51.100.20', 'US'));
  assert.deepEqual(Object.keys(strict.state().geo.entities).sort(), ['ana', 'ana@x.example']);
});

test('login watch: state saved before normalisation (full names, UPN keys) is migrated and merged on load', () => {
  const old = createLoginWatch({ geo: { learnDays: 1, learnEvents: 2 }, entityOf: (e) => String(e.fields.user).toLowerCase() });
  for (let d = 0; d < 4; d++) {
    old.process(vpnLogin('dnguyen', T0 + d * DAY_MS, '198.51.100.77', 'United States'));
    old.process(entraLogin('dnguyen@lonestarbilling.example', T0 + d * DAY_MS + 30 * MIN, '198.51.100.20', 'US'));
  }
  const saved = JSON.parse(JSON.stringify(old.state()));
  assert.deepEqual(Object.keys(saved.geo.entities).sort(), ['dnguyen', 'dnguyen@lonestarbilling.example']);
  // What the earlier build stored for the VPN logins: the upper-cased FortiGate name.
  const vpnSide = saved.geo.entities.dnguyen;
  vpnSide.countries = { 'UNITED STATES': vpnSide.countries.US };
  vpnSide.last.country = 'UNITED STATES';
  const w = createLoginWatch({ geo: { learnDays: 1, learnEvents: 2 } }, saved);
  const e = w.state().geo.entities;
  assert.deepEqual(Object.keys(e), ['dnguyen']);
  assert.equal(e.dnguyen.events, 8);
  assert.deepEqual(Object.keys(e.dnguyen.countries), ['US']);
  assert.equal(e.dnguyen.countries.US.count, 8);
  assert.equal(e.dnguyen.firstSeen, T0);
  assert.deepEqual(w.process(vpnLogin('dnguyen', T0 + 4 * DAY_MS, '198.51.100.77', 'United States')), []);
});

test('geo baseline: countries are compared as codes whatever the spelling', () => {
  const g = new GeoBaseline({ learnDays: 0, learnEvents: 1 });
  g.observe('x', T0, { ip: '198.51.100.1', country: 'United States' });
  const o = g.observe('x', T0 + 10 * MIN, { ip: '198.51.100.1', country: 'usa' });
  assert.equal(o.country, 'US');
  assert.equal(o.newCountry, false);
  assert.equal(o.travel, undefined);
  assert.equal(g.observe('x', T0 + DAY_MS, { ip: '5.5.5.5', country: 'Korea, Republic of' }).country, 'KR');
});
