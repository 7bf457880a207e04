// The contract between the envelope stage and a transaction-set builder (835, 837 …).
import type { ErrorCode } from '../../core/index.ts';
import type { RawSegment } from './tokenizer.ts';
import type { Transaction } from './types.ts';

/** Report a located warning: content stays clear but something is off (counts, numbering, ids). */
export type WarnFn = (code: ErrorCode, seg: RawSegment, message: string, element?: number) => void;

export interface TxBuilder {
  /** One segment between ST and SE (exclusive). Throws a located ClaimGuardError when content is ambiguous. */
  add(seg: RawSegment): void;
  /** The SE segment closes the set; returns the typed transaction or throws for a missing required part. */
  finish(se: RawSegment): Transaction;
}
