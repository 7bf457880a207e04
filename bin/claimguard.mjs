#!/usr/bin/env node
// Entry point. The sources are TypeScript run by Node's type stripping (Node >= 23.6). When an older
// system Node starts us, re-run under the Node 24 that the `node` devDependency installs.
import { spawnSync } from 'node:child_process';
import module from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const main = join(here, '..', 'src', 'cli', 'main.ts');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major > 23 || (major === 23 && minor >= 6)) {
  // Cache compiled code between runs (about a third of start-up CPU). Node's default directory
  // (<os temp dir>/node-compile-cache, or $NODE_COMPILE_CACHE); NODE_DISABLE_COMPILE_CACHE=1 turns it off.
  // Best effort: an unwritable cache directory only costs speed, never the run.
  try { module.enableCompileCache?.(); } catch { /* no cache */ }
  const { main: run } = await import(main);
  process.exitCode = await run(process.argv.slice(2));
} else {
  const pinned = join(here, '..', 'node_modules', 'node', 'bin', 'node');
  if (!existsSync(pinned)) {
    process.stderr.write(`claimguard needs Node.js 24 (found ${process.version}); run \`npm install\` first.\n`);
    process.exit(2);
  }
  const r = spawnSync(pinned, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
  process.exit(r.status ?? 1);
}
