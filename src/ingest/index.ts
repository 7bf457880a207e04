// Public face of ingest/.
export * from './formats/types.ts';
export * from './logsource.ts';
export * from './formats/index.ts';
export { readInputs, expandInputs, SNIFF_BYTES, type ReadInputsOptions, type InputResult, type InputFile } from './read.ts';
