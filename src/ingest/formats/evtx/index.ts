// Public face of the binary EVTX parser: streaming reader, record renderings (evtx_dump JSON, XML).
export { readEvtx, readChunk, parseFileHeader, newStats, isEvtxHead, isGzipHead, maybeGunzip, CHUNK_SIZE, FILE_HEADER_SIZE } from './reader.ts';
export type { EvtxRecord, EvtxItem, EvtxReadStats, EvtxFileInfo } from './reader.ts';
export { recordJson, recordXml, isoSystemTime } from './render.ts';
export { BINXML_LIMITS } from './binxml.ts';
export type { XChild, XElement } from './binxml.ts';
export { crc32 } from './crc32.ts';
