import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event, ParsedEvent } from '../../src/core/index.ts';
import { IngestPipeline } from '../../src/pipeline/index.ts';
import { openStore, type SqliteStore } from '../../src/store/index.ts';

function setup(t: { after(fn: () => unknown): void }, opts: { flushIntervalMs?: number; maxBatch?: number } = {}): { store: SqliteStore; p: IngestPipeline; committed: Event[][] } {
  const dir = mkdtempSync(join(tmpdir(), 'cg-pipe-'));
  const store = openStore({ dataDir: dir });
  const committed: Event[][] = [];
  const p = new IngestPipeline({ store, tenant: 'acme', onCommitted: (e) => committed.push(e), ...opts });
  t.after(async () => { await p.close(); store.close(); rmSync(dir, { recursive: true, force: true }); });
  return { store, p, committed };
}

const ev = (n: number, time = 1_700_000_000_000 + n): ParsedEvent => ({ time, logsource: { product: 'linux' }, fields: { n } });

test('syslog buffer commits at maxBatch at once, and the rest after the flush interval', async (t) => {
  const { store, p, committed } = setup(t, { maxBatch: 10, flushIntervalMs: 30 });
  p.submit(Array.from({ length: 7 }, (_, i) => ev(i)), 'syslog-tcp');
  assert.equal(store.events.count(), 0);
  assert.equal(p.stats.buffered, 7);
  p.submit(Array.from({ length: 5 }, (_, i) => ev(7 + i)), 'syslog-tcp');
  assert.equal(store.events.count(), 12); // reached maxBatch: committed synchronously
  p.submit([ev(12)], 'syslog-tcp');
  assert.equal(store.events.count(), 12);
  await new Promise((r) => setTimeout(r, 120));
  assert.equal(store.events.count(), 13);
  assert.deepEqual(committed.map((c) => c.length), [12, 1]);
  assert.ok(store.events.query({}).every((e) => e.tenant === 'acme' && e.source === 'syslog-tcp'));
});

test('close commits what is buffered and refuses more', async (t) => {
  const { store, p } = setup(t, { flushIntervalMs: 60_000 });
  p.submit([ev(1), ev(2)], 'udp');
  await p.close();
  assert.equal(store.events.count(), 2);
  assert.throws(() => p.submit([ev(3)], 'udp'));
  await assert.rejects(p.commitBatch([ev(4)], { source: 'http' }));
});

test('acknowledged batches in one turn share a commit and each resolves after it', async (t) => {
  const { store, p, committed } = setup(t);
  const results = await Promise.all([
    p.commitBatch([ev(1), ev(2)], { source: 'a', idempotencyKey: 'k' }),
    p.commitBatch([ev(3)], { source: 'b' }),
    p.commitBatch([ev(1), ev(2)], { source: 'a', idempotencyKey: 'k' }),
  ]);
  assert.deepEqual(results, [{ stored: 2, duplicate: false }, { stored: 1, duplicate: false }, { stored: 2, duplicate: true }]);
  assert.equal(store.events.count(), 3);
  assert.equal(p.stats.commits, 1);
  assert.equal(p.stats.duplicates, 1);
  assert.deepEqual(committed.map((c) => c.length), [2, 1]);
});

test('an event with an unusable time is stored at its ingest time instead of failing the batch', async (t) => {
  const { store, p } = setup(t);
  await p.commitBatch([ev(1, Number.NaN), ev(2, 1_700_000_000_123.7)], { source: 'a' });
  const evs = store.events.query({});
  assert.equal(evs.length, 2);
  assert.equal(evs.find((e) => e.fields.n === 1)!.time, evs[0].ingested);
  assert.equal(evs.find((e) => e.fields.n === 2)!.time, 1_700_000_000_123);
});

test('when the store refuses a commit, the syslog buffer is kept and retried', async (t) => {
  const { store, p } = setup(t, { flushIntervalMs: 20, maxBatch: 1000 });
  const real = store.events.insertBatch.bind(store.events);
  let fail = true;
  store.events.insertBatch = (events) => { if (fail) throw new Error('database is locked'); return real(events); };
  p.submit([ev(1), ev(2)], 'tcp');
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(p.stats.buffered, 2);
  fail = false;
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(store.events.count(), 2);
  assert.equal(p.stats.buffered, 0);
});
