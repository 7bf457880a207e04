// `claimguard hunt`: reads real inputs through the ingest registry, prints alerts in each format,
// honours --min-level, and carries DRL attribution (author, SigmaHQ link, licence) in every alert.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { captureIO as io, tempDir } from '../helpers/cli.ts';
import { sharedData } from '../helpers/data.ts';

const CASE = 'regression_data/rules/windows/registry/registry_set/registry_set_disable_system_restore';

async function findJson(): Promise<{ json: string; rule: string; id: string }> {
  const { readdirSync, readFileSync } = await import('node:fs');
  const dir = sharedData('sigma_regression', CASE);
  const json = join(dir, readdirSync(dir).find((f) => f.endsWith('.json'))!);
  const id = /id: ([0-9a-f-]{36})/.exec(readFileSync(join(dir, 'info.yml'), 'utf8').split('rule_metadata')[1])![1];
  const rule = sharedData('sigma_rules', 'rules/windows/registry/registry_set/registry_set_disable_system_restore.yml');
  return { json, rule, id };
}

test('hunt --format jsonl: one alert per line with rule identity, author, time and the event', async () => {
  const { json, rule, id } = await findJson();
  const c = io();
  const code = await main(['hunt', json, '--rules', rule, '--format', 'jsonl'], c);
  assert.equal(code, 1, c.err());
  const lines = c.out().trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 4, 'the case has match_count 4');
  for (const a of lines) {
    assert.equal(a.rule.id, id);
    assert.ok(a.rule.title && a.rule.level && a.rule.author);
    assert.equal(a.rule.license, 'DRL-1.1');
    assert.equal(a.rule.source, 'https://github.com/SigmaHQ/sigma/blob/master/rules/windows/registry/registry_set/registry_set_disable_system_restore.yml');
    assert.match(a.time, /^\d{4}-\d\d-\d\dT/);
    assert.equal(a.event.fields.EventID, 13);
    assert.ok(a.why.some((w: { field?: string }) => w.field === 'TargetObject'), JSON.stringify(a.why));
  }
});

test('hunt table, csv, json and --min-level', async () => {
  const { json, rule } = await findJson();
  const t = io();
  assert.equal(await main(['hunt', json, '--rules', rule], t), 1);
  assert.match(t.out(), /^TIME\s+LEVEL\s+RULE/m);
  assert.match(t.out(), /Per-rule summary \(4 alerts, 1 rules\)/);
  const csv = io();
  await main(['hunt', json, '--rules', rule, '--format', 'csv'], csv);
  const rows = csv.out().trim().split('\n');
  assert.equal(rows[0], 'time,level,rule_id,title,author,host,user,why,source');
  assert.equal(rows.length, 5);
  const js = io();
  await main(['hunt', json, '--rules', rule, '--format', 'json'], js);
  assert.equal(JSON.parse(js.out()).length, 4);
  const high = io();
  assert.equal(await main(['hunt', json, '--rules', rule, '--min-level', 'critical', '--format', 'jsonl'], high), 0, 'a high rule is below critical');
  assert.equal(high.out(), '');
});

test('hunt reads syslog and runs our own rules over it, with --stats', async (t) => {
  const dir = tempDir(t, 'cg-hunt-');
  writeFileSync(join(dir, 'invalid_user.yml'), `title: SSH login attempt for an unknown user
id: 0e6b3c55-3a53-4b3f-a2a8-2e8f2bb3c001
author: ClaimGuard tests
level: low
logsource:
    product: linux
    service: auth
detection:
    selection:
        message|startswith: 'Invalid user '
    condition: selection
`);
  const c = io(dir);
  const code = await main(['hunt', sharedData('auth_logs_loghub', 'OpenSSH_2k.log'), '--rules', dir, '--format', 'jsonl', '--stats'], c);
  assert.equal(code, 1, c.err());
  const alerts = c.out().trim().split('\n').map((l) => JSON.parse(l));
  assert.ok(alerts.length > 50, `${alerts.length} alerts`);
  assert.equal(alerts[0].rule.source, 'invalid_user.yml');
  assert.equal(alerts[0].event.logsource.service, 'sshd');
  assert.match(c.err(), /rules evaluated per event p50 \d+, p95 \d+/);
  // The rule indexes `message`; its 2,000 values mostly differ (ids, addresses), some repeat.
  assert.match(c.err(), /answered from the router's memo: \d+\.\d% of 2000 lookups/);
});

test('hunt draws a progress bar on stderr only when it is a terminal', async () => {
  const { json, rule } = await findJson();
  const tty = { ...io(), interactive: true };
  let err = '';
  tty.stderr = new Writable({ write(c, _e, cb) { err += c; cb(); } });
  await main(['hunt', json, '--rules', rule, '--format', 'jsonl'], tty);
  assert.match(err, /\r\[[#.]{30}\] +\d+%/);
  const plain = io();
  await main(['hunt', json, '--rules', rule, '--format', 'jsonl'], plain);
  assert.doesNotMatch(plain.err(), /\r\[/);
});

test('hunt usage errors exit 2', async (t) => {
  assert.equal(await main(['hunt'], io()), 2);
  assert.equal(await main(['hunt', 'x.log', '--format', 'xml'], io()), 2);
  assert.equal(await main(['hunt', 'x.log', '--min-level', 'severe'], io()), 2);
  const dir = tempDir(t, 'cg-hunt-empty-');
  const c = io(dir);
  assert.equal(await main(['hunt', 'x.log', '--rules', dir], c), 2);
  assert.match(c.err(), /no rule could be loaded/);
});
