import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ClaimGuardError, parseConfig } from '../../src/core/index.ts';
import { tailParser } from '../../src/pipeline/index.ts';

const config = parseConfig('timeZone: America/Chicago\n', { cwd: '/tmp', env: {} });
const ctx = { source: 'app', file: '/var/log/app.log', offset: 0 };

test('tail format auto tells JSON, CEF and syslog lines apart', () => {
  const p = tailParser('auto', config);
  const j = p('{"@timestamp":"2026-03-01T10:00:00Z","user":"alice","action":"export"}', ctx);
  assert.ok(j.ok && j.event.fields.user === 'alice' && j.event.time === Date.UTC(2026, 2, 1, 10));
  const c = p('CEF:0|Fortinet|FortiGate|7.2|0100032002|admin login failed|6|src=10.1.1.9 suser=admin outcome=failure rt=Mar 01 2026 10:00:00 UTC', ctx);
  assert.ok(c.ok && c.event.fields.device_vendor === 'Fortinet', JSON.stringify(c));
  const s = p('<38>Jun 14 15:16:01 combo sshd[1]: Failed password for root from 10.1.1.8 port 22 ssh2', ctx);
  assert.ok(s.ok && s.event.logsource.service === 'sshd' && s.event.fields.src_ip === '10.1.1.8');
  const bad = tailParser('jsonl', config)('{"user":"no time"}', ctx);
  assert.ok(!bad.ok && bad.error.code === 'INGEST_BAD_TIME');
});

test('a tail format that cannot be read line by line is a configuration error', () => {
  assert.throws(() => tailParser('evtx', config), (e: unknown) => e instanceof ClaimGuardError && e.code === 'CONFIG_INVALID');
});
