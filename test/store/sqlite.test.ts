import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DatabaseSync } from 'node:sqlite';
import { join } from 'node:path';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { openStore, DB_FILE, loadMigrations, migrate } from '../../src/store/index.ts';
import { ClaimGuardError, type Alert, type Event, type Finding } from '../../src/core/index.ts';
import { event, tempDir } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);
const DAY = 24 * 3600 * 1000;

test('opening a new data directory applies every migration once and records it', (t) => {
  const dir = tempDir(t);
  const s = openStore({ dataDir: dir });
  s.close();
  const s2 = openStore({ dataDir: dir }); // second open applies nothing
  const rows = s2.db.prepare('SELECT version, name FROM schema_version ORDER BY version').all();
  assert.deepEqual(rows.map((r) => r.version), loadMigrations().map((m) => m.version));
  assert.equal(rows[0].name, 'init');
  assert.equal((s2.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode, 'wal');
  assert.equal((s2.db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous, 2); // FULL
  s2.close();
});

test('a failing migration rolls back and names itself; a store newer than the code is refused', (t) => {
  const dir = tempDir(t);
  const db = new DatabaseSync(join(dir, DB_FILE));
  const migrations = [{ version: 1, name: 'ok', sql: 'CREATE TABLE a (x)' }, { version: 2, name: 'bad', sql: 'CREATE TABLE b (x); SELECT * FROM nope' }];
  assert.throws(() => migrate(db, migrations), (e: unknown) => e instanceof ClaimGuardError && e.code === 'STORE_MIGRATION' && /002_bad/.test(e.message));
  assert.equal(db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'b'`).get()!.n, 0);
  assert.equal(db.prepare('SELECT max(version) AS v FROM schema_version').get()!.v, 1);
  db.prepare('INSERT INTO schema_version VALUES (99, ?, 0)').run('future');
  assert.throws(() => migrate(db, migrations), (e: unknown) => e instanceof ClaimGuardError && e.code === 'STORE_MIGRATION' && /99/.test(e.message));
  db.close();
});

test('migration files must be numbered without gaps', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-mig-'));
  writeFileSync(join(dir, '001_init.sql'), 'SELECT 1');
  writeFileSync(join(dir, '003_later.sql'), 'SELECT 1');
  assert.throws(() => loadMigrations(dir), (e: unknown) => e instanceof ClaimGuardError && e.code === 'STORE_MIGRATION');
});

test('events round-trip and queries filter by time, source, logsource, fields and text', (t) => {
  const s = openStore({ dataDir: tempDir(t) });
  t.after(() => s.close());
  const evs = [
    event(T0, { user: 'alice', src_ip: '10.0.0.1', EventID: 4625, outcome: 'failure', ok: false }, { raw: 'Failed password for alice' }),
    event(T0 + 1000, { user: 'bob', src_ip: '10.0.0.2', outcome: 'success', 'dotted.name': 'x' }, { source: 'vpn', logsource: { product: 'linux', service: 'sudo' } }),
    event(T0 + 2000, { user: 'Alice', nested: { a: [1, null] } }),
  ];
  assert.equal(s.events.insertBatch(evs), 3);
  assert.deepEqual(s.events.query({}), evs);
  assert.equal(s.events.count({}), 3);
  assert.deepEqual(s.events.query({ from: T0 + 1000 }).map((e) => e.fields.user), ['bob', 'Alice']);
  assert.deepEqual(s.events.query({ to: T0 + 1000 }).map((e) => e.fields.user), ['alice']);
  assert.deepEqual(s.events.query({ source: 'vpn' }).map((e) => e.fields.user), ['bob']);
  assert.deepEqual(s.events.query({ logsource: { service: 'sudo' } }).map((e) => e.fields.user), ['bob']);
  assert.deepEqual(s.events.query({ where: { user: 'alice' } }).map((e) => e.id), [evs[0].id]);
  assert.deepEqual(s.events.query({ where: { EventID: '4625' } }).map((e) => e.id), [evs[0].id]);
  assert.deepEqual(s.events.query({ where: { EventID: 4625 } }).map((e) => e.id), [evs[0].id]);
  assert.deepEqual(s.events.query({ where: { ok: false } }).map((e) => e.id), [evs[0].id]);
  assert.deepEqual(s.events.query({ where: { 'dotted.name': 'x' } }).map((e) => e.id), [evs[1].id]);
  assert.deepEqual(s.events.query({ text: 'ALICE' }).map((e) => e.id), [evs[0].id, evs[2].id]);
  assert.deepEqual(s.events.query({ text: 'failed password' }).map((e) => e.id), [evs[0].id]);
  assert.deepEqual(s.events.query({ newestFirst: true, limit: 2 }).map((e) => e.id), [evs[2].id, evs[1].id]);
  assert.equal(s.events.count({ tenant: 'other' }), 0);
  assert.deepEqual([...s.events.iterate({ limit: 1 })], [evs[0]]);
});

test('a batch is stored whole or not at all', (t) => {
  const s = openStore({ dataDir: tempDir(t) });
  t.after(() => s.close());
  const a = event(T0, { n: 1 });
  s.events.insertBatch([a]);
  const batch = [event(T0, { n: 2 }), event(T0, { n: 3 }), { ...a }]; // duplicate id → constraint failure
  assert.throws(() => s.events.insertBatch(batch), (e: unknown) => e instanceof ClaimGuardError && e.code === 'STORE_WRITE' && e.location?.record === 3);
  assert.equal(s.events.count(), 1);
});

test('flat rows (the file-ingest fast path) read back as the same events, and are stored whole or not at all', (t) => {
  const s = openStore({ dataDir: tempDir(t) });
  t.after(() => s.close());
  const a = event(T0, { user: 'alice', n: 1 });
  const b: Event = { ...event(T0 + 1, { nested: { x: [1, 'two'] } }), logsource: { product: 'linux', service: 'sshd' }, raw: 'line two' };
  const flat = (e: Event) => [e.id, e.time, e.ingested, e.tenant, e.source, e.logsource.product ?? null,
    e.logsource.category ?? null, e.logsource.service ?? null, JSON.stringify(e.fields), e.raw ?? null];
  assert.equal(s.events.insertRows([...flat(a), ...flat(b)]), 2);
  assert.deepEqual(s.events.query({}), [a, b]);
  const c = event(T0 + 2, { n: 3 });
  assert.throws(() => s.events.insertRows([...flat(c), ...flat(a)]), (e: unknown) => e instanceof ClaimGuardError && e.code === 'STORE_WRITE' && e.location?.record === 2);
  assert.throws(() => s.events.insertRows(flat(c).slice(1)), (e: unknown) => e instanceof ClaimGuardError && e.code === 'STORE_WRITE');
  assert.equal(s.events.count(), 2);
});

test('an idempotency key stores a batch once and reports the replay', (t) => {
  const s = openStore({ dataDir: tempDir(t) });
  t.after(() => s.close());
  const batch = [event(T0, { n: 1 }), event(T0, { n: 2 })];
  assert.deepEqual(s.commitBatch(batch, { source: 'app', idempotencyKey: 'k1' }), { stored: 2, duplicate: false });
  const again = batch.map((e) => event(e.time, e.fields));
  assert.deepEqual(s.commitBatch(again, { source: 'app', idempotencyKey: 'k1' }), { stored: 2, duplicate: true });
  assert.deepEqual(s.commitBatch(again, { source: 'other', idempotencyKey: 'k1' }), { stored: 2, duplicate: false });
  assert.equal(s.events.count(), 4);
});

test('retention prunes events older than the horizon and old idempotency keys', (t) => {
  const s = openStore({ dataDir: tempDir(t) });
  t.after(() => s.close());
  const now = T0 + 100 * DAY;
  s.events.insertBatch([event(T0, { age: 'old' }), event(now - 31 * DAY, { age: 'just past' }), event(now - 29 * DAY, { age: 'kept' }), event(now, { age: 'new' })]);
  s.commitBatch([], { source: 'a', idempotencyKey: 'old', now: now - 8 * DAY });
  s.commitBatch([], { source: 'a', idempotencyKey: 'recent', now: now - DAY });
  assert.deepEqual(s.pruneRetention({ retentionDays: 30, now }), { events: 2, ingestBatches: 1 });
  assert.deepEqual(s.events.query({}).map((e) => e.fields.age), ['kept', 'new']);
  assert.equal(s.batches.get('a', 'old'), undefined);
  assert.ok(s.batches.get('a', 'recent'));
});

test('findings upsert by tenant, kind and subject keeps firstSeen and an unexpired acceptance', (t) => {
  const s = openStore({ dataDir: tempDir(t) });
  t.after(() => s.close());
  const f: Finding = {
    id: 'F1', tenant: 'default', kind: 'backup.stale', subject: 'db01', severity: 'high', title: 'Backup is 9 days old',
    detail: 'last snapshot 9 days ago', evidence: { days: 9 }, controls: ['164.308(a)(7)(ii)(A)'], firstSeen: T0, lastSeen: T0, status: { state: 'open' },
  };
  s.findings.upsert([f]);
  s.findings.upsert([{ ...f, id: 'F2', severity: 'critical', evidence: { days: 12 }, firstSeen: T0 + 3 * DAY, lastSeen: T0 + 3 * DAY }]);
  let rows = s.findings.query({});
  assert.equal(rows.length, 1);
  assert.equal(rows[0].id, 'F1');
  assert.equal(rows[0].firstSeen, T0);
  assert.equal(rows[0].lastSeen, T0 + 3 * DAY);
  assert.equal(rows[0].severity, 'critical');
  assert.deepEqual(rows[0].evidence, { days: 12 });
  // A person accepts it until T0+10d; a re-report before expiry keeps the acceptance, after expiry reopens.
  const accepted = { state: 'accepted' as const, reason: 'offline host', owner: 'ops', expires: T0 + 10 * DAY };
  s.findings.upsert([{ ...f, status: accepted, lastSeen: T0 + 4 * DAY }]);
  s.findings.upsert([{ ...f, lastSeen: T0 + 5 * DAY }]);
  assert.deepEqual(s.findings.query({})[0].status, accepted);
  assert.equal(s.findings.query({ open: true }).length, 0);
  s.findings.upsert([{ ...f, lastSeen: T0 + 11 * DAY }]);
  rows = s.findings.query({ open: true });
  assert.equal(rows.length, 1);
  assert.deepEqual(rows[0].status, { state: 'open' });
  s.findings.upsert([{ ...f, id: 'F3', subject: 'db02' }]);
  assert.equal(s.findings.query({ kind: 'backup.stale' }).length, 2);
});

test('alerts store whole; a status change appends to the audit log in the same transaction', (t) => {
  const s = openStore({ dataDir: tempDir(t) });
  t.after(() => s.close());
  const a: Alert = {
    id: 'A1', tenant: 'default', time: T0, eventIds: ['E1'], entities: { user: 'alice' }, status: 'new', groupKey: 'alice',
    rule: { id: 'r-1', title: 'Brute force', level: 'high', author: 'ClaimGuard', source: 'rules/linux/brute.yml', tags: ['attack.t1110'] },
    why: [{ selection: 'selection', field: 'outcome', value: 'failure' }],
  };
  assert.equal(s.alerts.insertBatch([a, a]), 1);
  assert.deepEqual(s.alerts.query({}), [a]);
  s.alerts.setStatus('A1', 'acknowledged', 'analyst@example.com');
  assert.equal(s.alerts.query({ status: 'acknowledged' }).length, 1);
  const log = s.audit.list();
  assert.equal(log.length, 1);
  assert.deepEqual([log[0].actor, log[0].action, log[0].subject, log[0].detail], ['analyst@example.com', 'alert.status', 'A1', { from: 'new', to: 'acknowledged' }]);
  assert.throws(() => s.alerts.setStatus('nope', 'closed', 'x'), (e: unknown) => e instanceof ClaimGuardError && e.code === 'HTTP_NOT_FOUND');
  assert.equal(s.audit.list().length, 1);
});

test('checkpoints persist across reopen', (t) => {
  const dir = tempDir(t);
  let s = openStore({ dataDir: dir });
  s.transaction(() => {
    s.events.insertBatch([event(T0, { n: 1 })]);
    s.checkpoints.set('tail:/var/log/auth.log', { offset: 1234, inode: '99', fingerprint: 'abc' });
  });
  s.close();
  s = openStore({ dataDir: dir });
  assert.deepEqual(s.checkpoints.get('tail:/var/log/auth.log'), { offset: 1234, inode: '99', fingerprint: 'abc' });
  assert.equal(s.checkpoints.get('missing'), undefined);
  // A failure inside a transaction rolls back the events and the checkpoint together.
  assert.throws(() => s.transaction(() => {
    s.events.insertBatch([event(T0, { n: 2 })]);
    s.checkpoints.set('tail:/var/log/auth.log', { offset: 9999 });
    throw new Error('crash before commit');
  }));
  assert.equal(s.events.count(), 1);
  assert.equal(s.checkpoints.get('tail:/var/log/auth.log')?.offset, 1234);
  s.close();
});

test('deleting a tenant removes only its events, alerts and findings and is audited', (t) => {
  const store = openStore({ dataDir: tempDir(t) });
  t.after(() => store.close());
  store.events.insertBatch([event(1000, { user: 'a' }, { tenant: 'demo' }), event(2000, { user: 'b' }, { tenant: 'demo' }), event(3000, { user: 'c' })]);
  const removed = store.deleteTenant('demo', 'tester');
  assert.deepEqual(removed, { events: 2, alerts: 0, findings: 0 });
  assert.equal(store.events.count({ tenant: 'demo' }), 0);
  assert.equal(store.events.count({ tenant: 'default' }), 1);
  const last = store.audit.list().at(-1);
  assert.equal(last?.action, 'tenant.delete');
  assert.equal(last?.subject, 'demo');
  assert.equal(store.audit.verify().ok, true);
});
