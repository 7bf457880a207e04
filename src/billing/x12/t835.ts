// 835 remittance advice (005010X221A1), fed one segment at a time.
//
//   header  BPR (first, req) [NTE] TRN (req) [CUR] [REF] [DTM]
//   1000A   N1*PR (req) N3 N4 REF PER          1000B N1*PE (req) N3 N4 REF RDM
//   2000    LX [TS3] [TS2]
//   2100    CLP [CAS] NM1 [MIA] [MOA] [REF] [DTM] [PER] [AMT] [QTY]
//   2110    SVC [DTM] [CAS] [REF] [AMT] [QTY] [LQ]
//   summary PLB …
import { addRef, addToParty, checkElements, looksMasked, newParty } from './common.ts';
import { amount, comp, el, opt, x12Error } from './segment.ts';
import type { RawSegment } from './tokenizer.ts';
import type { Adjustment, ClaimPayment, HeaderNumber, Party, Payment, ProviderAdjustment, Remittance835, ServicePayment, Trace, TransactionBase } from './types.ts';
import type { TxBuilder, WarnFn } from './builder.ts';

type Loop = 'header' | '1000A' | '1000B' | '2000' | '2100' | '2110' | 'summary';

const DATA: Record<Loop, readonly string[]> = {
  header: ['NTE', 'TRN', 'CUR', 'REF', 'DTM'],
  '1000A': ['N2', 'N3', 'N4', 'REF', 'PER'],
  '1000B': ['N2', 'N3', 'N4', 'REF', 'RDM'],
  '2000': ['TS3', 'TS2'],
  '2100': ['CAS', 'NM1', 'MIA', 'MOA', 'REF', 'DTM', 'PER', 'AMT', 'QTY'],
  '2110': ['DTM', 'CAS', 'REF', 'AMT', 'QTY', 'LQ'],
  summary: ['PLB'],
};

const LOOP_NAMES: Record<Loop, string> = {
  header: 'header', '1000A': '1000A payer identification', '1000B': '1000B payee identification',
  '2000': '2000 header number', '2100': '2100 claim payment information', '2110': '2110 service payment information', summary: 'summary',
};

const ORDER: Loop[] = ['header', '1000A', '1000B', '2000', '2100', '2110', 'summary'];

export class Builder835 implements TxBuilder {
  private loop: Loop = 'header';
  private readonly file: string | undefined;
  private readonly warn: WarnFn;
  private readonly base: TransactionBase;
  private payment: Payment | undefined;
  private trace: Trace | undefined;
  private currency: string | undefined;
  private readonly refs: Record<string, string[]> = {};
  private readonly dates: { qualifier: string; value: string }[] = [];
  private payer: Party | undefined;
  private payee: Party | undefined;
  private readonly claims: ClaimPayment[] = [];
  private claim: ClaimPayment | undefined;
  private claimSeg: RawSegment | undefined;
  private service: ServicePayment | undefined;
  private readonly plb: ProviderAdjustment[] = [];
  private readonly headers: HeaderNumber[] = [];
  private first = true;
  private masked = 0;

  constructor(base: TransactionBase, file: string | undefined, warn: WarnFn) {
    this.base = base;
    this.file = file;
    this.warn = warn;
  }

  add(seg: RawSegment): void {
    checkElements(seg, this.file, this.loop);
    if (this.first) {
      this.first = false;
      if (seg.id !== 'BPR') throw x12Error('X12_MISSING_SEGMENT', seg, this.file, `BPR financial information must be the first segment after ST, found ${seg.id}`, undefined, 'header');
      this.bpr(seg);
      return;
    }
    switch (seg.id) {
      case 'BPR':
        throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'BPR repeats; an 835 has one BPR', undefined, this.loop);
      case 'N1':
        return this.n1(seg);
      case 'LX':
        this.needPayee(seg);
        this.closeClaim();
        if (this.loop === 'summary') throw this.outOfPlace(seg);
        this.headers.push({ segment: seg.index, number: el(seg, 1) });
        this.loop = '2000';
        return;
      case 'CLP':
        return this.clp(seg);
      case 'SVC':
        return this.svc(seg);
      case 'PLB':
        if (this.loop !== 'summary') {
          this.needPayee(seg);
          this.closeClaim();
          this.loop = 'summary';
        }
        this.plbSeg(seg);
        return;
      default:
        break;
    }
    if (!DATA[this.loop].includes(seg.id)) throw this.outOfPlace(seg);
    this.data(seg);
  }

  private outOfPlace(seg: RawSegment): Error {
    const here = ORDER.indexOf(this.loop);
    for (let i = here - 1; i >= 0; i--) {
      if (DATA[ORDER[i]].includes(seg.id)) {
        return x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, `${seg.id} belongs to loop ${LOOP_NAMES[ORDER[i]]} but comes after loop ${LOOP_NAMES[this.loop]} (segment out of order)`, undefined, this.loop);
      }
    }
    return x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, `${seg.id} is not expected in loop ${LOOP_NAMES[this.loop]}`, undefined, this.loop);
  }

  private needPayee(seg: RawSegment): void {
    if (!this.trace) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'TRN reassociation trace number is missing from the header', undefined, 'header');
    if (!this.payer) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'required loop 1000A payer identification (N1*PR) is missing', undefined, '1000A');
    if (!this.payee) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'required loop 1000B payee identification (N1*PE) is missing', undefined, '1000B');
  }

  private bpr(seg: RawSegment): void {
    const pair = (q: number): { qualifier: string; id: string } | undefined => {
      const id = opt(seg, q + 1);
      return id === undefined ? undefined : { qualifier: el(seg, q), id };
    };
    const acct = (q: number): { qualifier: string; number: string } | undefined => {
      const n = opt(seg, q + 1);
      return n === undefined ? undefined : { qualifier: el(seg, q), number: n };
    };
    this.payment = {
      handling: el(seg, 1),
      amount: amount(seg, 2, this.file) ?? 0,
      creditDebit: el(seg, 3),
      method: el(seg, 4),
      format: opt(seg, 5),
      senderDfi: pair(6),
      senderAccount: acct(8),
      payerId: opt(seg, 10),
      originatingSupplemental: opt(seg, 11),
      receiverDfi: pair(12),
      receiverAccount: acct(14),
      effectiveDate: opt(seg, 16),
    };
  }

  private data(seg: RawSegment): void {
    switch (this.loop) {
      case 'header':
        if (seg.id === 'TRN') {
          if (this.trace) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'TRN repeats in the header', undefined, 'header');
          this.trace = { type: el(seg, 1), number: el(seg, 2), originator: opt(seg, 3), supplemental: opt(seg, 4) };
        } else if (seg.id === 'CUR') this.currency = opt(seg, 2);
        else if (seg.id === 'REF') addRef(this.refs, seg);
        else if (seg.id === 'DTM') this.dates.push({ qualifier: el(seg, 1), value: el(seg, 2) });
        return;
      case '1000A':
        if (this.payer) addToParty(this.payer, seg);
        return;
      case '2000': {
        const h = this.headers[this.headers.length - 1];
        if (seg.id === 'TS3' && h) {
          h.providerSummary = { provider: el(seg, 1), facilityCode: opt(seg, 2), fiscalPeriod: opt(seg, 3), claimCount: amount(seg, 4, this.file), totalCharge: amount(seg, 5, this.file) };
        }
        return;
      }
      case '1000B':
        if (this.payee) addToParty(this.payee, seg);
        return;
      case '2100': {
        const c = this.claim;
        if (!c) return;
        if (seg.id === 'CAS') c.adjustments.push(...this.cas(seg));
        else if (seg.id === 'NM1') c.parties.push(newParty(seg));
        else if (seg.id === 'REF') addRef(c.refs, seg);
        else if (seg.id === 'DTM') c.dates.push({ qualifier: el(seg, 1), value: el(seg, 2) });
        else if (seg.id === 'AMT') c.amounts[el(seg, 1)] = amount(seg, 2, this.file) ?? 0;
        else if (seg.id === 'MIA' || seg.id === 'MOA') c.adjudication[seg.id] = seg.elements.slice(1).map((v) => v.trim());
        return;
      }
      case '2110': {
        const s = this.service;
        if (!s) return;
        if (seg.id === 'CAS') s.adjustments.push(...this.cas(seg));
        else if (seg.id === 'REF') addRef(s.refs, seg);
        else if (seg.id === 'DTM') s.dates.push({ qualifier: el(seg, 1), value: el(seg, 2) });
        else if (seg.id === 'AMT') s.amounts[el(seg, 1)] = amount(seg, 2, this.file) ?? 0;
        else if (seg.id === 'LQ') s.remarks.push(`${el(seg, 1)}:${el(seg, 2)}`);
        return;
      }
      default:
        return;
    }
  }

  private n1(seg: RawSegment): void {
    const code = el(seg, 1);
    if (code === 'PR') {
      if (this.payer) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'loop 1000A payer identification (N1*PR) repeats', 1, '1000A');
      if (this.loop !== 'header') throw this.outOfPlace(seg);
      if (!this.trace) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'TRN reassociation trace number is missing before N1*PR', undefined, 'header');
      this.payer = newParty(seg);
      this.loop = '1000A';
    } else if (code === 'PE') {
      if (this.payee) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'loop 1000B payee identification (N1*PE) repeats', 1, '1000B');
      if (!this.payer) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'loop 1000A payer identification (N1*PR) must come before N1*PE', undefined, '1000A');
      if (this.loop !== '1000A') throw this.outOfPlace(seg);
      this.payee = newParty(seg);
      this.loop = '1000B';
      this.countMasked(this.payee.id, this.payee.name);
    } else {
      throw x12Error('X12_BAD_SEGMENT', seg, this.file, `invalid entity identifier code "${code.slice(0, 6)}" (expected PR payer or PE payee)`, 1, this.loop);
    }
  }

  private clp(seg: RawSegment): void {
    this.needPayee(seg);
    if (this.loop === 'summary') throw this.outOfPlace(seg);
    this.closeClaim();
    const c: ClaimPayment = {
      segment: seg.index,
      patientControlNumber: el(seg, 1),
      status: el(seg, 2),
      charge: amount(seg, 3, this.file),
      paid: amount(seg, 4, this.file),
      patientResponsibility: amount(seg, 5, this.file),
      filingIndicator: opt(seg, 6),
      payerClaimControl: opt(seg, 7),
      facilityType: opt(seg, 8),
      frequency: opt(seg, 9),
      adjustments: [],
      parties: [],
      refs: {},
      dates: [],
      amounts: {},
      adjudication: {},
      headerNumber: this.headers[this.headers.length - 1]?.number,
      services: [],
    };
    if (c.charge === undefined || c.paid === undefined) {
      this.warn('X12_BAD_SEGMENT', seg, 'CLP03 total charge or CLP04 payment amount is missing; the claim cannot be balanced', c.charge === undefined ? 3 : 4);
    }
    this.countMasked(c.patientControlNumber);
    this.claims.push(c);
    this.claim = c;
    this.claimSeg = seg;
    this.service = undefined;
    this.loop = '2100';
  }

  private closeClaim(): void {
    const c = this.claim;
    if (c && this.claimSeg && !c.parties.some((p) => p.entity === 'QC')) {
      throw x12Error('X12_MISSING_SEGMENT', this.claimSeg, this.file, 'required patient name (NM1*QC) is missing from the claim payment', undefined, '2100');
    }
    this.claim = undefined;
    this.claimSeg = undefined;
    this.service = undefined;
  }

  private svc(seg: RawSegment): void {
    if (!this.claim) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'SVC service payment outside a claim (no CLP before it)', undefined, this.loop);
    const s: ServicePayment = {
      segment: seg.index,
      procedure: comp(seg, 1),
      charge: amount(seg, 2, this.file),
      paid: amount(seg, 3, this.file),
      revenueCode: opt(seg, 4),
      units: amount(seg, 5, this.file),
      dates: [],
      adjustments: [],
      refs: {},
      amounts: {},
      remarks: [],
    };
    this.claim.services.push(s);
    this.service = s;
    this.loop = '2110';
  }

  private cas(seg: RawSegment): Adjustment[] {
    const out: Adjustment[] = [];
    const group = el(seg, 1);
    for (let i = 2; i <= 17; i += 3) {
      const reason = el(seg, i);
      if (!reason) continue;
      const amt = amount(seg, i + 1, this.file);
      if (amt === undefined) throw x12Error('X12_BAD_SEGMENT', seg, this.file, `adjustment reason "${reason}" has no amount`, i + 1, this.loop);
      out.push({ group, reason, amount: amt, quantity: amount(seg, i + 2, this.file) });
    }
    return out;
  }

  private plbSeg(seg: RawSegment): void {
    const items: ProviderAdjustment['items'] = [];
    for (let i = 3; i <= 13; i += 2) {
      const c = comp(seg, i);
      if (!c.length) continue;
      const amt = amount(seg, i + 1, this.file);
      if (amt === undefined) throw x12Error('X12_BAD_SEGMENT', seg, this.file, `provider adjustment "${c[0]}" has no amount`, i + 1, 'summary');
      items.push({ reason: c[0], reference: c[1] || undefined, amount: amt });
    }
    this.plb.push({ segment: seg.index, provider: el(seg, 1), fiscalPeriod: el(seg, 2), items });
  }

  private countMasked(...vals: (string | undefined)[]): void {
    for (const v of vals) if (looksMasked(v)) this.masked++;
  }

  finish(se: RawSegment): Remittance835 {
    if (!this.payment) throw x12Error('X12_MISSING_SEGMENT', se, this.file, 'BPR financial information is missing', undefined, 'header');
    this.needPayee(se);
    this.closeClaim();
    this.countMasked(this.payer?.name, this.trace?.number, this.trace?.originator, this.payment.receiverAccount?.number);
    if (this.trace?.originator && this.payment.payerId && this.trace.originator !== this.payment.payerId) {
      this.warn('X12_BAD_SEGMENT', se, `TRN03 originating company "${this.trace.originator}" differs from BPR10 payer id "${this.payment.payerId}"`);
    }
    return {
      ...this.base,
      type: '835',
      masked: this.base.masked || this.masked >= 2,
      payment: this.payment,
      trace: this.trace,
      currency: this.currency,
      refs: this.refs,
      dates: this.dates,
      payer: this.payer as Party,
      payee: this.payee as Party,
      headerNumbers: this.headers,
      claims: this.claims,
      providerAdjustments: this.plb,
    };
  }
}
