// Public face of billing/x12: tokenizer → envelope reader → typed 835/837 transactions.
export { X12Tokenizer, ISA_LENGTH, MAX_SEGMENT_LENGTH, type Delimiters, type RawSegment, type TokenizerOptions } from './tokenizer.ts';
export { X12Reader, parseX12, parseX12Stream, claimCount, SUPPORTED_GUIDES, MAX_ERRORS, MAX_WARNINGS, type ReaderOptions } from './reader.ts';
export { el, opt, comp, reps, amount, cents } from './segment.ts';
export { is835, is837 } from './types.ts';
export type * from './types.ts';
export { write835, write837, DEFAULT_DELIMITERS, type WriteDelimiters, type EnvelopeSpec, type PartySpec, type Remittance835Spec, type Claims837Spec } from './write.ts';
