// Drive the CLI in-process: a CliIO whose stdout and stderr are captured as strings.
import { Writable } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CliIO } from '../../src/cli/io.ts';

export type CapturedIO = CliIO & { out(): string; err(): string };

export function captureIO(cwd: string = process.cwd(), env: NodeJS.ProcessEnv = {}): CapturedIO {
  let out = '';
  let err = '';
  return {
    stdout: new Writable({ write(c, _e, cb) { out += String(c); cb(); } }),
    stderr: new Writable({ write(c, _e, cb) { err += String(c); cb(); } }),
    cwd, env, interactive: false, out: () => out, err: () => err,
  };
}

/** A temporary directory removed when the test ends. */
export function tempDir(t: { after(fn: () => void): void }, prefix = 'cg-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
