// Pieces the 835 and 837 builders share: element requirements, code sets, party building, masking.
import type { ClaimGuardError } from '../../core/index.ts';
import { comp, el, opt, x12Error } from './segment.ts';
import type { RawSegment } from './tokenizer.ts';
import type { Party } from './types.ts';

/**
 * Elements that must be present for a segment's meaning to be clear (TR3 "R" usage that every
 * guide shares). A missing one is an error; the TR3's situational rules are not enforced.
 */
export const REQUIRED_ELEMENTS: Record<string, { n: number; name: string }[]> = {
  NM1: [{ n: 1, name: 'entity identifier code' }, { n: 2, name: 'entity type qualifier' }],
  N1: [{ n: 1, name: 'entity identifier code' }],
  N3: [{ n: 1, name: 'address line' }],
  REF: [{ n: 1, name: 'reference qualifier' }, { n: 2, name: 'reference identification' }],
  HL: [{ n: 1, name: 'hierarchical id number' }, { n: 3, name: 'hierarchical level code' }],
  SBR: [{ n: 1, name: 'payer responsibility sequence code' }],
  CLM: [{ n: 1, name: 'patient control number' }, { n: 2, name: 'total claim charge amount' }, { n: 5, name: 'health care service location information' }],
  LX: [{ n: 1, name: 'assigned number' }],
  SV1: [{ n: 1, name: 'procedure identifier' }, { n: 2, name: 'line item charge amount' }],
  SV2: [{ n: 1, name: 'service line revenue code' }],
  HI: [{ n: 1, name: 'health care code information' }],
  BHT: [{ n: 1, name: 'hierarchical structure code' }, { n: 2, name: 'transaction set purpose code' }],
  BPR: [{ n: 1, name: 'transaction handling code' }, { n: 2, name: 'total provider payment amount' }, { n: 3, name: 'credit/debit flag' }, { n: 4, name: 'payment method code' }],
  TRN: [{ n: 1, name: 'trace type code' }, { n: 2, name: 'check or EFT trace number' }],
  CLP: [{ n: 1, name: 'patient control number' }, { n: 2, name: 'claim status code' }],
  CAS: [{ n: 1, name: 'claim adjustment group code' }, { n: 2, name: 'adjustment reason code' }, { n: 3, name: 'adjustment amount' }],
  SVC: [{ n: 1, name: 'composite medical procedure identifier' }],
  PLB: [{ n: 1, name: 'provider identifier' }, { n: 2, name: 'fiscal period date' }, { n: 3, name: 'adjustment identifier' }, { n: 4, name: 'provider adjustment amount' }],
  AMT: [{ n: 1, name: 'amount qualifier' }, { n: 2, name: 'amount' }],
  LQ: [{ n: 1, name: 'code list qualifier' }, { n: 2, name: 'remark code' }],
};

/** Closed code sets checked wherever the segment appears. */
export const CODE_SETS: Record<string, Record<number, readonly string[]>> = {
  NM1: { 2: ['1', '2'] },
  HL: { 3: ['20', '22', '23'], 4: ['0', '1', ''] },
  BPR: { 1: ['C', 'D', 'H', 'I', 'P', 'U', 'X'], 3: ['C', 'D'], 4: ['ACH', 'BOP', 'CHK', 'FWT', 'NON'] },
  CAS: { 1: ['CO', 'OA', 'PI', 'PR', 'CR'] },
  SBR: { 1: ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'P', 'S', 'T', 'U'] },
};

const CODE_LIST: Record<string, [number, readonly string[]][]> = Object.fromEntries(
  Object.entries(CODE_SETS).map(([id, m]) => [id, Object.entries(m).map(([n, v]) => [Number(n), v] as [number, readonly string[]])]),
);

/** Check required elements and closed code sets; throws the first problem as a located error. */
export function checkElements(seg: RawSegment, file: string | undefined, loop: string): void {
  const req = REQUIRED_ELEMENTS[seg.id];
  if (req) {
    for (const r of req) {
      if (el(seg, r.n) === '') throw x12Error('X12_BAD_SEGMENT', seg, file, `required element ${r.name} is missing`, r.n, loop);
    }
  }
  const codes = CODE_LIST[seg.id];
  if (codes) {
    for (const [n, allowed] of codes) {
      const v = el(seg, n);
      if (v !== '' && !allowed.includes(v)) {
        throw x12Error('X12_BAD_SEGMENT', seg, file, `invalid code "${v.slice(0, 12)}" (expected one of ${allowed.filter(Boolean).join(', ')})`, n, loop);
      }
    }
  }
}

export function newParty(seg: RawSegment): Party {
  if (seg.id === 'N1') {
    return { entity: el(seg, 1), name: opt(seg, 2), idQualifier: opt(seg, 3), id: opt(seg, 4), refs: {}, contacts: [] };
  }
  return {
    entity: el(seg, 1),
    entityType: opt(seg, 2),
    name: opt(seg, 3),
    firstName: opt(seg, 4),
    idQualifier: opt(seg, 8),
    id: opt(seg, 9),
    refs: {},
    contacts: [],
  };
}

/** Attach an N2/N3/N4/REF/PER/DMG segment to a party. */
export function addToParty(p: Party, seg: RawSegment): void {
  switch (seg.id) {
    case 'N3':
      p.address = { ...p.address, line1: opt(seg, 1), line2: opt(seg, 2) };
      break;
    case 'N4':
      p.address = { ...p.address, city: opt(seg, 1), state: opt(seg, 2), postalCode: opt(seg, 3), country: opt(seg, 4) };
      break;
    case 'REF':
      addRef(p.refs, seg);
      break;
    case 'PER': {
      const numbers: { qualifier: string; value: string }[] = [];
      for (let i = 3; i + 1 <= 8; i += 2) {
        const q = el(seg, i);
        if (q) numbers.push({ qualifier: q, value: el(seg, i + 1) });
      }
      p.contacts.push({ function: el(seg, 1), name: opt(seg, 2), numbers });
      break;
    }
    default:
      break;
  }
}

export function addRef(refs: Record<string, string[]>, seg: RawSegment): void {
  const q = el(seg, 1);
  (refs[q] ??= []).push(el(seg, 2));
}

/** "ABK:J459" style composites of an HI segment (every element). */
export function hiCodes(seg: RawSegment): string[] {
  const out: string[] = [];
  for (let i = 1; i < seg.elements.length; i++) {
    const c = comp(seg, i);
    if (c.length) out.push(c.slice(0, 2).join(':'));
  }
  return out;
}

/** Values that de-identification tools leave behind: all 9s or all Xs (at least 4 long). */
export function looksMasked(v: string | undefined): boolean {
  if (v === undefined) return false;
  const a = v.replace(/[^A-Za-z0-9]/g, '');
  return a.length >= 4 && (/^9+$/.test(a) || /^X+$/.test(a));
}

export type ErrorSink = (e: ClaimGuardError) => void;
