// `claimguard evtx dump|info` through the real dispatcher with captured streams.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { sharedData } from '../helpers/data.ts';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough(), stderr = new PassThrough();
  let out = '', err = '';
  stdout.on('data', (d) => { out += d; });
  stderr.on('data', (d) => { err += d; });
  const code = await main(args, { stdout, stderr, cwd: process.cwd(), env: {}, interactive: false });
  return { code, out, err };
}

const DIR = sharedData('evtx_attack_samples', 'Command and Control');

test('dump --format jsonl prints one evtx_dump object per record, equal to the reference', async () => {
  const r = await run(['evtx', 'dump', join(DIR, 'DE_RDP_Tunnel_5156.evtx'), '--format', 'jsonl']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.err, '');
  const lines = r.out.trim().split('\n');
  const ref = readFileSync(join(DIR, 'DE_RDP_Tunnel_5156.jsonl'), 'utf8').trim().split('\n');
  assert.equal(lines.length, ref.length);
  assert.deepEqual(JSON.parse(lines[0]), JSON.parse(ref[0]));
  assert.deepEqual(JSON.parse(lines.at(-1)!), JSON.parse(ref.at(-1)!));
});

test('dump reads .evtx.gz and prints XML', async () => {
  const r = await run(['evtx', 'dump', join(DIR, 'bits_openvpn.evtx.gz'), '--format', 'xml']);
  assert.equal(r.code, 0, r.err);
  assert.equal(r.out.match(/<Event xmlns="http:\/\/schemas.microsoft.com\/win\/2004\/08\/events\/event">/g)?.length, 1537);
  assert.match(r.out, /<Channel>Microsoft-Windows-Bits-Client\/Operational<\/Channel>/);
});

test('exit 1 with located warnings when a chunk is damaged; exit 2 on non-EVTX input', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cg-evtx-'));
  try {
    const b = Uint8Array.from(readFileSync(join(DIR, 'DE_RDP_Tunnel_5156.evtx')));
    b[4096 + 30000] ^= 0xff;
    writeFileSync(join(dir, 'damaged.evtx'), b);
    const r = await run(['evtx', 'dump', join(dir, 'damaged.evtx')]);
    assert.equal(r.code, 1);
    assert.match(r.err, /offset \d+/);
    assert.match(r.err, /EVTX_BAD_CHUNK/);
    assert.ok(r.out.trim().split('\n').length >= 99, 'the other records are still printed');
    writeFileSync(join(dir, 'notes.evtx'), 'hello, not an event log\n');
    const n = await run(['evtx', 'dump', join(dir, 'notes.evtx')]);
    assert.equal(n.code, 2);
    assert.match(n.err, /EVTX_BAD_HEADER/);
    assert.equal((await run(['evtx', 'dump', join(dir, 'missing.evtx')])).code, 2);
    const info = await run(['evtx', 'info', join(DIR, 'DE_RDP_Tunnel_5156.evtx')]);
    assert.equal(info.code, 0);
    assert.match(info.out, /101 records/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('usage errors exit 2 and --help describes the exit codes', async () => {
  assert.equal((await run(['evtx'])).code, 2);
  assert.equal((await run(['evtx', 'dump', 'x.evtx', '--format', 'csv'])).code, 2);
  const h = await run(['evtx', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.out, /Exit codes: 0 .*\n?.*1 .*2/s);
});
