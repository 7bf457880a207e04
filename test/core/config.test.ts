import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ClaimGuardError, loadConfig, parseConfig } from '../../src/core/index.ts';

function configError(fn: () => unknown): ClaimGuardError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ClaimGuardError, String(e));
    return e;
  }
  assert.fail('expected a ClaimGuardError');
}

test('no file and no environment: documented defaults', () => {
  const c = loadConfig({ cwd: '/srv/cg', env: {} });
  assert.equal(c.dataDir, '/srv/cg/claimguard-data');
  assert.equal(c.tenant, 'default');
  assert.equal(c.timeZone, 'UTC');
  assert.equal(c.retentionDays, undefined);
  assert.equal(c.listeners.http, undefined);
  assert.deepEqual(c.listeners.tail, []);
  assert.equal(c.listeners.syslog.udp, undefined);
  assert.equal(c.file, undefined);
});

test('a full file resolves hosts, paths and token digests', () => {
  const text = `
dataDir: data
tenant: acme-billing
retentionDays: 400
timeZone: America/Chicago
listeners:
  syslog:
    udp: { port: 5514 }
    tcp: { port: 5514, host: 0.0.0.0 }
    tls: { port: 6514, cert: tls/cert.pem, key: tls/key.pem }
  http:
    port: 8514
    sources:
      - name: billing-app
        tokenSha256: ${'A'.repeat(64)}
      - name: firewall
        tokenEnv: FW_TOKEN
  tail:
    - path: /var/log/auth.log
      format: syslog
formats:
  csv:
    maps:
      kareo:
        time: Date Time
        user: User Name
        patient_id: Patient Acct
  jsonl:
    timeField: event.created
`;
  const c = parseConfig(text, { cwd: '/x', env: { FW_TOKEN: 's3cret' }, file: '/etc/claimguard/claimguard.yaml' });
  assert.equal(c.dataDir, '/etc/claimguard/data');
  assert.equal(c.tenant, 'acme-billing');
  assert.equal(c.retentionDays, 400);
  assert.deepEqual(c.listeners.syslog.udp, { host: '127.0.0.1', port: 5514 });
  assert.deepEqual(c.listeners.syslog.tcp, { host: '0.0.0.0', port: 5514 });
  assert.equal(c.listeners.syslog.tls?.cert, '/etc/claimguard/tls/cert.pem');
  assert.equal(c.listeners.http?.host, '127.0.0.1');
  assert.equal(c.listeners.http?.maxBodyBytes, 10 * 1024 * 1024);
  assert.deepEqual(c.listeners.http?.sources, [
    { name: 'billing-app', tokenSha256: 'a'.repeat(64) },
    { name: 'firewall', tokenSha256: createHash('sha256').update('s3cret').digest('hex') },
  ]);
  assert.deepEqual(c.listeners.tail, [{ path: '/var/log/auth.log', format: 'syslog', source: 'auth.log' }]);
  assert.equal(c.formats.csv.maps.kareo.patient_id, 'Patient Acct');
  assert.equal(c.formats.jsonl.timeField, 'event.created');
});

test('environment overrides win over the file', () => {
  const c = parseConfig('tenant: a\nlisteners:\n  http:\n    port: 1\n', {
    cwd: '/w', env: { CLAIMGUARD_TENANT: 'b', CLAIMGUARD_HTTP_PORT: '8080', CLAIMGUARD_DATA_DIR: '/d', CLAIMGUARD_SYSLOG_UDP_PORT: '514' },
  });
  assert.equal(c.tenant, 'b');
  assert.equal(c.listeners.http?.port, 8080);
  assert.equal(c.dataDir, '/d');
  assert.equal(c.listeners.syslog.udp?.port, 514);
});

test('a bad value is located at its YAML line and column', () => {
  const e = configError(() => parseConfig('tenant: ok\nlisteners:\n  http:\n    port: 70000\n', { cwd: '/', env: {}, file: 'claimguard.yaml' }));
  assert.equal(e.code, 'CONFIG_INVALID');
  assert.deepEqual({ file: e.location?.file, line: e.location?.line, column: e.location?.column }, { file: 'claimguard.yaml', line: 4, column: 11 });
  assert.match(e.message, /^listeners\.http\.port: /);
});

test('an unknown key (a typo) is located at the key', () => {
  const e = configError(() => parseConfig('dataDir: x\nlisteners:\n  sylog:\n    udp: { port: 1 }\n', { cwd: '/', env: {} }));
  assert.equal(e.code, 'CONFIG_INVALID');
  assert.equal(e.location?.line, 3);
  assert.equal(e.location?.column, 3);
  assert.match(e.message, /listeners\.sylog/);
});

test('bad time zone, bad YAML, bad token digest and a missing token variable are located errors', () => {
  let e = configError(() => parseConfig('timeZone: Mars/Base\n', { cwd: '/', env: {} }));
  assert.equal(e.location?.line, 1);
  assert.equal(e.location?.column, 11);
  e = configError(() => parseConfig('tenant: [unclosed\n', { cwd: '/', env: {} }));
  assert.equal(e.code, 'CONFIG_INVALID');
  assert.equal(e.location?.line !== undefined, true);
  e = configError(() => parseConfig('listeners:\n  http:\n    port: 1\n    sources:\n      - name: a\n        tokenSha256: abc\n', { cwd: '/', env: {} }));
  assert.equal(e.location?.line, 6);
  e = configError(() => parseConfig('listeners:\n  http:\n    port: 1\n    sources:\n      - name: a\n        tokenEnv: NOPE\n', { cwd: '/', env: {} }));
  assert.equal(e.location?.line, 6);
  assert.match(e.message, /NOPE/);
});

test('a bad environment value names the variable', () => {
  const e = configError(() => parseConfig('', { cwd: '/', env: { CLAIMGUARD_HTTP_PORT: 'eighty' } }));
  assert.equal(e.location?.path, 'env CLAIMGUARD_HTTP_PORT');
  const e2 = configError(() => parseConfig('', { cwd: '/', env: { CLAIMGUARD_HTTP_PORT: '99999' } }));
  assert.equal(e2.location?.path, 'env CLAIMGUARD_HTTP_PORT');
});

test('loadConfig finds claimguard.yaml in cwd, honours CLAIMGUARD_CONFIG, and reports a missing explicit file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-config-'));
  try {
    writeFileSync(join(dir, 'claimguard.yaml'), 'tenant: from-cwd\n');
    writeFileSync(join(dir, 'other.yaml'), 'tenant: from-env\n');
    assert.equal(loadConfig({ cwd: dir, env: {} }).tenant, 'from-cwd');
    assert.equal(loadConfig({ cwd: dir, env: { CLAIMGUARD_CONFIG: 'other.yaml' } }).tenant, 'from-env');
    const e = configError(() => loadConfig({ cwd: dir, env: {}, file: 'missing.yaml' }));
    assert.equal(e.code, 'CONFIG_NOT_FOUND');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the full example in docs/config.md is valid and means what the docs say', async () => {
  const { readFileSync } = await import('node:fs');
  const { REPO_ROOT } = await import('../helpers/data.ts');
  const md = readFileSync(join(REPO_ROOT, 'docs', 'config.md'), 'utf8');
  const yaml = /```yaml\n([\s\S]*?)```/.exec(md)?.[1];
  assert.ok(yaml, 'docs/config.md has a yaml example');
  const c = parseConfig(yaml, { cwd: '/w', env: { CG_FIREWALL_TOKEN: 't' }, file: '/etc/claimguard/claimguard.yaml' });
  assert.equal(c.dataDir, '/var/lib/claimguard');
  assert.equal(c.listeners.syslog.tls?.ca, '/etc/claimguard/tls/clients-ca.crt');
  assert.equal(c.listeners.http?.sources.length, 2);
  assert.equal(c.formats.csv.maps['practice-mgmt'].patient_id, 'Patient Acct #');
  assert.equal(c.listeners.tail[0].source, 'web1-auth');
});

test('property: any text either loads or fails with CONFIG_INVALID and a location', async () => {
  const fc = (await import('fast-check')).default;
  const piece = fc.constantFrom('tenant: ', 'listeners:\n', '  http:\n', '    port: ', '8080', '-1', 'x', '\n', '  ', '[', '{', '"', ': ', '- ', '&a ', '*a', 'timeZone: UTC', 'formats:\n  csv:\n    maps:\n', '#');
  fc.assert(fc.property(fc.array(fc.oneof(piece, fc.string({ maxLength: 6 })), { maxLength: 30 }).map((a) => a.join('')), (text) => {
    try {
      parseConfig(text, { cwd: '/', env: {}, file: 'c.yaml' });
    } catch (e) {
      assert.ok(e instanceof ClaimGuardError, String(e));
      assert.equal(e.code, 'CONFIG_INVALID');
      assert.ok(e.location?.line !== undefined || e.location?.path !== undefined, e.format());
    }
  }), { numRuns: 400 });
});
