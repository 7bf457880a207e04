// Shared by the benches: the shared data folder and the files under a folder, in a stable order.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** ../shared/data beside the repository. */
export const DATA = join(import.meta.dirname, '..', '..', 'shared', 'data');

/** Every file under dir whose name passes `pick`, depth first, names sorted. */
export function filesUnder(dir: string, pick: (name: string) => boolean, out: string[] = []): string[] {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = join(dir, e.name);
    if (e.isDirectory()) filesUnder(p, pick, out);
    else if (pick(e.name)) out.push(p);
  }
  return out;
}
