// Public face of ingest/.
export * from './formats/types.ts';
export * from './logsource.ts';
