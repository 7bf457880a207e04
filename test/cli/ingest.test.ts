import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '../../src/cli/main.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { openStore } from '../../src/store/index.ts';
import { ingestFiles } from '../../src/pipeline/ingest-files.ts';
import type { Event, EventRepository } from '../../src/core/index.ts';
import { sharedData } from '../helpers/data.ts';

async function run(argv: string[], cwd: string, opts: { interactive?: boolean; env?: Record<string, string> } = {}) {
  const stdout = new PassThrough(), stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (d) => { out += d; });
  stderr.on('data', (d) => { err += d; });
  const io: CliIO = { stdout, stderr, cwd, env: opts.env ?? {}, interactive: opts.interactive ?? false };
  const code = await main(['ingest', ...argv], io);
  return { code, out, err };
}

function tmp(): string {
  return mkdtempSync(join(tmpdir(), 'cg-ingest-'));
}

test('ingest --summary json stores every line of both loghub samples, exit 0, and the store holds them', async () => {
  const dir = tmp();
  try {
    const files = [sharedData('auth_logs_loghub', 'OpenSSH_2k.log'), sharedData('auth_logs_loghub', 'Linux_2k.log')];
    const r = await run([...files, '--format', 'syslog', '--summary', 'json', '--reference-time', '2026-11-27T00:00:00Z'], dir);
    assert.equal(r.code, 0, r.err);
    const lines = r.out.trim().split('\n');
    assert.equal(lines.length, 1, 'exactly one JSON object on stdout');
    const s = JSON.parse(lines[0]);
    assert.equal(s.stored, 4000);
    assert.equal(s.rejected, 0);
    assert.deepEqual(s.errors, []);
    assert.equal(r.err, '', 'no progress when stderr is not a terminal');
    const store = openStore({ dataDir: join(dir, 'claimguard-data') });
    try {
      assert.equal(store.events.count({}), 4000);
      assert.equal(store.events.count({ source: 'OpenSSH_2k.log' }), 2000);
      const accepted = store.events.query({ where: { action: 'login', outcome: 'success' }, source: 'OpenSSH_2k.log' });
      assert.equal(accepted.length, 1);
      assert.equal(accepted[0].fields.user, 'fztu');
      assert.equal(accepted[0].tenant, 'default');
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad records: exit 2, located errors in the summary, good records stored; --source and --tenant apply', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'mixed.log'), 'May  1 10:00:00 h sshd[1]: ok one\nnot syslog at all\nMay  1 10:00:02 h sshd[1]: ok two\n');
    const r = await run(['mixed.log', 'missing.log', '--summary', 'json', '--source', 'web1-auth', '--tenant', 'acme', '--data-dir', 'store'], dir);
    assert.equal(r.code, 2);
    const s = JSON.parse(r.out);
    assert.equal(s.stored, 2);
    assert.equal(s.rejected, 1);
    assert.equal(s.failedInputs, 1);
    assert.deepEqual(s.errors.map((e: { file: string; line: number | null; code: string }) => [e.file, e.line, e.code]), [
      ['missing.log', null, 'INPUT_NOT_FOUND'],
      ['mixed.log', 2, 'SYSLOG_BAD_HEADER'],
    ]);
    assert.equal(typeof s.errors[1].reason, 'string');
    const store = openStore({ dataDir: join(dir, 'store') });
    try {
      const ev = store.events.query({});
      assert.deepEqual(ev.map((e) => [e.source, e.tenant]), [['web1-auth', 'acme'], ['web1-auth', 'acme']]);
    } finally {
      store.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the errors list is capped at 100 and says how many more there were', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'junk.log'), 'May  1 10:00:00 h x: first\n' + 'junk\n'.repeat(150));
    const r = await run(['junk.log', '--format', 'syslog', '--summary', 'json'], dir);
    assert.equal(r.code, 2);
    const s = JSON.parse(r.out);
    assert.equal(s.rejected, 150);
    assert.equal(s.errors.length, 100);
    assert.equal(s.moreErrors, 50);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('human summary on stdout, errors on stderr; --progress draws progress lines', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'a.log'), 'May  1 10:00:00 h sshd[1]: hi\nbad line\n');
    const r = await run(['a.log', '--progress'], dir);
    assert.equal(r.code, 2);
    assert.match(r.out, /^Stored 1 event from 1 file in .*; 1 record rejected\./);
    assert.match(r.out, /a\.log \[syslog\]: 1 stored, 1 rejected/);
    assert.match(r.err, /a\.log:2: not a syslog line.*\[SYSLOG_BAD_HEADER\]/);
    assert.match(r.err, /^ingest a\.log: \d+% read/m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2; --help is printed and names every format', async () => {
  const dir = tmp();
  try {
    let r = await run([], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /CLI_USAGE/);
    r = await run(['x.log', '--format', 'xml'], dir);
    assert.equal(r.code, 2);
    assert.match(r.err, /--format must be one of auto, .*syslog/);
    r = await run(['x.log', '--time-zone', 'Nowhere/Else'], dir);
    assert.equal(r.code, 2);
    r = await run(['--help'], dir);
    assert.equal(r.code, 0);
    for (const f of ['syslog', 'jsonl', 'csv', 'cef', '--summary json', 'Exit codes']) assert.ok(r.out.includes(f), f);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('configuration: claimguard.yaml supplies dataDir, tenant, time zone and CSV maps; a bad config exits 2 with its line', async () => {
  const dir = tmp();
  try {
    writeFileSync(join(dir, 'claimguard.yaml'), 'dataDir: cfgstore\ntenant: clinic-7\ntimeZone: America/Chicago\nformats:\n  csv:\n    maps:\n      pm:\n        time: When\n        user: Who\n        claim_id: Claim\n');
    writeFileSync(join(dir, 'audit.csv'), 'When,Who,Claim\n05/01/2024 08:00:00,akim,C-1\n');
    const r = await run(['audit.csv', '--csv-map', 'pm', '--summary', 'json'], dir);
    assert.equal(r.code, 0, r.err);
    const store = openStore({ dataDir: join(dir, 'cfgstore') });
    try {
      const [e] = store.events.query({});
      assert.equal(e.tenant, 'clinic-7');
      assert.equal(e.fields.claim_id, 'C-1');
      assert.equal(new Date(e.time).toISOString(), '2024-05-01T13:00:00.000Z');
    } finally {
      store.close();
    }
    writeFileSync(join(dir, 'claimguard.yaml'), 'tenant: ok\nretentionDays: -5\n');
    const bad = await run(['audit.csv'], dir);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /claimguard\.yaml:2:16: .*retentionDays.*\[CONFIG_INVALID\]/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('pipeline: batches of the configured size go to the store; a store failure is STORE_WRITE', async () => {
  const batches: number[] = [];
  const repo = {
    insertBatch(events: Event[]) { batches.push(events.length); return events.length; },
  } as unknown as EventRepository;
  const s = await ingestFiles({ paths: [sharedData('auth_logs_loghub', 'Linux_2k.log')], store: { events: repo }, tenant: 't', batchSize: 300, referenceTime: Date.UTC(2026, 10, 27) });
  assert.equal(s.stored, 2000);
  assert.deepEqual(batches, [300, 300, 300, 300, 300, 300, 200]);
  assert.deepEqual(s.files, [{ file: sharedData('auth_logs_loghub', 'Linux_2k.log'), format: 'syslog', stored: 2000, rejected: 0 }]);
  const failing = { insertBatch() { throw new Error('disk full'); } } as unknown as EventRepository;
  await assert.rejects(ingestFiles({ paths: [sharedData('auth_logs_loghub', 'Linux_2k.log')], store: { events: failing }, tenant: 't' }),
    (e: unknown) => (e as { code?: string }).code === 'STORE_WRITE');
});
