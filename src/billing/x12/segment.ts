// Element access over a RawSegment: trimmed values, composites, repetitions, numbers, locations.
import { ClaimGuardError, type ErrorCode, type Location } from '../../core/index.ts';
import type { RawSegment } from './tokenizer.ts';

/** "NM102": segment id + two-digit element position. */
export function elName(seg: RawSegment, n: number): string {
  return `${seg.id}${String(n).padStart(2, '0')}`;
}

/** Element n, trimmed ('' when absent). */
export function el(seg: RawSegment, n: number): string {
  const v = seg.elements[n];
  return v === undefined ? '' : v.trim();
}

/** Element n or undefined when absent or blank. */
export function opt(seg: RawSegment, n: number): string | undefined {
  const v = el(seg, n);
  return v === '' ? undefined : v;
}

/** Components of composite element n (trimmed). */
export function comp(seg: RawSegment, n: number): string[] {
  const v = el(seg, n);
  if (!v) return [];
  return v.split(seg.delimiters.component).map((s) => s.trim());
}

/** Repetitions of element n (5010 repetition separator), each trimmed. */
export function reps(seg: RawSegment, n: number): string[] {
  const v = el(seg, n);
  if (!v) return [];
  const r = seg.delimiters.repetition;
  return (r ? v.split(r) : [v]).map((s) => s.trim());
}

export function locate(seg: RawSegment, file: string | undefined, n?: number, loop?: string): Location {
  const path = [n !== undefined ? elName(seg, n) : seg.id, loop ? `loop ${loop}` : ''].filter(Boolean).join(' in ');
  return { file, line: seg.line, offset: seg.offset, record: seg.index, path };
}

export function x12Error(code: ErrorCode, seg: RawSegment, file: string | undefined, msg: string, n?: number, loop?: string): ClaimGuardError {
  const where = `segment ${seg.index} ${seg.id}${n !== undefined ? `, element ${elName(seg, n)}` : ''}`;
  return new ClaimGuardError(code, `${where}: ${msg}`, locate(seg, file, n, loop));
}

/** Decimal amount of element n (X12 R type). Undefined when blank; throws a located error when not a number. */
export function amount(seg: RawSegment, n: number, file: string | undefined): number | undefined {
  const v = el(seg, n);
  if (v === '') return undefined;
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(v)) {
    throw x12Error('X12_BAD_SEGMENT', seg, file, `expected a decimal amount, found "${v.slice(0, 20)}"`, n);
  }
  return Number(v);
}

/** Sum in cents to avoid binary-fraction drift when reconciling money. */
export function cents(v: number | undefined): number {
  return v === undefined ? 0 : Math.round(v * 100);
}
