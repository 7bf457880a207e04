// The acknowledged-data guarantee, end to end: the real `claimguard serve` process receives 50,000
// events in HTTP batches from concurrent clients while it is SIGKILLed and restarted several times.
// Afterwards every batch that got a 2xx is stored exactly once, and every batch that did not is stored
// whole or not at all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { DB_FILE } from '../../src/store/index.ts';
import { startServe, type ServerProcess } from './server.ts';

const BATCHES = 100;
const PER_BATCH = 500; // 100 × 500 = 50,000 events
const CLIENTS = 4;
const KILLS_AT = [0.15, 0.35, 0.55, 0.75]; // SIGKILL when this share of batches has been acknowledged
const TOKEN = 'durability-test-token';

function body(batch: number): string {
  let s = '';
  for (let j = 0; j < PER_BATCH; j++) s += `{"time":${1767225600000 + batch * 1000 + j},"b":${batch},"m":"${batch}-${j}","user":"u${j % 50}","action":"claim.view"}\n`;
  return s;
}

test('SIGKILL during HTTP ingest: acknowledged batches stored exactly once, others whole or not at all', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-durable-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cfg = join(dir, 'claimguard.yaml');
  writeFileSync(cfg, [
    `dataDir: ${JSON.stringify(join(dir, 'data'))}`,
    'listeners:',
    '  http:',
    '    port: 0',
    '    sources:',
    `      - { name: loadgen, tokenSha256: ${createHash('sha256').update(TOKEN).digest('hex')} }`,
  ].join('\n') + '\n');

  let server: ServerProcess = await startServe(cfg);
  let url = `http://127.0.0.1:${server.ports.http}/ingest`;
  let restarting: Promise<void> | undefined;
  let kills = 0;
  const acked = new Set<number>();
  const unacked = new Set<number>(); // batches without a key that failed and were not retried
  const withKey = (b: number): boolean => b % 2 === 0;

  const killAndRestart = (): Promise<void> => {
    restarting ??= (async () => {
      kills++;
      server.child.kill('SIGKILL');
      const r = await server.exited;
      assert.equal(r.signal, 'SIGKILL');
      server = await startServe(cfg);
      url = `http://127.0.0.1:${server.ports.http}/ingest`;
      restarting = undefined;
    })();
    return restarting;
  };

  let next = 0;
  const client = async (): Promise<void> => {
    for (;;) {
      const b = next++;
      if (b >= BATCHES) return;
      const payload = body(b);
      for (let attempt = 0; ; attempt++) {
        if (restarting) await restarting;
        let status = 0;
        try {
          const res = await fetch(url, {
            method: 'POST', body: payload, signal: AbortSignal.timeout(10_000),
            headers: { authorization: `Bearer ${TOKEN}`, ...(withKey(b) ? { 'idempotency-key': `batch-${b}` } : {}) },
          });
          status = res.status;
          await res.arrayBuffer();
        } catch {
          status = 0; // connection refused / reset: the server is down
        }
        if (status === 200) {
          acked.add(b);
          const share = acked.size / BATCHES;
          if (kills < KILLS_AT.length && share >= KILLS_AT[kills]) {
            // Kill after a short random delay, so other clients' batches are mid-flight.
            await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 15)));
            if (kills < KILLS_AT.length && acked.size / BATCHES >= KILLS_AT[kills]) await killAndRestart();
          }
          break;
        }
        assert.ok(status === 0 || status === 503, `unexpected HTTP status ${status}`);
        if (!withKey(b)) { unacked.add(b); break; } // without a key a retry could duplicate: give up on it
        if (attempt > 50) throw new Error(`batch ${b} never acknowledged`);
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, client));
  server.child.kill('SIGTERM');
  assert.equal((await server.exited).code, 0);

  assert.ok(kills >= 3, `the server was killed ${kills} times`);
  assert.equal(acked.size + unacked.size, BATCHES);
  for (let b = 0; b < BATCHES; b += 2) assert.ok(acked.has(b), `keyed batch ${b} acknowledged`);

  const db = new DatabaseSync(join(dir, 'data', DB_FILE), { readOnly: true });
  t.after(() => db.close());
  const rows = db.prepare(`SELECT json_extract(fields, '$.b') AS b, count(*) AS n, count(DISTINCT json_extract(fields, '$.m')) AS d
    FROM events GROUP BY b`).all() as { b: number; n: number; d: number }[];
  const stored = new Map(rows.map((r) => [r.b, r]));
  let total = 0;
  for (let b = 0; b < BATCHES; b++) {
    const r = stored.get(b);
    if (acked.has(b)) {
      assert.ok(r, `acknowledged batch ${b} is stored`);
      assert.equal(r.n, PER_BATCH, `acknowledged batch ${b} stored exactly once (n=${r.n})`);
      assert.equal(r.d, PER_BATCH);
    } else if (r) {
      assert.equal(r.n, PER_BATCH, `unacknowledged batch ${b} stored whole (n=${r.n})`);
      assert.equal(r.d, PER_BATCH);
    }
    total += r?.n ?? 0;
  }
  assert.ok(total >= 50_000 - unacked.size * PER_BATCH);
  t.diagnostic(`${kills} SIGKILLs; ${acked.size} batches acknowledged, ${unacked.size} lost in flight without a key; ${total} events stored`);
});
