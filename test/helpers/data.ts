// Where the shared third-party data lives: ../shared/data beside the repository. Tests read it in
// place; it is never copied into the repo (several licences forbid bundling).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DATA = process.env.CLAIMGUARD_SHARED_DATA ?? join(REPO_ROOT, '..', 'shared', 'data');

/** Absolute path of a file under ../shared/data; throws a clear error when the data is missing. */
export function sharedData(...parts: string[]): string {
  const p = join(SHARED_DATA, ...parts);
  if (!existsSync(p)) throw new Error(`shared test data not found: ${p} (expected ../shared/data beside the repo)`);
  return p;
}
