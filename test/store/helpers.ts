// Temporary data directories for store tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Event } from '../../src/core/index.ts';
import { newId } from '../../src/core/index.ts';

export function tempDir(t: { after(fn: () => void): void }, prefix = 'cg-store-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

export function event(time: number, fields: Event['fields'], extra: Partial<Event> = {}): Event {
  return {
    id: newId(), time, ingested: time, tenant: 'default', source: 'test',
    logsource: { product: 'linux', service: 'sshd' }, fields, ...extra,
  };
}
