import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { captureIO } from '../helpers/cli.ts';
import { openStore } from '../../src/store/index.ts';

const io = captureIO;

function seed(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-cli-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openStore({ dataDir: dir });
  for (let i = 1; i <= 5; i++) store.audit.append({ actor: 'officer@example.com', action: 'finding.accept', subject: `F${i}`, detail: { reason: 'compensating control' }, time: Date.UTC(2026, 0, i) });
  store.close();
  return dir;
}

test('audit verify: an intact chain exits 0 and prints the head', async (t) => {
  const dir = seed(t);
  const c = io(dir);
  assert.equal(await main(['audit', 'verify', '--data-dir', dir], c), 0);
  assert.match(c.out(), /^audit log intact: 5 entries verified; head seq 5 hash [0-9a-f]{64}\n$/);
  const head = /hash ([0-9a-f]{64})/.exec(c.out())![1];
  assert.equal(await main(['audit', 'verify', '--data-dir', dir, '--expect-head', head], io(dir)), 0);
});

test('audit verify: tampering exits 1 and names each broken row', async (t) => {
  const dir = seed(t);
  const store = openStore({ dataDir: dir });
  store.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;');
  store.db.exec(`UPDATE audit_log SET actor = 'intern' WHERE seq = 2; DELETE FROM audit_log WHERE seq = 4;`);
  store.close();
  const c = io(dir);
  assert.equal(await main(['audit', 'verify', '--data-dir', dir], c), 1);
  const lines = c.out().trim().split('\n');
  assert.match(lines[0], /^seq 2: edited: /);
  assert.match(lines[1], /^seq 4: deleted: /);
  assert.match(lines[2], /BROKEN: 2 problems in 4 entries/);
  const j = io(dir);
  assert.equal(await main(['audit', 'verify', '--data-dir', dir, '--format', 'json'], j), 1);
  const r = JSON.parse(j.out()) as { ok: boolean; problems: { seq: number; kind: string }[] };
  assert.deepEqual(r.problems.map((p) => [p.seq, p.kind]), [[2, 'edited'], [4, 'deleted']]);
});

test('audit verify --expect-head catches a log rewritten from some row on', async (t) => {
  const dir = seed(t);
  const c = io(dir);
  await main(['audit', 'verify', '--data-dir', dir], c);
  const head = /hash ([0-9a-f]{64})/.exec(c.out())![1];
  // Rewrite the whole log consistently (as an attacker with the file could), recomputing every hash.
  const store = openStore({ dataDir: dir });
  store.db.exec('DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log; DELETE FROM audit_head;');
  store.audit.append({ actor: 'mallory', action: 'finding.accept', subject: 'F1', detail: {} });
  store.close();
  assert.equal(await main(['audit', 'verify', '--data-dir', dir], io(dir)), 0);
  const e = io(dir);
  assert.equal(await main(['audit', 'verify', '--data-dir', dir, '--expect-head', head], e), 1);
  assert.match(e.out(), /expected head .* is not in the log/);
});

test('audit list prints entries; usage errors exit 2', async (t) => {
  const dir = seed(t);
  const c = io(dir);
  assert.equal(await main(['audit', 'list', '--data-dir', dir, '--from', '4'], c), 0);
  assert.deepEqual(c.out().trim().split('\n').map((l) => l.split('\t')[0]), ['4', '5']);
  assert.equal(await main(['audit', 'check', '--data-dir', dir], io(dir)), 2);
  assert.equal(await main(['audit', 'verify', '--data-dir', join(dir, 'none')], io(dir)), 2);
  const h = io(dir);
  assert.equal(await main(['audit', '--help'], h), 0);
  assert.match(h.out(), /edited, inserted, deleted or reordered/);
});
