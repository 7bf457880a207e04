import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileTail, syslogRecordParser, type FileTailOptions } from '../../../src/ingest/listen/index.ts';
import { IngestPipeline } from '../../../src/pipeline/index.ts';
import { openStore, type SqliteStore } from '../../../src/store/index.ts';
import { sharedData } from '../../helpers/data.ts';

const LINUX = readFileSync(sharedData('auth_logs_loghub', 'Linux_2k.log'), 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
const NOW = Date.UTC(2026, 5, 20);

interface Rig { dir: string; path: string; store: SqliteStore; tail(extra?: Partial<FileTailOptions>): FileTail; raws(): string[] }

function rig(t: { after(fn: () => unknown): void }): Rig {
  const dir = mkdtempSync(join(tmpdir(), 'cg-tail-'));
  const store = openStore({ dataDir: join(dir, 'data') });
  const pipeline = new IngestPipeline({ store, tenant: 'default' });
  const path = join(dir, 'auth.log');
  const tails: FileTail[] = [];
  t.after(async () => { for (const x of tails) await x.close(); store.close(); rmSync(dir, { recursive: true, force: true }); });
  return {
    dir, path, store,
    tail(extra = {}) {
      const x = new FileTail({
        path, source: 'auth.log', parse: syslogRecordParser({ now: () => NOW }),
        commit: (events, cp, key) => pipeline.commitWithCheckpoint(events, cp, key, 'auth.log'),
        loadCheckpoint: (key) => store.checkpoints.get(key), ...extra,
      });
      tails.push(x);
      return x;
    },
    raws: () => store.events.query({}).sort((a, b) => (a.id < b.id ? -1 : 1)).map((e) => e.raw!),
  };
}

test('reads what is there, then what is appended; a half-written line waits for its LF', async (t) => {
  const r = rig(t);
  writeFileSync(r.path, LINUX.slice(0, 100).join('\n') + '\n');
  const tail = r.tail();
  await tail.poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 100));
  appendFileSync(r.path, LINUX.slice(100, 150).join('\n') + '\n' + LINUX[150].slice(0, 20));
  await tail.poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 150));
  appendFileSync(r.path, LINUX[150].slice(20) + '\n');
  await tail.poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 151));
  const cp = r.store.checkpoints.get(`tail:${r.path}`)!;
  assert.equal(cp.offset, Buffer.byteLength(LINUX.slice(0, 151).join('\n') + '\n'));
});

test('restart resumes at the checkpoint: no gap, no duplicate', async (t) => {
  const r = rig(t);
  writeFileSync(r.path, LINUX.slice(0, 500).join('\n') + '\n');
  const a = r.tail();
  await a.poll();
  await a.close();
  appendFileSync(r.path, LINUX.slice(500, 800).join('\n') + '\n');
  const b = r.tail();
  await b.poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 800));
});

test('a crash between reading and committing loses nothing: events and checkpoint commit together', async (t) => {
  const r = rig(t);
  writeFileSync(r.path, LINUX.slice(0, 300).join('\n') + '\n');
  await r.tail().poll();
  appendFileSync(r.path, LINUX.slice(300, 600).join('\n') + '\n');
  // This process "dies" inside the commit of the next chunk: nothing of it is stored.
  const crashing = r.tail({ commit: () => { throw new Error('killed'); } });
  await assert.rejects(crashing.poll(), /killed/);
  assert.equal(r.store.events.count(), 300);
  await r.tail().poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 600));
});

test('rotation by rename: the old file is finished, the new one read from its start', async (t) => {
  const r = rig(t);
  writeFileSync(r.path, LINUX.slice(0, 100).join('\n') + '\n');
  const tail = r.tail();
  await tail.poll();
  renameSync(r.path, r.path + '.1');
  appendFileSync(r.path + '.1', LINUX.slice(100, 120).join('\n') + '\n' + LINUX[120]); // last line without LF
  writeFileSync(r.path, LINUX.slice(121, 200).join('\n') + '\n');
  await tail.poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 200));
});

test('rotation while stopped: the rotated file is found by inode and finished first', async (t) => {
  const r = rig(t);
  writeFileSync(r.path, LINUX.slice(0, 100).join('\n') + '\n');
  const a = r.tail();
  await a.poll();
  await a.close();
  appendFileSync(r.path, LINUX.slice(100, 150).join('\n') + '\n');
  renameSync(r.path, r.path + '.1');
  writeFileSync(r.path, LINUX.slice(150, 180).join('\n') + '\n');
  await r.tail().poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 180));
});

test('truncation (copytruncate) restarts the file at offset 0', async (t) => {
  const r = rig(t);
  writeFileSync(r.path, LINUX.slice(0, 50).join('\n') + '\n');
  const tail = r.tail();
  await tail.poll();
  truncateSync(r.path, 0);
  appendFileSync(r.path, LINUX.slice(50, 60).join('\n') + '\n');
  await tail.poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 60));
  // Rewritten in place with different first bytes, longer than the old offset.
  writeFileSync(r.path, LINUX.slice(1000, 1100).join('\n') + '\n');
  await tail.poll();
  assert.deepEqual(r.raws(), [...LINUX.slice(0, 60), ...LINUX.slice(1000, 1100)]);
});

test('a missing file is waited for; over-long lines are reported and skipped', async (t) => {
  const r = rig(t);
  const errors: string[] = [];
  const tail = r.tail({ maxLineBytes: 300, onError: (e) => errors.push(`${e.code}@${e.location?.offset}`) });
  await tail.poll();
  assert.equal(r.store.events.count(), 0);
  const long = '<13>Jun 14 15:16:01 combo app: ' + 'z'.repeat(2000);
  writeFileSync(r.path, `${LINUX[0]}\n${long}\n${LINUX[1]}\n`);
  await tail.poll();
  assert.deepEqual(r.raws(), LINUX.slice(0, 2));
  assert.deepEqual(errors, [`INGEST_LINE_TOO_LONG@${Buffer.byteLength(LINUX[0]) + 1}`]);
});
