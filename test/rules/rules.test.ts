// ClaimGuard's own rule pack (rules/): structure of every rule, its regression cases through the real
// detector, and the rules on real third-party data read through the real format readers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, sharedData } from '../helpers/data.ts';
import { loadRuleDirs, runRuleTests } from '../../src/cli/commands/rules.ts';
import { createDetector } from '../../src/detect/index.ts';
import { m365Reader } from '../../src/ingest/formats/m365.ts';
import { syslogReader, winEventReader } from '../../src/ingest/formats/index.ts';
import type { FormatReader } from '../../src/ingest/formats/types.ts';
import { newId, type Alert, type Event } from '../../src/core/index.ts';

const RULES = join(REPO_ROOT, 'rules');
const FOLDERS = ['linux', 'windows', 'm365', 'vpn', 'billing'];
const UUID4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}
const ruleFiles = walk(RULES).filter((f) => f.endsWith('.yml') && !f.endsWith('.tests.yml')).sort();

test('the pack is organised by source and every file has regression cases beside it', () => {
  assert.deepEqual(readdirSync(RULES).filter((d) => !d.startsWith('.')).sort(), [...FOLDERS].sort());
  assert.ok(ruleFiles.length >= 25, `${ruleFiles.length} rule files`);
  for (const f of ruleFiles) {
    const tests = f.replace(/\.yml$/, '.tests.yml');
    assert.ok(existsSync(tests), `${relative(RULES, f)} has no ${basename(tests)}`);
    const text = readFileSync(tests, 'utf8');
    assert.match(text, /expect: match/, `${basename(tests)} has a positive case`);
    assert.match(text, /expect: no_match/, `${basename(tests)} has a negative case`);
  }
});

test('every rule document has a unique uuid v4, author ClaimGuard, date, status, level and ATT&CK tags', () => {
  const ids = new Map<string, string>();
  const names = new Set<string>();
  for (const f of ruleFiles) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      assert.equal(doc.errors.length, 0, `${f}: YAML errors`);
      const r = doc.toJS() as Record<string, unknown>;
      const where = `${relative(RULES, f)} "${String(r.title)}"`;
      assert.match(String(r.id), UUID4, `${where}: id`);
      assert.ok(!ids.has(String(r.id)), `${where}: id also used by ${ids.get(String(r.id))}`);
      ids.set(String(r.id), where);
      if (r.name !== undefined) { assert.ok(!names.has(String(r.name)), `${where}: name reused`); names.add(String(r.name)); }
      assert.equal(r.author, 'ClaimGuard', `${where}: author`);
      assert.match(String(r.date), /^2026-\d\d-\d\d$/, `${where}: date`);
      assert.ok(['experimental', 'test', 'stable'].includes(String(r.status)), `${where}: status`);
      assert.ok(['informational', 'low', 'medium', 'high', 'critical'].includes(String(r.level)), `${where}: level`);
      assert.ok(Array.isArray(r.tags) && (r.tags as string[]).some((t) => /^attack\.t\d{4}/.test(t)) && (r.tags as string[]).some((t) => /^attack\.[a-z_]+$/.test(t)), `${where}: ATT&CK technique and tactic tags`);
      assert.ok(typeof r.description === 'string' && r.description.length > 30, `${where}: description`);
      assert.ok(r.correlation !== undefined || (r.logsource !== undefined && r.detection !== undefined), `${where}: detection or correlation`);
    }
  }
  assert.ok(ids.size >= 40);
});

test('the whole pack loads through the Sigma loader without a single problem', () => {
  const { set } = loadRuleDirs([RULES], REPO_ROOT);
  assert.deepEqual(set.errors.map((e) => e.format()), []);
  assert.ok(set.rules.length >= 25 && set.correlations.length >= 12, `${set.rules.length} rules, ${set.correlations.length} correlations`);
  for (const r of set.rules) assert.equal(r.ref.author, 'ClaimGuard');
});

test('every regression case passes through the real detector (claimguard rules test)', () => {
  const testsFiles = walk(RULES).filter((f) => f.endsWith('.tests.yml')).sort();
  let cases = 0;
  for (const f of testsFiles) {
    for (const o of runRuleTests(f, relative(REPO_ROOT, f))) {
      cases++;
      assert.ok(o.ok, `${o.file} — ${o.name}: ${o.detail}`);
    }
  }
  assert.ok(cases >= 90, `${cases} cases`);
});

// ---------------------------------------------------------------------------------------------
// Real data through the real readers.

async function readEvents(reader: FormatReader, path: string, referenceTime?: number): Promise<Event[]> {
  const out: Event[] = [];
  for await (const r of reader.read(createReadStream(path), { file: path, ...(referenceTime !== undefined ? { referenceTime } : {}) })) {
    if (!r.ok) continue;
    out.push({ ...r.event, id: newId(r.event.time), ingested: r.event.time, tenant: 'test', source: basename(path) });
  }
  return out;
}

function detect(dirs: string[], events: Event[]): Alert[] {
  const { set } = loadRuleDirs(dirs, REPO_ROOT);
  assert.deepEqual(set.errors.map((e) => e.format()), []);
  const det = createDetector({ rules: set.rules, correlations: set.correlations });
  const alerts: Alert[] = [];
  for (const e of [...events].sort((a, b) => a.time - b.time)) alerts.push(...det.process(e));
  return alerts;
}

test('real sshd log (loghub OpenSSH_2k): brute force and spraying fire for the attacking addresses only', async () => {
  const events = await readEvents(syslogReader, sharedData('auth_logs_loghub', 'OpenSSH_2k.log'), Date.UTC(2016, 0, 1));
  assert.ok(events.length > 1900);
  const alerts = detect([join(RULES, 'linux')], events);
  const byRule = new Map<string, Set<string>>();
  for (const a of alerts) {
    const s = byRule.get(a.rule.title) ?? new Set<string>();
    s.add(a.entities.src_ip ?? '?');
    byRule.set(a.rule.title, s);
  }
  // Oracle: failed logins per source address within any 5-minute window, from the raw text.
  const fails = new Map<string, number[]>();
  for (const e of events) {
    if (e.fields.action === 'login' && e.fields.outcome === 'failure' && typeof e.fields.src_ip === 'string') fails.set(e.fields.src_ip, [...(fails.get(e.fields.src_ip) ?? []), e.time]);
  }
  const brute = byRule.get('SSH Brute Force From One Source') ?? new Set();
  assert.ok(brute.size >= 1, 'the capture is heavy internet brute force');
  for (const [ip, ts] of fails) {
    let max = 0;
    for (let i = 0, j = 0; i < ts.length; i++) { while (ts[i] - ts[j] >= 5 * 60_000) j++; max = Math.max(max, i - j + 1); }
    assert.equal(brute.has(ip), max >= 10, `${ip}: ${max} failures in 5 min`);
  }
  assert.ok(byRule.has('SSH Password Spraying From One Source'), 'invalid-user sweeps are spraying');
  // The one accepted login (fztu from 119.137.62.142) is not preceded by failures from that address.
  assert.equal(byRule.has('SSH Login Success After Many Failures'), false);
  assert.equal(byRule.has('Successful SSH Login As Root'), false);
});

test('real Entra audit rows (OTRF Golden SAML): app-consent rule fires on the delegated permission grant', async () => {
  const events = await readEvents(m365Reader, sharedData('m365_entra_otrf_goldensaml', 'AADAuditEvents.json'));
  assert.equal(events.length, 4);
  const alerts = detect([join(RULES, 'm365')], events);
  assert.deepEqual(alerts.map((a) => [a.rule.title, a.entities.user]), [['Application Granted Access To The Tenant', 'pgustavo@simulandlabs.com']]);
});

test('SigmaHQ cloud rules match the OTRF Entra rows through the m365 field names', async () => {
  const events = await readEvents(m365Reader, sharedData('m365_entra_otrf_goldensaml', 'AADAuditEvents.json'));
  const dir = sharedData('sigma_rules', 'rules', 'cloud', 'azure', 'audit_logs');
  const titles = detect([dir], events).map((a) => a.rule.title).sort();
  // Two credential updates, one "Update application" and one delegated grant (which two rules name).
  assert.deepEqual(titles, [
    'Added Credentials to Existing Application', 'Added Credentials to Existing Application', 'App Granted Microsoft Permissions',
    'Application AppID Uri Configuration Changes', 'Delegated Permissions Granted For All Users',
  ]);
});

test('real Windows attack samples: log cleared, new service, Administrators membership', async () => {
  const base = sharedData('evtx_attack_samples');
  const cases: [string, string][] = [
    ['Defense Evasion/DE_1102_security_log_cleared.jsonl', 'Windows Event Log Cleared'],
    ['Lateral Movement/LM_Remote_Service02_7045.jsonl', 'New Windows Service Installed'],
    ['Persistence/Network_Service_Guest_added_to_admins_4732.jsonl', 'Member Added To The Local Administrators Group'],
  ];
  for (const [file, title] of cases) {
    const events = await readEvents(winEventReader, join(base, file));
    assert.ok(events.length > 0, file);
    const titles = new Set(detect([join(RULES, 'windows')], events).map((a) => a.rule.title));
    assert.ok(titles.has(title), `${file}: expected "${title}", got ${[...titles].join(' | ') || 'nothing'}`);
  }
});

async function m365Events(records: unknown[]): Promise<Event[]> {
  const bytes = new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join('\n'));
  async function* src(): AsyncGenerator<Uint8Array> { yield bytes; }
  const out: Event[] = [];
  for await (const r of m365Reader.read(src(), { file: 'mem.jsonl' })) {
    if (!r.ok) throw new Error(r.error.format());
    out.push({ ...r.event, id: newId(r.event.time), ingested: r.event.time, tenant: 'test', source: 'mem.jsonl' });
  }
  return out;
}

test('SigmaHQ sign-in and Microsoft 365 alert rules fire on Graph sign-ins and UAL alerts read by the m365 reader', async () => {
  const base = { createdDateTime: '2026-03-09T14:21:09Z', userPrincipalName: 'dortiz@lonestarbilling.com', ipAddress: '41.58.1.1', appDisplayName: 'OfficeHome', clientAppUsed: 'Browser', authenticationRequirement: 'multiFactorAuthentication' };
  const events = await m365Events([
    { ...base, id: 'lockout', status: { errorCode: 50053, failureReason: 'Account is locked.' } },
    { ...base, id: 'mfa', status: { errorCode: 500121, failureReason: 'Authentication failed during strong authentication request.', additionalDetails: 'MFA denied; user declined the authentication' } },
    { ...base, id: 'hound', status: { errorCode: 0 }, userAgent: 'azurehound/v2.1.7', deviceDetail: { isCompliant: true } },
    { ...base, id: 'ok', status: { errorCode: 0 }, userAgent: 'Mozilla/5.0', deviceDetail: { isCompliant: true } },
    { CreationTime: '2026-03-09T15:00:00', Id: 'alert1', Operation: 'AlertTriggered', RecordType: 40, ResultStatus: 'Succeeded', UserId: 'SecurityComplianceAlerts', Workload: 'SecurityComplianceCenter', Name: 'Suspicious inbox forwarding', Severity: 'High', Category: 'ThreatManagement' },
  ]);
  const cloud = sharedData('sigma_rules', 'rules', 'cloud');
  const alerts = detect([join(cloud, 'azure', 'signin_logs'), join(cloud, 'm365')], events);
  const byEvent = new Map<string, string[]>();
  for (const a of alerts) {
    const id = String(a.events?.[0]?.fields.id ?? a.events?.[0]?.fields.Id);
    byEvent.set(id, [...(byEvent.get(id) ?? []), a.rule.title].sort());
  }
  assert.deepEqual(byEvent.get('lockout'), ['Account Lockout']);
  assert.deepEqual(byEvent.get('mfa'), ['Multifactor Authentication Denied', 'Multifactor Authentication Interrupted']);
  assert.deepEqual(byEvent.get('hound'), ['Discovery Using AzureHound']);
  assert.equal(byEvent.get('ok'), undefined, 'an ordinary compliant sign-in raises nothing');
  assert.deepEqual(byEvent.get('alert1'), ['Suspicious Inbox Forwarding']);
});
