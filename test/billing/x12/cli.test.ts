// `claimguard x12 parse`: exit codes, the one-line summary and located errors on stderr.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { write835 } from '../../../src/billing/index.ts';
import { main } from '../../../src/cli/main.ts';
import { sharedData } from '../../helpers/data.ts';
import { remit } from '../fixtures/specs.ts';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (d: Buffer) => { out += d.toString(); });
  stderr.on('data', (d: Buffer) => { err += d.toString(); });
  const code = await main(args, { stdout, stderr, cwd: process.cwd(), env: {}, interactive: false });
  return { code, out, err };
}

test('summary of a valid 835: one JSON line with version, transactions, claims, segments', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-x12-'));
  const f = join(dir, 'r.835');
  writeFileSync(f, write835(remit()));
  const { code, out, err } = await cli(['x12', 'parse', f, '--format', 'summary']);
  assert.equal(code, 0);
  assert.equal(err, '');
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 1);
  const s = JSON.parse(lines[0]);
  assert.equal(s.version, '005010X221A1');
  assert.equal(s.transactions, 1);
  assert.equal(s.claims, 2);
  assert.equal(s.segments, 25);
  assert.deepEqual(s.warnings, []);
});

test('an invalid file exits 2 with the located error on stderr', async () => {
  const f = sharedData('x12_835_837', 'ims/837_5010/x12_bad_valid_code.txt');
  const { code, out, err } = await cli(['x12', 'parse', f]);
  assert.equal(code, 2);
  assert.match(err, /x12_bad_valid_code\.txt:9 \(record 9, NM101 in loop 2000A\).*invalid entity identifier code "117".*\[X12_BAD_SEGMENT\]/);
  const s = JSON.parse(out.trim().split('\n').pop() ?? '');
  assert.equal(s.valid, false);
  assert.equal(s.errors[0].code, 'X12_BAD_SEGMENT');
});

test('--format json prints typed transactions; a 4010 file exits 2 as unsupported', async () => {
  const ok = await cli(['x12', 'parse', sharedData('x12_835_837', 'lfh/835_005010X221A1/managed-care.835'), '--format', 'json']);
  assert.equal(ok.code, 0);
  const doc = JSON.parse(ok.out);
  assert.equal(doc.transactions[0].payment.amount, 945);
  const old = await cli(['x12', 'parse', sharedData('x12_835_837', 'lfh/837_004010X098A1/patient-is-subscriber.837')]);
  assert.equal(old.code, 2);
  assert.match(old.err, /not supported.*X12_UNSUPPORTED_VERSION/);
});

test('usage errors exit 2', async () => {
  assert.equal((await cli(['x12'])).code, 2);
  assert.equal((await cli(['x12', 'parse'])).code, 2);
  assert.equal((await cli(['x12', 'parse', '/nonexistent/file.835'])).code, 2);
  assert.equal((await cli(['x12', 'parse', 'x', '--format', 'xml'])).code, 2);
  const help = await cli(['x12', '--help']);
  assert.equal(help.code, 0);
  assert.match(help.out, /claimguard x12 parse FILE/);
});

test('x12 watch keeps state across runs, prints alerts as JSON lines; x12 approve silences one change', async () => {
  const { readFileSync } = await import('node:fs');
  const dir = mkdtempSync(join(tmpdir(), 'cg-x12w-'));
  const state = join(dir, 'state.json');
  const before = join(dir, 'a.835');
  const after = join(dir, 'b.835');
  const other = join(dir, 'c.835');
  writeFileSync(before, write835(remit()));
  writeFileSync(after, write835(remit({ control: 2 }, { trace: 'EFT0002', routing: '021000021', account: '5550001234' })));
  writeFileSync(other, write835(remit({ control: 3 }, { trace: 'EFT0003', routing: '021000021', account: '7770009999' })));
  const first = await cli(['x12', 'watch', '--state', state, before]);
  assert.equal(first.code, 0);
  assert.equal(first.out, '');
  const ok = await cli(['x12', 'approve', '--state', state, '--payee', '1093817465', '--routing', '021000021', '--account', '5550001234', '--by', 'jdoe', '--reference', 'CHG-1', '--at', '2026-03-05T10:00:00Z']);
  assert.equal(ok.code, 0);
  assert.equal(readFileSync(state, 'utf8').includes('5550001234'), false);
  const approved = await cli(['x12', 'watch', '--state', state, after]);
  assert.equal(approved.code, 0, approved.out);
  const rogue = await cli(['x12', 'watch', '--state', state, other]);
  assert.equal(rogue.code, 1);
  const alerts = rogue.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(alerts.map((a) => a.rule.id), ['claimguard.billing.remit.new_account']);
  assert.equal(rogue.out.includes('7770009999'), false);
  assert.equal((await cli(['x12', 'watch', before])).code, 2, '--state is required');
});
