// The `claimguard demo` command line: --generate, option checks, refusal to overwrite a foreign directory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.ts';
import { captureIO, type CapturedIO } from '../helpers/cli.ts';

function io(cwd: string): { io: CapturedIO; out: () => string; err: () => string } {
  const c = captureIO(cwd);
  return { io: c, out: c.out, err: c.err };
}

test('demo --generate writes the company, the ground truth and every source, and can regenerate in place', async () => {
  const work = mkdtempSync(join(tmpdir(), 'claimguard-demo-cli-'));
  try {
    const r = io(work);
    assert.equal(await main(['demo', '--generate', 'out', '--days', '7', '--seed', '42'], r.io), 0, r.err());
    assert.match(r.out(), /wrote \d+ files/);
    for (const f of ['attacks.json', 'company.json', 'pm/roster.csv', 'pm/audit-trail.csv', 'windows/security.jsonl', 'windows/sysmon.jsonl', 'linux/sftp01-auth.log', 'm365/unified-audit-log.jsonl', 'm365/entra-signins.jsonl', 'network/fortigate.cef', 'reference/networks.csv']) {
      assert.ok(existsSync(join(work, 'out', f)), f);
    }
    const truth = JSON.parse(readFileSync(join(work, 'out', 'attacks.json'), 'utf8'));
    assert.equal(truth.seed, 42);
    assert.equal(truth.attacks.length, 5);
    const before = readFileSync(join(work, 'out', 'pm/audit-trail.csv'), 'utf8');
    assert.equal(await main(['demo', '--generate', 'out', '--days', '7', '--seed', '42'], io(work).io), 0);
    assert.equal(readFileSync(join(work, 'out', 'pm/audit-trail.csv'), 'utf8'), before);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('demo refuses bad options and foreign directories with exit 2', async () => {
  const work = mkdtempSync(join(tmpdir(), 'claimguard-demo-cli-'));
  try {
    for (const args of [['--days', '3'], ['--days', 'x'], ['--seed', '-1'], ['--end', '2026-13-01'], ['--format', 'xml'], ['stray']]) {
      const r = io(work);
      assert.equal(await main(['demo', '--generate', 'g', ...args], r.io), 2, args.join(' '));
      assert.match(r.err(), /CLI_USAGE/);
    }
    writeFileSync(join(work, 'notes.txt'), 'mine');
    const r = io(work);
    assert.equal(await main(['demo', '--generate', '.'], r.io), 2);
    assert.match(r.err(), /not a demo directory/);
    assert.equal(readFileSync(join(work, 'notes.txt'), 'utf8'), 'mine');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

test('demo --help describes the five attacks and the options', async () => {
  const r = io(tmpdir());
  assert.equal(await main(['demo', '--help'], r.io), 0);
  for (const s of ['--generate DIR', '--seed', '--days', '--data-dir', 'password spraying', 'terminated employee']) assert.ok(r.out().includes(s), s);
});
