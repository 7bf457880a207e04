import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { authenticate, ndjsonRecordParser, startHttpIngest, type Listener } from '../../../src/ingest/listen/index.ts';
import { IngestPipeline } from '../../../src/pipeline/index.ts';
import { openStore, type SqliteStore } from '../../../src/store/index.ts';

const sha = (s: string): string => createHash('sha256').update(s).digest('hex');
const SOURCES = [{ name: 'billing-app', tokenSha256: sha('tok-billing') }, { name: 'vpn', tokenSha256: sha('tok-vpn') }];
const NOW = Date.UTC(2026, 2, 1, 9, 0, 0);

async function setup(t: { after(fn: () => unknown): void }, opts: { maxBodyBytes?: number; failCommit?: boolean } = {}): Promise<{ url: string; store: SqliteStore; l: Listener }> {
  const dir = mkdtempSync(join(tmpdir(), 'cg-http-'));
  const store = openStore({ dataDir: dir });
  const pipeline = new IngestPipeline({ store, tenant: 'acme', now: () => NOW });
  const l = await startHttpIngest({
    port: 0, sources: SOURCES, maxBodyBytes: opts.maxBodyBytes, parse: ndjsonRecordParser({ now: () => NOW }),
    commit: opts.failCommit ? () => Promise.reject(new Error('disk full')) : pipeline.commitBatch,
  });
  t.after(async () => { await l.close(); await pipeline.close(); store.close(); rmSync(dir, { recursive: true, force: true }); });
  return { url: `http://${l.address}`, store, l };
}

function post(url: string, body: string | Buffer, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/ingest`, { method: 'POST', body, headers: { authorization: 'Bearer tok-billing', 'content-type': 'application/x-ndjson', ...headers } });
}

const lines = (n: number, start = 0): string => Array.from({ length: n }, (_, i) => JSON.stringify({ time: '2026-03-01T08:00:00Z', user: `u${start + i}`, action: 'claim.view' })).join('\n') + '\n';

test('a valid batch is stored with the token\'s source and the tenant, then acknowledged', async (t) => {
  const { url, store } = await setup(t);
  const res = await post(url, lines(3) + '\n' + JSON.stringify({ time: 1767254400, logsource: { product: 'billing', service: 'audit' }, fields: { user: 'x' }, raw: 'r' }) + '\n');
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { stored: 4, duplicate: false });
  const evs = store.events.query({});
  assert.equal(evs.length, 4);
  assert.ok(evs.every((e) => e.source === 'billing-app' && e.tenant === 'acme' && e.ingested === NOW));
  const env = evs.find((e) => e.raw === 'r')!;
  assert.deepEqual([env.time, env.logsource, env.fields], [1767254400000, { product: 'billing', service: 'audit' }, { user: 'x' }]);
  assert.equal(evs.find((e) => e.fields.user === 'u0')!.time, Date.UTC(2026, 2, 1, 8));
});

test('missing or wrong tokens get 401 and store nothing', async (t) => {
  const { url, store } = await setup(t);
  assert.equal((await post(url, lines(1), { authorization: 'Bearer nope' })).status, 401);
  assert.equal((await post(url, lines(1), { authorization: '' })).status, 401);
  const res = await post(url, lines(1), { authorization: 'Basic dG9rLWJpbGxpbmc=' });
  assert.equal(res.status, 401);
  assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
  assert.equal(store.events.count(), 0);
  const vpn = await post(url, lines(1), { authorization: 'Bearer tok-vpn' });
  assert.equal(vpn.status, 200);
  assert.equal(store.events.query({})[0].source, 'vpn');
});

test('authenticate compares digests: right token → its source, anything else → none', () => {
  assert.equal(authenticate('Bearer tok-vpn', SOURCES)?.name, 'vpn');
  assert.equal(authenticate('bearer   tok-billing', SOURCES)?.name, 'billing-app');
  assert.equal(authenticate('Bearer tok-vpnx', SOURCES), undefined);
  assert.equal(authenticate(undefined, SOURCES), undefined);
  assert.equal(authenticate('Bearer ', [{ name: 'empty', tokenSha256: sha('') }]), undefined);
});

test('one bad line rejects the whole batch with 400 and its line number', async (t) => {
  const { url, store } = await setup(t);
  for (const [bad, code] of [['{"user":', 'JSON_BAD_RECORD'], ['[1,2]', 'JSON_BAD_RECORD'], ['{"time":"yesterday-ish","user":"a"}', 'INGEST_BAD_TIME']] as const) {
    const res = await post(url, lines(4) + '\n' + bad + '\n' + lines(2));
    assert.equal(res.status, 400);
    const body = await res.json() as { error: { code: string; line: number; message: string } };
    assert.equal(body.error.code, 'HTTP_VALIDATION');
    assert.equal(body.error.line, 6); // 4 good lines, one blank line, then the bad one
    assert.match(body.error.message, new RegExp(code));
  }
  assert.equal(store.events.count(), 0);
});

test('bodies over the limit get 413, by Content-Length or while streaming, and store nothing', async (t) => {
  const { url, store } = await setup(t, { maxBodyBytes: 2048 });
  assert.equal((await post(url, lines(100))).status, 413);
  // Chunked upload without Content-Length.
  const big = lines(100);
  const stream = new ReadableStream({ start(c) { for (let i = 0; i < big.length; i += 500) c.enqueue(new TextEncoder().encode(big.slice(i, i + 500))); c.close(); } });
  const res = await fetch(`${url}/ingest`, { method: 'POST', body: stream, duplex: 'half', headers: { authorization: 'Bearer tok-billing' } } as RequestInit);
  assert.equal(res.status, 413);
  assert.equal((await res.json() as { error: { code: string } }).error.code, 'HTTP_BODY_TOO_LARGE');
  assert.equal(store.events.count(), 0);
  assert.equal((await post(url, lines(5))).status, 200);
});

test('Idempotency-Key: a retried batch is acknowledged again but stored once', async (t) => {
  const { url, store } = await setup(t);
  const body = lines(10);
  const a = await post(url, body, { 'idempotency-key': 'batch-0001' });
  const b = await post(url, body, { 'idempotency-key': 'batch-0001' });
  assert.deepEqual(await a.json(), { stored: 10, duplicate: false });
  assert.deepEqual(await b.json(), { stored: 10, duplicate: true });
  assert.equal(store.events.count(), 10);
  // Concurrent retries of one key share a group commit: still once.
  const rs = await Promise.all([1, 2, 3].map(() => post(url, lines(7, 100), { 'idempotency-key': 'batch-0002' })));
  const bodies = await Promise.all(rs.map((r) => r.json() as Promise<{ duplicate: boolean }>));
  assert.equal(bodies.filter((x) => !x.duplicate).length, 1);
  assert.equal(store.events.count(), 17);
  // The same key from another source is another batch.
  assert.deepEqual(await (await post(url, body, { 'idempotency-key': 'batch-0001', authorization: 'Bearer tok-vpn' })).json(), { stored: 10, duplicate: false });
  assert.equal((await post(url, body, { 'idempotency-key': 'bad key with spaces' })).status, 400);
});

test('concurrent batches are all committed, each exactly once', async (t) => {
  const { url, store } = await setup(t);
  const rs = await Promise.all(Array.from({ length: 20 }, (_, i) => post(url, lines(50, i * 50))));
  assert.ok(rs.every((r) => r.status === 200));
  assert.equal(store.events.count(), 1000);
  assert.equal(new Set(store.events.query({}).map((e) => e.fields.user)).size, 1000);
});

test('a commit failure answers 503 with Retry-After, never 2xx', async (t) => {
  const { url } = await setup(t, { failCommit: true });
  const res = await post(url, lines(2));
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '1');
});

test('other routes and methods are refused; /healthz answers', async (t) => {
  const { url } = await setup(t);
  assert.equal((await fetch(`${url}/ingest`)).status, 405);
  assert.equal((await fetch(`${url}/other`, { method: 'POST', body: 'x' })).status, 404);
  assert.equal((await fetch(`${url}/healthz`)).status, 200);
});
