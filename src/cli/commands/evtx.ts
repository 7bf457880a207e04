// `claimguard evtx dump FILE… [--format jsonl|xml]`: print the records of binary EVTX files (plain or
// gzip-compressed) in the evtx_dump JSON shape, one per line, or as XML.
// `claimguard evtx info FILE…`: header flags, chunk and record counts, and every damage warning.
import { createReadStream, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ClaimGuardError } from '../../core/index.ts';
import { newStats, readEvtx, type EvtxReadStats } from '../../ingest/formats/evtx/index.ts';
import { recordJson, recordXml } from '../../ingest/formats/evtx/index.ts';
import { choice, parseCommandArgs } from '../args.ts';
import type { CliIO, Command } from '../io.ts';

const HELP = `Usage: claimguard evtx dump FILE... [--format jsonl|xml]
       claimguard evtx info FILE...

Read Windows .evtx files (and .evtx.gz) with ClaimGuard's streaming parser.

  dump   print every record: --format jsonl (default) writes one evtx_dump-shaped JSON object per
         line ({"Event":{"#attributes":…,"System":…,"EventData":…}}); --format xml writes the XML of
         each record.
  info   print the file header (version, dirty/full flags), chunk and record counts and warnings.

A progress line is drawn on stderr when it is a terminal. Damage is reported on stderr with its file offset (a bad chunk is skipped, the rest is still read).
Exit codes: 0 every chunk and record read; 1 some chunk or record was damaged and skipped (the good
records are still printed); 2 the input is missing or is not an EVTX file.
See docs/windows.md.
`;

/** A one-line progress note on stderr, redrawn at most every 250 ms, only when stderr is a terminal. */
function progress(io: CliIO, file: string): { tick(stats: EvtxReadStats): void; done(): void } {
  let last = 0;
  let shown = false;
  return {
    tick(stats) {
      if (!io.interactive) return;
      const now = Date.now();
      if (now - last < 250) return;
      last = now;
      shown = true;
      io.stderr.write(`\r${file}: ${(stats.bytes / 1e6).toFixed(0)} MB, ${stats.records} records`);
    },
    done() {
      if (shown) io.stderr.write('\r\x1b[K');
    },
  };
}

async function writeOut(io: CliIO, s: string): Promise<void> {
  if (!io.stdout.write(s)) await new Promise<void>((r) => io.stdout.once('drain', () => r()));
}

function openFile(io: CliIO, file: string): string {
  const path = resolve(io.cwd, file);
  let st;
  try { st = statSync(path); } catch {
    throw new ClaimGuardError('INPUT_NOT_FOUND', `no such file: ${file}`, { file });
  }
  if (!st.isFile()) throw new ClaimGuardError('CLI_USAGE', `not a file: ${file}`, { file });
  return path;
}

async function dump(files: string[], format: 'jsonl' | 'xml', io: CliIO): Promise<number> {
  let damaged = false;
  let notEvtx = false;
  for (const file of files) {
    const path = openFile(io, file);
    const stats = newStats();
    const bar = progress(io, file);
    let out = '';
    for await (const it of readEvtx(createReadStream(path, { highWaterMark: 1 << 16 }), file, stats)) {
      if ((stats.records & 1023) === 0) bar.tick(stats);
      if (!it.ok) {
        if (it.error.code === 'EVTX_BAD_HEADER' && stats.bytes <= 4096 && !stats.header) notEvtx = true;
        else damaged = true;
        io.stderr.write(`claimguard evtx: ${it.error.format()}\n`);
        continue;
      }
      out += format === 'jsonl' ? JSON.stringify(recordJson(it.record.nodes)) + '\n' : recordXml(it.record.nodes) + '\n';
      if (out.length > 1 << 16) { await writeOut(io, out); out = ''; }
    }
    if (out) await writeOut(io, out);
    bar.done();
  }
  return notEvtx ? 2 : damaged ? 1 : 0;
}

function describe(file: string, s: EvtxReadStats): string {
  const h = s.header;
  return [
    `${file}:`,
    h ? `  format ${h.majorVersion}.${h.minorVersion}, header chunk count ${h.chunkCount}, ${h.dirty ? 'dirty' : 'clean'}${h.full ? ', full' : ''}` : '  no valid file header',
    `  ${s.bytes} bytes, ${s.chunks} chunks read, ${s.chunksSkipped} skipped, ${s.records} records, ${s.recordErrors} records skipped, ${s.warnings} warnings`,
  ].join('\n') + '\n';
}

async function info(files: string[], io: CliIO): Promise<number> {
  let code = 0;
  for (const file of files) {
    const path = openFile(io, file);
    const stats = newStats();
    const bar = progress(io, file);
    for await (const it of readEvtx(createReadStream(path, { highWaterMark: 1 << 16 }), file, stats)) {
      if ((stats.records & 1023) === 0) bar.tick(stats);
      if (!it.ok) io.stderr.write(`claimguard evtx: ${it.error.format()}\n`);
    }
    bar.done();
    await writeOut(io, describe(file, stats));
    if (!stats.header) code = 2;
    else if (code === 0 && (stats.chunksSkipped || stats.recordErrors || stats.warnings)) code = 1;
  }
  return code;
}

export const command: Command = {
  summary: 'read Windows .evtx files: dump records as evtx_dump JSON or XML, show header info',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { format: { type: 'string', short: 'f' } });
    const [sub, ...files] = positionals;
    if (sub !== 'dump' && sub !== 'info') throw new ClaimGuardError('CLI_USAGE', 'expected a subcommand: dump or info (see --help)');
    if (files.length === 0) throw new ClaimGuardError('CLI_USAGE', `evtx ${sub} needs at least one FILE`);
    if (sub === 'info') return info(files, io);
    return dump(files, choice('format', values.format, ['jsonl', 'xml'] as const, 'jsonl'), io);
  },
};
