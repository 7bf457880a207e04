import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { detectFormat, readInputs, type InputResult } from '../../src/ingest/index.ts';
import { sharedData } from '../helpers/data.ts';

const REF = Date.UTC(2026, 10, 27);

async function all(paths: string[], opts: Parameters<typeof readInputs>[1] = {}): Promise<InputResult[]> {
  const out: InputResult[] = [];
  for await (const r of readInputs(paths, { referenceTime: REF, ...opts })) out.push(r);
  return out;
}

function tree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cg-read-'));
  mkdirSync(join(dir, 'b-sub'));
  writeFileSync(join(dir, 'a.log'), 'May  1 10:00:00 h sshd[1]: Accepted password for x from 192.0.2.1 port 22 ssh2\n');
  writeFileSync(join(dir, 'b-sub', 'events.jsonl.gz'), gzipSync('{"time":"2024-05-01T00:00:00Z","user":"u1"}\n{"time":"2024-05-01T00:00:01Z","user":"u2"}\n'));
  writeFileSync(join(dir, 'c.csv'), 'Timestamp,User,Action\n2024-05-01T00:00:00Z,alice,view\n');
  writeFileSync(join(dir, 'd.cef'), 'CEF:0|V|P|1|s|n|1|rt=1700000000000 src=192.0.2.3\n');
  writeFileSync(join(dir, 'e.bin'), Buffer.from([0, 1, 2, 3, 255, 254]));
  writeFileSync(join(dir, '.hidden.log'), 'May  1 10:00:00 h x: y\n');
  return dir;
}

test('directories are read recursively in sorted order, dot-files skipped, gzip by magic, format per file', async () => {
  const dir = tree();
  try {
    const results = await all([dir]);
    const files = [...new Set(results.map((r) => r.file.slice(dir.length + 1)))];
    assert.deepEqual(files, ['a.log', join('b-sub', 'events.jsonl.gz'), 'c.csv', 'd.cef', 'e.bin']);
    const fmt = Object.fromEntries(results.map((r) => [r.file.slice(dir.length + 1), r.format]));
    assert.deepEqual(fmt, { 'a.log': 'syslog', [join('b-sub', 'events.jsonl.gz')]: 'jsonl', 'c.csv': 'csv', 'd.cef': 'cef', 'e.bin': '' });
    const users = results.flatMap((r) => (r.result.ok ? [r.result.event.fields.user] : []));
    assert.deepEqual(users, ['x', 'u1', 'u2', 'alice', undefined]);
    const bad = results.filter((r) => !r.result.ok);
    assert.equal(bad.length, 1);
    assert.ok(!bad[0].result.ok && bad[0].result.error.code === 'INGEST_FORMAT_UNKNOWN');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a missing path is one INPUT_NOT_FOUND error and the other inputs still flow', async () => {
  const dir = tree();
  try {
    const results = await all(['no/such/file.log', 'a.log'], { cwd: dir });
    assert.equal(results.length, 2);
    assert.ok(!results[0].result.ok && results[0].result.error.code === 'INPUT_NOT_FOUND' && results[0].result.error.location?.file === 'no/such/file.log');
    assert.ok(results[1].result.ok);
    assert.equal(results[1].file, 'a.log');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a forced format applies to every file; corrupt gzip is an INPUT_READ error', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-read-'));
  try {
    writeFileSync(join(dir, 'x.txt'), 'CEF:0|V|P|1|s|n|1|rt=1700000000000\n');
    const gz = gzipSync('May  1 10:00:00 h x: y\n'.repeat(2000));
    writeFileSync(join(dir, 'bad.gz'), gz.subarray(0, gz.length - 6)); // trailer cut off
    const forced = await all([join(dir, 'x.txt')], { format: 'syslog' });
    assert.equal(forced[0].format, 'syslog');
    assert.ok(!forced[0].result.ok);
    const corrupt = await all([join(dir, 'bad.gz')]);
    const errors = corrupt.filter((r) => !r.result.ok);
    assert.equal(errors.length, 1);
    assert.ok(!errors[0].result.ok && errors[0].result.error.code === 'INPUT_READ');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('detectFormat recognises the loghub files as syslog', () => {
  for (const f of ['OpenSSH_2k.log', 'Linux_2k.log']) {
    const head = readFileSync(sharedData('auth_logs_loghub', f)).subarray(0, 65536);
    assert.equal(detectFormat(head, f)?.name, 'syslog', f);
  }
  assert.equal(detectFormat(readFileSync(sharedData('auth_logs_loghub', 'OpenSSH_2k.log_structured.csv')).subarray(0, 65536), 'x.csv')?.name, 'csv');
});
