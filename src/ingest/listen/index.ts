// Public face of ingest/listen: live inputs (syslog UDP/TCP/TLS, HTTP NDJSON, file tail) and the record
// parsers they use. Listeners take a RecordParser and a sink; pipeline/ wires them to the store.
export * from './types.ts';
export { SyslogFramer, type Frame, type FrameItem } from './framing.ts';
export { startSyslogUdp, startSyslogTcp, startSyslogTls, DEFAULT_HOST, DEFAULT_MAX_MESSAGE_BYTES, type SyslogListenerOptions, type TlsListenerOptions } from './syslog.ts';
export { startHttpIngest, authenticate, parseBody, DEFAULT_MAX_BODY_BYTES, type HttpIngestOptions, type HttpSource } from './http.ts';
export { FileTail, type FileTailOptions, type TailCheckpoint } from './tail.ts';
export { syslogRecordParser, ndjsonRecordParser, type SyslogRecordOptions, type NdjsonRecordOptions } from './records.ts';
