import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { once } from 'node:events';
import { newId } from '../../src/core/index.ts';
import { openStore } from '../../src/store/index.ts';
import { CLI, NODE, startServe } from '../pipeline/server.ts';

test('serve runs HTTP, TCP syslog and a file tail from the config, keeps record content out of its log, and stops on SIGTERM', { timeout: 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-serve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const logFile = join(dir, 'app.log');
  writeFileSync(logFile, '<38>Jun 14 15:16:01 combo sshd[7]: Failed password for root from 10.9.8.7 port 22 ssh2\n');
  const cfg = join(dir, 'claimguard.yaml');
  writeFileSync(cfg, `dataDir: ./data
tenant: acme
retentionDays: 30
listeners:
  http:
    port: 0
    sources: [{ name: billing, tokenSha256: ${createHash('sha256').update('tkn').digest('hex')} }]
  syslog:
    tcp: { port: 0 }
  tail:
    - { path: ${JSON.stringify(logFile)}, format: syslog, source: applog }
`);
  // An event from 2020 waits in the store: retention prunes it when serve starts.
  const before = openStore({ dataDir: join(dir, 'data') });
  before.events.insertBatch([{ id: newId(), time: Date.UTC(2020, 0, 1), ingested: Date.UTC(2020, 0, 1), tenant: 'acme', source: 'old', logsource: {}, fields: { old: true } }]);
  before.close();
  const server = await startServe(cfg);
  assert.ok(server.ports.http && server.ports.tcp);
  const url = `http://127.0.0.1:${server.ports.http}/ingest`;
  const ok = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer tkn' }, body: '{"user":"alice","action":"claim.view","patient_id":"P1"}\n' });
  assert.equal(ok.status, 200);
  const secret = 'SSN-123-45-6789';
  const bad = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer tkn' }, body: `{"time":"${secret}"}\n` });
  assert.equal(bad.status, 400);
  const sock = net.connect(server.ports.tcp, '127.0.0.1');
  await once(sock, 'connect');
  sock.end(`<86>Jun 14 15:16:02 combo sudo: alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/cat /etc/${secret}\n` + 'x'.repeat(70_000) + '\n');
  await once(sock, 'close');
  appendFileSync(logFile, '<38>Jun 14 15:16:03 combo sshd[8]: Accepted password for bob from 10.9.8.6 port 22 ssh2\n');
  // No waiting: on SIGTERM the tail reads what the file holds and the syslog buffer is committed.
  server.child.kill('SIGTERM');
  const exit = await server.exited;
  assert.equal(exit.code, 0, server.stderr());
  const log = server.stderr();
  assert.match(log, /listening: http 127\.0\.0\.1:\d+/);
  assert.match(log, /listening: tail /);
  assert.match(log, /rejected a record \[INGEST_LINE_TOO_LONG\]/);
  assert.match(log, /SIGTERM: stopping/);
  assert.match(log, /retention: pruned 1 events older than 30 days/);
  assert.ok(!log.includes(secret) && !log.includes('alice') && !log.includes('10.9.8'), 'no record content in the log');

  const store = openStore({ dataDir: join(dir, 'data') });
  t.after(() => store.close());
  const evs = store.events.query({});
  assert.deepEqual(evs.map((e) => e.source).sort(), ['applog', 'applog', 'billing', 'syslog-tcp']);
  assert.ok(evs.every((e) => e.tenant === 'acme'));
  assert.equal(evs.find((e) => e.source === 'syslog-tcp')!.logsource.service, 'sudo');
});

test('serve --help exits 0; a bad config exits 2 with a located error', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-serve-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const help = spawnSync(NODE, [CLI, 'serve', '--help'], { encoding: 'utf8' });
  assert.equal(help.status, 0);
  assert.match(help.stdout, /Usage: claimguard serve/);
  writeFileSync(join(dir, 'bad.yaml'), 'listeners:\n  http:\n    port: 99999\n');
  const bad = spawnSync(NODE, [CLI, 'serve', '--config', join(dir, 'bad.yaml')], { encoding: 'utf8', cwd: dir });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad\.yaml:3:\d+.*CONFIG_INVALID/);
  const missing = spawnSync(NODE, [CLI, 'serve', '--config', join(dir, 'none.yaml')], { encoding: 'utf8', cwd: dir });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /CONFIG_NOT_FOUND/);
});
