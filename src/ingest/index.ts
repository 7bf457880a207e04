// Public face of ingest/.
export * from './formats/types.ts';
export * from './logsource.ts';
export * from './formats/index.ts';
export { readInputs, readInputBatches, expandInputs, SNIFF_BYTES, type ReadInputsOptions, type InputResult, type InputBatch, type InputFile } from './read.ts';
export * from './listen/index.ts';
