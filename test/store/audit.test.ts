import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openStore, auditHash, GENESIS_HASH, type SqliteStore } from '../../src/store/index.ts';
import { tempDir } from './helpers.ts';

const T0 = Date.UTC(2026, 0, 10, 12, 0, 0);

function seeded(t: Parameters<typeof tempDir>[0], n = 6): SqliteStore {
  const s = openStore({ dataDir: tempDir(t, 'cg-audit-') });
  t.after(() => s.close());
  for (let i = 1; i <= n; i++) s.audit.append({ actor: `user${i}`, action: 'alert.status', subject: `A${i}`, detail: { to: 'closed', i }, time: T0 + i });
  return s;
}

/** What an attacker with the sqlite3 CLI does first: remove the append-only guard triggers. */
function dropGuards(s: SqliteStore): void {
  s.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
}

function kinds(s: SqliteStore): string[] {
  return s.audit.verify().problems.map((p) => `${p.kind}@${p.seq}`);
}

test('an intact chain verifies, and every row links to the previous hash', (t) => {
  const s = seeded(t);
  const r = s.audit.verify();
  assert.deepEqual(r, { ok: true, checked: 6, problems: [] });
  const rows = s.audit.list();
  assert.equal(rows[0].prevHash, GENESIS_HASH);
  for (let i = 1; i < rows.length; i++) assert.equal(rows[i].prevHash, rows[i - 1].hash);
  assert.equal(rows[2].hash, auditHash(rows[1].hash, rows[2]));
  assert.deepEqual(s.audit.head(), { seq: 6, hash: rows[5].hash });
  assert.deepEqual(s.audit.list({ from: 5 }).map((e) => e.seq), [5, 6]);
});

test('the application connection cannot update or delete audit rows', (t) => {
  const s = seeded(t, 2);
  assert.throws(() => s.db.exec(`UPDATE audit_log SET actor = 'x' WHERE seq = 1`), /append-only/);
  assert.throws(() => s.db.exec('DELETE FROM audit_log WHERE seq = 1'), /append-only/);
});

test('an edited row is named as edited', (t) => {
  const s = seeded(t);
  dropGuards(s);
  s.db.exec(`UPDATE audit_log SET detail = '{"i":3,"to":"new"}' WHERE seq = 3`);
  assert.deepEqual(kinds(s), ['edited@3']);
  assert.equal(s.audit.verify().ok, false);
});

test('an edited row whose hash was recomputed is still caught by the next link', (t) => {
  const s = seeded(t);
  dropGuards(s);
  const row = s.audit.list({ from: 3, limit: 1 })[0];
  const forged = { ...row, actor: 'mallory' };
  s.db.prepare('UPDATE audit_log SET actor = ?, hash = ? WHERE seq = 3').run('mallory', auditHash(row.prevHash, forged));
  assert.deepEqual(kinds(s), ['edited@3']);
});

test('a deleted row is named as deleted, in the middle, at the start and at the end', (t) => {
  const s = seeded(t);
  dropGuards(s);
  s.db.exec('DELETE FROM audit_log WHERE seq = 4');
  assert.deepEqual(kinds(s), ['deleted@4']);
  s.db.exec('DELETE FROM audit_log WHERE seq = 1');
  assert.deepEqual(kinds(s), ['deleted@1', 'deleted@4']);
  s.db.exec('DELETE FROM audit_log WHERE seq = 6');
  assert.deepEqual(kinds(s), ['deleted@1', 'deleted@4', 'deleted@6']);
});

test('a row inserted directly with SQL is named as inserted', (t) => {
  const s = seeded(t);
  // At the end, even with a correctly computed hash: it lies beyond the recorded head.
  const last = s.audit.list({ from: 6 })[0];
  const fake = { seq: 7, time: T0 + 7, actor: 'mallory', action: 'alert.status', subject: 'A9', detail: {} };
  s.db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(7, fake.time, fake.actor, fake.action, fake.subject, '{}', last.hash, auditHash(last.hash, fake));
  assert.deepEqual(kinds(s), ['inserted@7']);
});

test('a row slipped into the middle (rows renumbered to make room) is named as inserted', (t) => {
  const s = seeded(t);
  dropGuards(s);
  // Make room at seq 3 by moving rows 3..6 up one (highest first to keep the primary key unique).
  for (let seq = 6; seq >= 3; seq--) s.db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(seq + 1, seq);
  s.db.prepare('INSERT INTO audit_log VALUES (3, ?, ?, ?, ?, ?, ?, ?)').run(T0, 'mallory', 'alert.status', 'A0', '{}', 'f'.repeat(64), 'e'.repeat(64));
  const problems = kinds(s);
  assert.ok(problems.includes('inserted@3'), problems.join(' '));
  assert.ok(problems.every((p) => !p.startsWith('edited')), problems.join(' '));
});

test('two swapped rows are named as reordered', (t) => {
  const s = seeded(t);
  dropGuards(s);
  s.db.exec('UPDATE audit_log SET seq = 100 WHERE seq = 3; UPDATE audit_log SET seq = 3 WHERE seq = 4; UPDATE audit_log SET seq = 4 WHERE seq = 100;');
  assert.deepEqual(kinds(s), ['reordered@3', 'reordered@4']);
});

test('random single tampering is always detected (property)', (t) => {
  const s0 = seeded(t, 8);
  const base = s0.db.prepare('SELECT * FROM audit_log ORDER BY seq').all();
  const head = s0.db.prepare('SELECT * FROM audit_head').get()!;
  fc.assert(fc.property(
    fc.constantFrom('edit-actor', 'edit-time', 'edit-detail', 'delete', 'insert-end', 'swap'),
    fc.integer({ min: 1, max: 8 }),
    fc.string({ minLength: 1, maxLength: 8 }),
    (kind, seq, text) => {
      const db = s0.db;
      db.exec('DROP TRIGGER IF EXISTS audit_log_no_update; DROP TRIGGER IF EXISTS audit_log_no_delete; DELETE FROM audit_log; DELETE FROM audit_head;');
      const ins = db.prepare('INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
      for (const r of base) ins.run(r.seq, r.time, r.actor, r.action, r.subject, r.detail, r.prev_hash, r.hash);
      db.prepare('INSERT INTO audit_head VALUES (?, ?, ?)').run(head.id, head.seq, head.hash);
      assert.equal(s0.audit.verify().ok, true);
      if (kind === 'edit-actor') db.prepare('UPDATE audit_log SET actor = actor || ? WHERE seq = ?').run(text, seq);
      if (kind === 'edit-time') db.prepare('UPDATE audit_log SET time = time + 1 WHERE seq = ?').run(seq);
      if (kind === 'edit-detail') db.prepare('UPDATE audit_log SET detail = json_set(detail, \'$.x\', ?) WHERE seq = ?').run(text, seq);
      if (kind === 'delete') db.prepare('DELETE FROM audit_log WHERE seq = ?').run(seq);
      if (kind === 'insert-end') ins.run(9, T0, text, 'a', 's', '{}', GENESIS_HASH, GENESIS_HASH);
      if (kind === 'swap') {
        const other = seq === 8 ? 1 : seq + 1;
        db.prepare('UPDATE audit_log SET seq = 100 WHERE seq = ?').run(seq);
        db.prepare('UPDATE audit_log SET seq = ? WHERE seq = ?').run(seq, other);
        db.prepare('UPDATE audit_log SET seq = ? WHERE seq = 100').run(other);
      }
      const r = s0.audit.verify();
      assert.equal(r.ok, false);
      const expected = kind.startsWith('edit') ? 'edited' : kind === 'delete' ? 'deleted' : kind === 'insert-end' ? 'inserted' : 'reordered';
      assert.ok(r.problems.some((p) => p.kind === expected), `${kind}@${seq}: ${JSON.stringify(r.problems)}`);
    },
  ), { numRuns: 60 });
});
