import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ERROR_CODES } from '../../src/core/index.ts';
import { renderErrorDocs } from '../../scripts/gen-error-docs.ts';

test('docs/errors.md lists exactly the codes of the error table', () => {
  const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const documented = [...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, Object.keys(ERROR_CODES).sort());
  assert.equal(doc, renderErrorDocs(), 'docs/errors.md is stale: run node scripts/gen-error-docs.ts');
});

test('every error code used in src/ is in the table', async () => {
  const { readdirSync, statSync } = await import('node:fs');
  const { join } = await import('node:path');
  const root = new URL('../../src/', import.meta.url).pathname;
  const used = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (p.endsWith('.ts')) {
        for (const m of readFileSync(p, 'utf8').matchAll(/new ClaimGuardError\(\s*'([A-Z0-9_]+)'/g)) used.add(m[1]);
      }
    }
  };
  walk(root);
  assert.ok(used.size > 20, `expected many codes in use, found ${used.size}`);
  for (const code of used) assert.ok(code in ERROR_CODES, `${code} is thrown but not in ERROR_CODES`);
});
