// Spawns the real `claimguard serve` process for durability tests and reads its listening ports from
// the stderr log.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/data.ts';

export const NODE = join(REPO_ROOT, 'node_modules', '.bin', 'node');
export const CLI = join(REPO_ROOT, 'bin', 'claimguard.mjs');

export interface ServerProcess {
  child: ChildProcess;
  /** kind → port, e.g. { http: 40123, tcp: 40124 } */
  ports: Record<string, number>;
  stderr(): string;
  /** Resolves with the exit code or signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function startServe(configFile: string, env: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
  const child = spawn(NODE, [CLI, 'serve', '--config', configFile], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const ports: Record<string, number> = {};
    child.stderr!.setEncoding('utf8');
    child.stderr!.on('data', (s: string) => {
      err += s;
      for (const m of s.matchAll(/listening: (\w+) [\d.]+:(\d+)/g)) ports[m[1]] = Number(m[2]);
      if (/ready\n/.test(s)) resolve({ child, ports, stderr: () => err, exited });
    });
    void exited.then((r) => reject(new Error(`serve exited early (${r.code ?? r.signal}): ${err}`)));
  });
}
