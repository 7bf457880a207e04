// Shared by the format tests: run a reader over a fixture or a string and collect its results.
import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bytesOf } from '../../../src/ingest/formats/lines.ts';
import type { FormatReader, ParseResult, ReadOptions } from '../../../src/ingest/formats/types.ts';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export const REF = Date.UTC(2026, 10, 27);

export async function collect(reader: FormatReader, input: string | Uint8Array | { fixture: string }, opts: Partial<ReadOptions> = {}, chunkSize = 64 * 1024): Promise<ParseResult[]> {
  const isFixture = typeof input === 'object' && !(input instanceof Uint8Array);
  const source = isFixture ? createReadStream(join(FIXTURES, input.fixture), { highWaterMark: chunkSize }) : bytesOf(input, chunkSize);
  const out: ParseResult[] = [];
  for await (const r of reader.read(source, { file: isFixture ? input.fixture : 'input', referenceTime: REF, ...opts })) out.push(r);
  return out;
}

export function oks(results: ParseResult[]) {
  return results.flatMap((r) => (r.ok ? [r.event] : []));
}

export function errs(results: ParseResult[]) {
  return results.flatMap((r) => (r.ok ? [] : [r.error]));
}
