// Correlations over real sshd logs (loghub OpenSSH_2k, read in place from ../shared/data): brute force
// per source address (event_count) and password spraying over many accounts (value_count), checked
// against an independent sliding-window count over the same parsed lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { sharedData } from '../../helpers/data.ts';
import { CorrelationEngine, parseCorrelationRule, type CorrelationFired } from '../../../src/detect/correlate/index.ts';
import type { Event } from '../../../src/core/index.ts';

const MONTHS: Record<string, number> = { Dec: 11 };
const LINE = /^(\w{3}) +(\d+) (\d\d):(\d\d):(\d\d) \S+ sshd\[\d+\]: Failed password for (?:invalid user )?(.*?) from (\S+) port/;

function failures(): Event[] {
  const text = readFileSync(sharedData('auth_logs_loghub', 'OpenSSH_2k.log'), 'utf8');
  const out: Event[] = [];
  text.split('\n').forEach((line, i) => {
    const m = LINE.exec(line);
    if (!m) return;
    const time = Date.UTC(2025, MONTHS[m[1]], Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]));
    out.push({ id: `line${i + 1}`, time, ingested: time, tenant: 't', source: 'OpenSSH_2k.log', logsource: { product: 'linux', service: 'sshd' },
      fields: { user: m[6], src_ip: m[7], outcome: 'failure' } });
  });
  return out;
}

const ctx = { file: 'mr_ssh.yml', source: 'mr_ssh.yml' };
const bruteForce = parseCorrelationRule({ title: 'SSH brute force', id: 'ssh-bf', level: 'high', author: 'ClaimGuard', correlation: {
  type: 'event_count', rules: ['ssh_failed_password'], 'group-by': ['src_ip'], timespan: '1m', condition: { gte: 10 } } }, ctx);
const spray = parseCorrelationRule({ title: 'SSH password spraying', id: 'ssh-spray', correlation: {
  type: 'value_count', rules: ['ssh_failed_password'], 'group-by': ['src_ip'], timespan: '10m', condition: { field: 'user', gte: 5 } } }, ctx);

/** Independent reference: per source, walk its failures in time order and fire/reset as documented; the firing times. */
function referenceTimes(evs: Event[], span: number, value: (w: Event[]) => number, threshold: number): Map<string, number[]> {
  const fired = new Map<string, number[]>();
  const held = new Map<string, Event[]>();
  for (const e of evs) {
    const ip = e.fields.src_ip as string;
    const list = held.get(ip) ?? [];
    list.push(e);
    const w = list.filter((x) => x.time >= e.time - span);
    if (value(w) >= threshold) {
      fired.set(ip, [...(fired.get(ip) ?? []), e.time]);
      held.set(ip, []);
    } else held.set(ip, list);
  }
  return fired;
}

function reference(evs: Event[], span: number, value: (w: Event[]) => number, threshold: number): Map<string, number> {
  return new Map([...referenceTimes(evs, span, value, threshold)].map(([ip, ts]) => [ip, ts.length]));
}

/** Alert episodes in a list of firing times: a firing more than `window` after the previous one starts a new episode. */
function episodes(times: number[], window: number): number {
  let n = 0, until = -Infinity;
  for (const t of times) {
    if (t > until) n++;
    until = t + window;
  }
  return n;
}

test('sshd failures from OpenSSH_2k: brute-force and spraying correlations agree with a reference count', () => {
  const evs = failures();
  // 520 lines contain "Failed password"; 2 of them are syslog "message repeated 5 times: [ … ]" summaries,
  // which a base rule would see as one event each and this test leaves out.
  assert.equal(evs.length, 518, 'every direct "Failed password" line parsed');
  for (let i = 1; i < evs.length; i++) assert.ok(evs[i].time >= evs[i - 1].time, 'the log is in time order');

  // The reference fires again after every reset, so suppression is off here (the next test turns it on).
  const engine = new CorrelationEngine([bruteForce, spray], { baseRules: [{ id: 'ssh-failed-id', name: 'ssh_failed_password' }], suppressMs: 0 });
  const fired: CorrelationFired[] = [];
  for (const e of evs) fired.push(...engine.onMatch({ ruleId: 'ssh-failed-id', event: e }));

  const count = (id: string) => {
    const m = new Map<string, number>();
    for (const f of fired) if (f.rule.ref.id === id) m.set(f.group.src_ip, (m.get(f.group.src_ip) ?? 0) + 1);
    return m;
  };
  const bf = count('ssh-bf');
  const sp = count('ssh-spray');
  assert.deepEqual(bf, reference(evs, 60_000, (w) => w.length, 10));
  assert.deepEqual(sp, reference(evs, 600_000, (w) => new Set(w.map((x) => x.fields.user)).size, 5));
  // The heaviest attacker in the sample (286 failures) is caught by the brute-force rule.
  assert.ok((bf.get('183.62.140.253') ?? 0) > 0, JSON.stringify([...bf]));
  assert.ok(sp.size > 0, 'at least one source sprays over 5+ accounts');
  for (const f of fired) {
    assert.ok(f.events.length > 0 && f.events.length <= 10);
    assert.ok(f.events.every((e) => e.fields.src_ip === f.group.src_ip && e.time <= f.time && e.time >= f.time - f.rule.timespan));
  }
  const st = engine.stats();
  assert.equal(st.fired, fired.length);
  assert.equal(st.lateDropped, 0);
  assert.equal(st.evictions, 0);
});

test('sshd failures from OpenSSH_2k: default suppression gives one alert per attack episode and counts the rest', () => {
  const evs = failures();
  const engine = new CorrelationEngine([bruteForce, spray], { baseRules: [{ id: 'ssh-failed-id', name: 'ssh_failed_password' }] });
  const fired: CorrelationFired[] = [];
  for (const e of evs) fired.push(...engine.onMatch({ ruleId: 'ssh-failed-id', event: e }));
  const refBf = referenceTimes(evs, 60_000, (w) => w.length, 10);
  const all = [...refBf.values()].reduce((n, ts) => n + ts.length, 0);
  const alerts = new Map<string, number>();
  for (const f of fired) if (f.rule.ref.id === 'ssh-bf') alerts.set(f.group.src_ip, (alerts.get(f.group.src_ip) ?? 0) + 1);
  assert.deepEqual(alerts, new Map([...refBf].map(([ip, ts]) => [ip, episodes(ts, 60_000)])));
  const heavy = refBf.get('183.62.140.253') ?? [];
  assert.ok(heavy.length >= 20, `the heaviest source fires many times without suppression (${heavy.length})`);
  assert.ok((alerts.get('183.62.140.253') ?? 0) < heavy.length / 5, `… and few alerts with it (${alerts.get('183.62.140.253')})`);
  const st = engine.stats().perRule!['ssh-bf'];
  assert.equal(st.fired + st.suppressed, all, 'every reference firing is an alert or a suppressed firing');
  assert.equal(st.suppressMs, 60_000, 'the default window is the rule timespan');
  for (const f of fired) assert.ok(f.suppressUntil !== undefined && f.suppressUntil >= f.time + 60_000);
});
