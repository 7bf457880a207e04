// The format registry: every FormatReader, in sniffing order (most specific first), and format
// detection for `--format auto`. A new format is a new row.
import { ClaimGuardError } from '../../core/index.ts';
import type { FormatReader } from './types.ts';
import { cefReader } from './cef.ts';
import { syslogReader } from './syslog.ts';
import { jsonlReader } from './jsonl.ts';
import { csvReader } from './csv.ts';
import { evtxReader, winEventReader } from './winevent.ts';
import { m365Reader } from './m365.ts';

/**
 * Sniffing order matters: binary and shape-specific readers come before the generic ones. CEF
 * comes before syslog (CEF over syslog also looks like syslog); CSV is last (it accepts the most).
 */
export const FORMAT_READERS: FormatReader[] = [
  evtxReader, // binary "ElfFile" magic or .evtx.gz; must stay first
  winEventReader, // Event XML, evtx_dump JSON, Winlogbeat, NXLog; before jsonl
  m365Reader, // M365 unified audit log, Entra sign-in/audit, Azure activity JSON; before jsonl
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
export { m365Reader, normaliseM365Record, classifyM365Record } from './m365.ts';
export { evtxReader, winEventReader, flattenEvtxJson, eventFromEvtxJson, eventFromWindowsJson, eventXmlToJson, windowsJsonShape } from './winevent.ts';
