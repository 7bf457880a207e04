import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ingestFiles } from '../../src/pipeline/index.ts';
import { openStore } from '../../src/store/index.ts';
import type { Event, EventRepository } from '../../src/core/index.ts';
import { sharedData } from '../helpers/data.ts';

const LINUX = sharedData('auth_logs_loghub', 'Linux_2k.log');
const SSH = sharedData('auth_logs_loghub', 'OpenSSH_2k.log');
const REF = Date.UTC(2026, 10, 27);
const comparable = (e: Event) => ({ time: e.time, tenant: e.tenant, source: e.source, logsource: e.logsource, fields: e.fields, raw: e.raw });

test('the SQLite fast path (flat rows) and the Event path store the same events, per file, across batches that span files', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-ingest-files-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openStore({ dataDir: dir });
  t.after(() => store.close());
  const opts = { paths: [LINUX, SSH, join(dir, 'missing.log')], tenant: 'acme', batchSize: 700, referenceTime: REF, keepRaw: true };
  const fast = await ingestFiles({ ...opts, store });

  const seen: Event[] = [];
  const batches: number[] = [];
  const repo = { insertBatch(events: Event[]) { batches.push(events.length); seen.push(...events); return events.length; } } as unknown as EventRepository;
  const slow = await ingestFiles({ ...opts, store: { events: repo } });

  for (const s of [fast, slow]) {
    assert.equal(s.stored, 4000);
    assert.equal(s.failedInputs, 1);
    assert.equal(s.errors[0].code, 'INPUT_NOT_FOUND');
    assert.deepEqual(s.files.filter((f) => f.stored > 0).map((f) => [f.file, f.format, f.stored, f.rejected]), [[LINUX, 'syslog', 2000, 0], [SSH, 'syslog', 2000, 0]]);
  }
  assert.deepEqual(batches, [700, 700, 700, 700, 700, 500]); // the third batch holds both files
  const stored = store.events.query({});
  assert.equal(stored.length, 4000);
  assert.equal(new Set(stored.map((e) => e.id)).size, 4000);
  const key = (e: Event) => `${e.time} ${e.raw}`;
  assert.deepEqual(stored.map(comparable).sort((a, b) => key(a as Event).localeCompare(key(b as Event))),
    seen.map(comparable).sort((a, b) => key(a as Event).localeCompare(key(b as Event))));
  assert.ok(stored.every((e) => e.tenant === 'acme' && (e.source === 'Linux_2k.log' || e.source === 'OpenSSH_2k.log') && typeof e.raw === 'string'));
});

test('a store failure mid-run stops the ingest with STORE_WRITE after the batches already committed', async () => {
  let calls = 0;
  const repo = { insertBatch(events: Event[]) { if (++calls === 3) throw new Error('disk full'); return events.length; } } as unknown as EventRepository;
  await assert.rejects(ingestFiles({ paths: [LINUX], store: { events: repo }, tenant: 't', batchSize: 500, referenceTime: REF }),
    (e: unknown) => (e as { code?: string }).code === 'STORE_WRITE' && /disk full/.test((e as Error).message));
  assert.equal(calls, 3);
});
