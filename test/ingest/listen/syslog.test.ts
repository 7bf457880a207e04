import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import type { ClaimGuardError, ParsedEvent } from '../../../src/core/index.ts';
import { startSyslogTcp, startSyslogTls, startSyslogUdp, syslogRecordParser, type Listener } from '../../../src/ingest/listen/index.ts';
import { sharedData } from '../../helpers/data.ts';

const NOW = Date.UTC(2026, 5, 20, 12, 0, 0);
const parse = syslogRecordParser({ now: () => NOW });
// Real auth-log lines (loghub OpenSSH sample), given a PRI as a relay would send them.
const LINES = readFileSync(sharedData('auth_logs_loghub', 'OpenSSH_2k.log'), 'utf8').split(/\r?\n/).filter(Boolean).slice(0, 300).map((l) => `<38>${l}`);

function collector(): { events: ParsedEvent[]; errors: ClaimGuardError[]; sink: (e: ParsedEvent[]) => void; onError: (e: ClaimGuardError) => void; until(n: number): Promise<void> } {
  const events: ParsedEvent[] = [];
  const errors: ClaimGuardError[] = [];
  let waiter: { n: number; resolve: () => void } | undefined;
  const check = (): void => { if (waiter && events.length + errors.length >= waiter.n) { waiter.resolve(); waiter = undefined; } };
  return {
    events, errors,
    sink: (e) => { events.push(...e); check(); },
    onError: (e) => { errors.push(e); check(); },
    until: (n) => new Promise<void>((resolve) => { waiter = { n, resolve }; check(); }),
  };
}

async function closeAfter(t: { after(fn: () => Promise<void>): void }, l: Listener): Promise<Listener> {
  t.after(() => l.close());
  return l;
}

test('TCP: LF framed auth log lines become sshd events with user and source address', async (t) => {
  const c = collector();
  const l = await closeAfter(t, await startSyslogTcp({ port: 0, source: 'tcp', parse, sink: c.sink, onError: c.onError }));
  assert.match(l.address, /^127\.0\.0\.1:\d+$/);
  const sock = net.connect(l.port!, '127.0.0.1');
  await once(sock, 'connect');
  // Write in uneven pieces so messages straddle packets.
  const data = Buffer.from(LINES.join('\n') + '\n');
  for (let i = 0; i < data.length; i += 777) sock.write(data.subarray(i, i + 777));
  sock.end();
  await c.until(LINES.length);
  assert.equal(c.errors.length, 0);
  assert.equal(c.events.length, LINES.length);
  const accepted = c.events.find((e) => String(e.fields.message).startsWith('Accepted password'));
  const failed = c.events.find((e) => String(e.fields.message).startsWith('Failed password for'));
  assert.ok(failed, 'sample has a failed password');
  assert.equal(failed.logsource.service, 'sshd');
  assert.equal(failed.fields.outcome, 'failure');
  assert.ok(typeof failed.fields.src_ip === 'string' && /^\d+\.\d+\.\d+\.\d+$/.test(failed.fields.src_ip));
  if (accepted) assert.equal(accepted.fields.outcome, 'success');
  assert.equal(c.events[0].raw, LINES[0]);
});

test('TCP: octet-counted frames (RFC 6587) on one connection, with a bad frame in between', async (t) => {
  const c = collector();
  const l = await closeAfter(t, await startSyslogTcp({ port: 0, source: 'tcp', parse, sink: c.sink, onError: c.onError, maxMessageBytes: 400 }));
  const sock = net.connect(l.port!, '127.0.0.1');
  await once(sock, 'connect');
  const msgs = LINES.slice(0, 50);
  const framed = msgs.map((m, i) => (i === 10 ? `${Buffer.byteLength('<38>' + 'y'.repeat(500))} <38>${'y'.repeat(500)}` : `${Buffer.byteLength(m)} ${m}`)).join('');
  const data = Buffer.from(framed);
  for (let i = 0; i < data.length; i += 301) { sock.write(data.subarray(i, i + 301)); await new Promise((r) => setImmediate(r)); }
  sock.end();
  await c.until(50);
  assert.equal(c.events.length, 49);
  assert.deepEqual(c.errors.map((e) => [e.code, e.location?.record]), [['INGEST_LINE_TOO_LONG', 11]]);
  assert.equal(c.events[10].raw, msgs[11]);
});

test('UDP: one message per datagram', async (t) => {
  const c = collector();
  const l = await closeAfter(t, await startSyslogUdp({ port: 0, source: 'udp', parse, sink: c.sink, onError: c.onError }));
  const client = dgram.createSocket('udp4');
  t.after(() => client.close());
  const msgs = LINES.slice(0, 20);
  for (const m of msgs) {
    client.send(Buffer.from(m + '\n'), l.port!, '127.0.0.1');
    await new Promise((r) => setTimeout(r, 1)); // loopback UDP: pace to avoid overrunning the receive buffer
  }
  await c.until(msgs.length);
  assert.deepEqual(c.events.map((e) => e.raw).sort(), [...msgs].sort());
  assert.equal(c.events[0].source, undefined); // the pipeline stamps the source
});

test('UDP and TCP bind 127.0.0.1 by default', async (t) => {
  const c = collector();
  const u = await closeAfter(t, await startSyslogUdp({ port: 0, source: 'u', parse, sink: c.sink }));
  const p = await closeAfter(t, await startSyslogTcp({ port: 0, source: 't', parse, sink: c.sink }));
  assert.match(u.address, /^127\.0\.0\.1:/);
  assert.match(p.address, /^127\.0\.0\.1:/);
});

test('a port in use fails with LISTEN_FAILED', async (t) => {
  const c = collector();
  const a = await closeAfter(t, await startSyslogTcp({ port: 0, source: 't', parse, sink: c.sink }));
  await assert.rejects(startSyslogTcp({ port: a.port!, source: 't', parse, sink: c.sink }), (e: ClaimGuardError) => e.code === 'LISTEN_FAILED');
});

test('TLS (RFC 5425): octet-counted messages over TLS with a self-signed certificate', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-tls-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  // openssl CLI (installed by .ci/run when missing): node:crypto cannot issue X.509 certificates.
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
    '-subj', '/CN=localhost', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
  const cert = readFileSync(join(dir, 'cert.pem'));
  const key = readFileSync(join(dir, 'key.pem'));
  const c = collector();
  const l = await closeAfter(t, await startSyslogTls({ port: 0, source: 'tls', parse, sink: c.sink, onError: c.onError, cert, key }));
  const sock = tls.connect({ port: l.port!, host: '127.0.0.1', ca: cert });
  await once(sock, 'secureConnect');
  const msgs = LINES.slice(0, 25);
  sock.end(msgs.map((m) => `${Buffer.byteLength(m)} ${m}`).join(''));
  await c.until(msgs.length);
  assert.deepEqual(c.events.map((e) => e.raw), msgs);
  // A client that does not trust the certificate cannot connect, and the listener survives it.
  const bad = tls.connect({ port: l.port!, host: '127.0.0.1' });
  const [err] = await once(bad, 'error');
  assert.match(String(err.code ?? err.message), /SELF_SIGNED|CERT|UNABLE/);
});
