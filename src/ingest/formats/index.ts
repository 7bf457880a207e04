// The format registry: every FormatReader, in sniffing order (most specific first), and format
// detection for `--format auto`. A new format is a new row.
import { ClaimGuardError } from '../../core/index.ts';
import type { FormatReader } from './types.ts';
import { cefReader } from './cef.ts';
import { syslogReader } from './syslog.ts';
import { jsonlReader } from './jsonl.ts';
import { csvReader } from './csv.ts';

/**
 * Sniffing order matters: binary and shape-specific readers come before the generic ones. CEF
 * comes before syslog (CEF over syslog also looks like syslog); CSV is last (it accepts the most).
 */
export const FORMAT_READERS: FormatReader[] = [
  // evtx — row added by the EVTX engineer (binary "ElfFile" magic; must stay first)
  // winevent — row added by the Windows-export engineer (evtx_dump-shaped JSON / Event XML; before jsonl)
  // m365 — row added by the M365/Entra engineer (unified audit log / sign-in JSON and CSV; before jsonl and csv)
  cefReader,
  syslogReader,
  jsonlReader,
  csvReader,
];

/** Names accepted by `--format` (plus "auto"). */
export function formatNames(): string[] {
  return FORMAT_READERS.map((r) => r.name);
}

/** The reader called `name`; CLI_USAGE naming the choices when there is none. */
export function getFormat(name: string): FormatReader {
  const r = FORMAT_READERS.find((f) => f.name === name);
  if (!r) throw new ClaimGuardError('CLI_USAGE', `unknown format "${name}"; choose auto or one of ${formatNames().join(', ')}`);
  return r;
}

/** First reader whose sniff accepts the head (first ≤64 KiB) and file name; undefined when none does. */
export function detectFormat(head: Uint8Array, fileName: string): FormatReader | undefined {
  for (const r of FORMAT_READERS) {
    try {
      if (r.sniff(head, fileName)) return r;
    } catch {
      // a sniffer that trips over odd bytes simply does not claim the file
    }
  }
  return undefined;
}

export { cefReader, parseCefLine, parseCefExtension, splitCefHeader } from './cef.ts';
export { syslogReader, parseSyslogLine, type SyslogParseOptions } from './syslog.ts';
export { parseProgramMessage, isIp } from './syslog-messages.ts';
export { jsonlReader, splitJsonRecords, JsonRecordSplitter, jsonRecordToEvent, getPath, type JsonPiece } from './jsonl.ts';
export { csvReader, CsvTokenizer, parseCsvText, detectDelimiter, CSV_PRESETS, normaliseOutcome } from './csv.ts';
export { lines, lineBatches, bytesOf, DEFAULT_MAX_LINE_BYTES, type Line, type LineItem } from './lines.ts';
