// Writers for well-formed 5010 835 and 837P/837I files: fixed-width ISA, correct SE/GE/IEA counts
// and control numbers. Used by tests and by the demo-company generator, so generated files go
// through the same reader as real ones. Delimiters default to * : ^ ~ with a newline after each
// terminator.
import type { Address } from './types.ts';

export interface WriteDelimiters {
  element: string;
  component: string;
  repetition: string;
  segment: string;
  /** Written after each segment terminator (e.g. "\n", "\r\n" or ""). */
  lineBreak: string;
}

export const DEFAULT_DELIMITERS: WriteDelimiters = { element: '*', component: ':', repetition: '^', segment: '~', lineBreak: '\n' };

export interface EnvelopeSpec {
  senderId: string;
  receiverId: string;
  /** ISA13 / GS06 / ST02 control number (default 1). */
  control?: number;
  /** CCYYMMDD and HHMM of the interchange and group. */
  date: string;
  time: string;
  usage?: 'P' | 'T';
  delimiters?: Partial<WriteDelimiters>;
}

export interface PartySpec {
  name: string;
  firstName?: string;
  /** Id and its qualifier (XX NPI, FI TIN, PI payer id, MI member id, 46 ETIN). */
  id?: string;
  idQualifier?: string;
  address?: Address;
}

export interface Remittance835Spec extends EnvelopeSpec {
  payer: PartySpec & { /** "1" + EIN: BPR10 and TRN03. */ companyId: string };
  payee: PartySpec & { npi?: string; tin?: string };
  payment: {
    handling?: string;
    method: 'ACH' | 'CHK' | 'NON' | 'BOP' | 'FWT';
    /** BPR02; when omitted, Σ claim payments − Σ PLB amounts (a balanced 835). */
    amount?: number;
    payerRouting?: string;
    payerAccount?: string;
    /** Provider's bank routing (BPR13) and account (BPR15), for EFT. */
    routing?: string;
    account?: string;
    accountType?: 'DA' | 'SG';
    /** BPR16 CCYYMMDD. */
    date: string;
    /** TRN02 check or EFT trace number. */
    trace: string;
  };
  claims: {
    patientControlNumber: string;
    status?: string;
    charge: number;
    paid: number;
    patientResponsibility?: number;
    filingIndicator?: string;
    payerClaimControl?: string;
    patient: PartySpec;
    adjustments?: { group: string; reason: string; amount: number }[];
    services?: { procedure: string; charge: number; paid: number; date?: string; adjustments?: { group: string; reason: string; amount: number }[] }[];
  }[];
  providerAdjustments?: { provider: string; fiscalPeriod: string; reason: string; reference?: string; amount: number }[];
}

export interface Claims837Spec extends EnvelopeSpec {
  variant?: 'P' | 'I';
  submitter: PartySpec;
  receiver: PartySpec;
  /** BHT04 / BHT05 creation date and time (default: the envelope's). */
  created?: { date: string; time: string };
  providers: {
    billing: PartySpec & { npi: string; tin: string; taxonomy?: string };
    payTo?: Address;
    claims: {
      patientControlNumber: string;
      /** CLM05-1 place of service (P) or facility type (I); CLM05-3 frequency (default 1). */
      facilityCode?: string;
      frequency?: string;
      /** REF*F8 original payer claim number, for frequency 7/8. */
      originalReference?: string;
      subscriber: PartySpec & { memberId: string; dob?: string; gender?: string };
      payer: PartySpec & { payerId: string };
      /** ICD-10-CM codes; the first is principal. */
      diagnoses: string[];
      /** Statement period for 837I (DTP*434), CCYYMMDD-CCYYMMDD. */
      statementPeriod?: string;
      lines: { procedure: string; modifiers?: string[]; revenueCode?: string; charge: number; units?: number; date: string }[];
    }[];
  }[];
}

function money(n: number): string {
  const s = (Math.round(n * 100) / 100).toFixed(2);
  return s.replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
}

class SegmentWriter {
  readonly d: WriteDelimiters;
  private out: string[] = [];
  private stCount = 0;

  constructor(d: WriteDelimiters) {
    this.d = d;
  }

  seg(...els: (string | number | undefined)[]): void {
    let last = els.length;
    while (last > 1 && (els[last - 1] === undefined || els[last - 1] === '')) last--;
    const text = els.slice(0, last).map((e) => (e === undefined ? '' : String(e))).join(this.d.element);
    this.out.push(text + this.d.segment + this.d.lineBreak);
    this.stCount++;
  }

  comp(...parts: (string | undefined)[]): string {
    let last = parts.length;
    while (last > 1 && !parts[last - 1]) last--;
    return parts.slice(0, last).map((p) => p ?? '').join(this.d.component);
  }

  startSet(): void {
    this.stCount = 0;
  }

  get setCount(): number {
    return this.stCount;
  }

  text(): string {
    return this.out.join('');
  }
}

function pad(v: string, n: number): string {
  return v.slice(0, n).padEnd(n, ' ');
}

function open(w: SegmentWriter, e: EnvelopeSpec, functionalId: string, version: string): number {
  const control = e.control ?? 1;
  const d = w.d;
  const isa = [
    'ISA', '00', pad('', 10), '00', pad('', 10), 'ZZ', pad(e.senderId, 15), 'ZZ', pad(e.receiverId, 15),
    e.date.slice(2), e.time.slice(0, 4), d.repetition, '00501', String(control).padStart(9, '0'), '0', e.usage ?? 'P', d.component,
  ].join(d.element);
  w.seg(...isa.split(d.element));
  w.seg('GS', functionalId, e.senderId, e.receiverId, e.date, e.time.slice(0, 4), control, 'X', version);
  return control;
}

function close(w: SegmentWriter, control: number): void {
  w.seg('GE', 1, control);
  w.seg('IEA', 1, String(control).padStart(9, '0'));
}

function address(w: SegmentWriter, a: Address | undefined): void {
  if (!a) return;
  if (a.line1) w.seg('N3', a.line1, a.line2);
  if (a.city || a.state || a.postalCode) w.seg('N4', a.city, a.state, a.postalCode, a.country);
}

function delimiters(e: EnvelopeSpec): WriteDelimiters {
  return { ...DEFAULT_DELIMITERS, ...e.delimiters };
}

/** A one-transaction 5010 835 (005010X221A1). */
export function write835(spec: Remittance835Spec): string {
  const w = new SegmentWriter(delimiters(spec));
  const control = open(w, spec, 'HP', '005010X221A1');
  w.startSet();
  w.seg('ST', '835', String(control).padStart(4, '0'));
  const plb = spec.providerAdjustments ?? [];
  const total = spec.payment.amount ?? spec.claims.reduce((n, c) => n + c.paid, 0) - plb.reduce((n, p) => n + p.amount, 0);
  const p = spec.payment;
  const eft = p.method !== 'CHK' && p.method !== 'NON';
  w.seg(
    'BPR', p.handling ?? (total === 0 && p.method === 'NON' ? 'H' : 'I'), money(total), 'C', p.method, eft ? 'CCP' : '',
    eft ? '01' : '', eft ? p.payerRouting : '', eft ? 'DA' : '', eft ? p.payerAccount : '', spec.payer.companyId, '',
    eft ? '01' : '', eft ? p.routing : '', eft ? (p.accountType ?? 'DA') : '', eft ? p.account : '', p.date,
  );
  w.seg('TRN', '1', p.trace, spec.payer.companyId);
  w.seg('DTM', '405', p.date);
  w.seg('N1', 'PR', spec.payer.name);
  address(w, spec.payer.address);
  w.seg('PER', 'BL', 'EDI SUPPORT', 'TE', '8005550100');
  const payee = spec.payee;
  w.seg('N1', 'PE', payee.name, payee.npi ? 'XX' : 'FI', payee.npi ?? payee.tin);
  address(w, payee.address);
  if (payee.tin && payee.npi) w.seg('REF', 'TJ', payee.tin);
  if (spec.claims.length) {
    w.seg('LX', '1');
    for (const c of spec.claims) {
      w.seg('CLP', c.patientControlNumber, c.status ?? '1', money(c.charge), money(c.paid), c.patientResponsibility === undefined ? '' : money(c.patientResponsibility), c.filingIndicator ?? '12', c.payerClaimControl ?? '', '11', '1');
      for (const a of c.adjustments ?? []) w.seg('CAS', a.group, a.reason, money(a.amount));
      w.seg('NM1', 'QC', '1', c.patient.name, c.patient.firstName, '', '', '', c.patient.id ? (c.patient.idQualifier ?? 'MI') : '', c.patient.id);
      for (const s of c.services ?? []) {
        w.seg('SVC', w.comp('HC', s.procedure), money(s.charge), money(s.paid), '', '1');
        if (s.date) w.seg('DTM', '472', s.date);
        for (const a of s.adjustments ?? []) w.seg('CAS', a.group, a.reason, money(a.amount));
      }
    }
  }
  for (const a of plb) w.seg('PLB', a.provider, a.fiscalPeriod, w.comp(a.reason, a.reference), money(a.amount));
  w.seg('SE', w.setCount + 1, String(control).padStart(4, '0'));
  close(w, control);
  return w.text();
}

/** A one-transaction 5010 837P (005010X222A1) or 837I (005010X223A2), patient = subscriber. */
export function write837(spec: Claims837Spec): string {
  const variant = spec.variant ?? 'P';
  const guide = variant === 'I' ? '005010X223A2' : '005010X222A1';
  const w = new SegmentWriter(delimiters(spec));
  const control = open(w, spec, 'HC', guide);
  w.startSet();
  w.seg('ST', '837', String(control).padStart(4, '0'), guide);
  const created = spec.created ?? { date: spec.date, time: spec.time };
  w.seg('BHT', '0019', '00', `B${control}`, created.date, created.time, 'CH');
  w.seg('NM1', '41', '2', spec.submitter.name, '', '', '', '', '46', spec.submitter.id);
  w.seg('PER', 'IC', 'EDI DESK', 'TE', '5125550100');
  w.seg('NM1', '40', '2', spec.receiver.name, '', '', '', '', '46', spec.receiver.id);
  let hl = 0;
  for (const bp of spec.providers) {
    const bpHl = ++hl;
    w.seg('HL', bpHl, '', '20', '1');
    if (bp.billing.taxonomy) w.seg('PRV', 'BI', 'PXC', bp.billing.taxonomy);
    w.seg('NM1', '85', '2', bp.billing.name, '', '', '', '', 'XX', bp.billing.npi);
    address(w, bp.billing.address);
    w.seg('REF', 'EI', bp.billing.tin);
    if (bp.payTo) {
      w.seg('NM1', '87', '2');
      address(w, bp.payTo);
    }
    for (const c of bp.claims) {
      w.seg('HL', ++hl, bpHl, '22', '0');
      w.seg('SBR', 'P', '18', '', '', '', '', '', '', 'CI');
      w.seg('NM1', 'IL', '1', c.subscriber.name, c.subscriber.firstName, '', '', '', 'MI', c.subscriber.memberId);
      address(w, c.subscriber.address);
      if (c.subscriber.dob) w.seg('DMG', 'D8', c.subscriber.dob, c.subscriber.gender ?? 'U');
      w.seg('NM1', 'PR', '2', c.payer.name, '', '', '', '', 'PI', c.payer.payerId);
      const charge = c.lines.reduce((n, l) => n + l.charge, 0);
      const clm05 = w.comp(c.facilityCode ?? (variant === 'I' ? '13' : '11'), variant === 'I' ? 'A' : 'B', c.frequency ?? '1');
      if (variant === 'I') w.seg('CLM', c.patientControlNumber, money(charge), '', '', clm05, '', 'A', 'Y', 'Y');
      else w.seg('CLM', c.patientControlNumber, money(charge), '', '', clm05, 'Y', 'A', 'Y', 'Y');
      if (variant === 'I') w.seg('DTP', '434', 'RD8', c.statementPeriod ?? `${c.lines[0]?.date ?? spec.date}-${c.lines[c.lines.length - 1]?.date ?? spec.date}`);
      if (c.originalReference) w.seg('REF', 'F8', c.originalReference);
      const [principal, ...others] = c.diagnoses;
      w.seg('HI', w.comp('ABK', principal), ...others.slice(0, 11).map((d) => w.comp('ABF', d)));
      c.lines.forEach((l, i) => {
        w.seg('LX', i + 1);
        if (variant === 'I') w.seg('SV2', l.revenueCode ?? '0450', w.comp('HC', l.procedure, ...(l.modifiers ?? [])), money(l.charge), 'UN', l.units ?? 1);
        else w.seg('SV1', w.comp('HC', l.procedure, ...(l.modifiers ?? [])), money(l.charge), 'UN', l.units ?? 1, '', '', '1');
        w.seg('DTP', '472', 'D8', l.date);
      });
    }
  }
  w.seg('SE', w.setCount + 1, String(control).padStart(4, '0'));
  close(w, control);
  return w.text();
}
