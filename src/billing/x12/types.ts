// Typed objects the X12 reader produces. Amounts are numbers as written (decimal dollars);
// dates are kept as written (CCYYMMDD, HHMM) so nothing is lost to time-zone guessing.
import type { ClaimGuardError, ErrorCode, Location } from '../../core/index.ts';

export interface X12Warning {
  code: ErrorCode;
  message: string;
  location: Location;
}

export interface Address {
  line1?: string;
  line2?: string;
  city?: string;
  state?: string;
  postalCode?: string;
  country?: string;
}

/** A named party: NM1 (837, 835 2100) or N1 (835 1000A/B) with its address and reference ids. */
export interface Party {
  /** Entity identifier code (NM101 / N101), e.g. "85", "PE". */
  entity: string;
  /** "1" person, "2" non-person (NM102); undefined for N1. */
  entityType?: string;
  name?: string;
  firstName?: string;
  /** Id qualifier (NM108 / N103): XX = NPI, FI = TIN, PI payer id, MI member id, 46 ETIN … */
  idQualifier?: string;
  id?: string;
  address?: Address;
  /** REF qualifier → values, e.g. { EI: ["123456789"], TJ: [...] }. */
  refs: Record<string, string[]>;
  /** PER contacts: function code and communication numbers. */
  contacts: { function: string; name?: string; numbers: { qualifier: string; value: string }[] }[];
}

export interface EnvelopeInfo {
  /** ISA13. */
  interchangeControl: string;
  /** ISA05:ISA06 and ISA07:ISA08 (trimmed). */
  sender: { qualifier: string; id: string };
  receiver: { qualifier: string; id: string };
  /** GS02 / GS03 application sender / receiver codes. */
  groupSender: string;
  groupReceiver: string;
  /** GS01 functional id code (HC, HP, FA …). */
  functionalId: string;
  /** GS06. */
  groupControl: string;
  /** GS04 (CCYYMMDD) and GS05 (HHMM[SS[dd]]). */
  groupDate: string;
  groupTime: string;
  /** ISA15: P production, T test. */
  usage: string;
}

export interface TransactionBase {
  /** ST01, e.g. "835", "837", "999". */
  type: string;
  /** ST02. */
  controlNumber: string;
  /** The implementation guide in effect: ST03, else GS08 (e.g. "005010X221A1"). */
  version: string;
  envelope: EnvelopeInfo;
  /** Segments from ST to SE inclusive. */
  segmentCount: number;
  /** 1-based file segment number of ST. */
  startSegment: number;
  /** True when ids and names look de-identified (runs of 9/X): identity-based alerts should be suppressed. */
  masked: boolean;
}

// ---------------------------------------------------------------- 835

export interface Payment {
  /** BPR01 transaction handling code (C, D, H, I, P, U, X). */
  handling: string;
  /** BPR02 total actual provider payment. */
  amount: number;
  /** BPR03 C/D. */
  creditDebit: string;
  /** BPR04 ACH, BOP, CHK, FWT, NON. */
  method: string;
  /** BPR05 CCP/CTX. */
  format?: string;
  /** BPR06/07 payer's bank (ODFI). */
  senderDfi?: { qualifier: string; id: string };
  /** BPR08/09 payer's account. */
  senderAccount?: { qualifier: string; number: string };
  /** BPR10 payer identifier ("1" + EIN). */
  payerId?: string;
  /** BPR11 originating company supplemental code. */
  originatingSupplemental?: string;
  /** BPR12/13 receiving bank (RDFI) routing. */
  receiverDfi?: { qualifier: string; id: string };
  /** BPR14/15 provider account (DA checking, SG savings). */
  receiverAccount?: { qualifier: string; number: string };
  /** BPR16 check issue or EFT effective date (CCYYMMDD). */
  effectiveDate?: string;
}

export interface Trace {
  /** TRN01. */
  type: string;
  /** TRN02 check or EFT reference number. */
  number: string;
  /** TRN03 originating company (payer) id. */
  originator?: string;
  /** TRN04. */
  supplemental?: string;
}

export interface Adjustment {
  /** CAS01 group code CO, OA, PI, PR. */
  group: string;
  reason: string;
  amount: number;
  quantity?: number;
}

export interface ServicePayment {
  segment: number;
  /** SVC01 components: qualifier, procedure code, modifiers… */
  procedure: string[];
  charge?: number;
  paid?: number;
  revenueCode?: string;
  units?: number;
  dates: { qualifier: string; value: string }[];
  adjustments: Adjustment[];
  refs: Record<string, string[]>;
  amounts: Record<string, number>;
  /** LQ remark codes (qualifier:code, e.g. "HE:N130"). */
  remarks: string[];
}

/** 2000 header number loop: LX01 and, for institutional providers, TS3 summary fields. */
export interface HeaderNumber {
  segment: number;
  number: string;
  /** TS3-01 provider id, -02 facility code, -03 fiscal period end, -04 claim count, -05 total charge. */
  providerSummary?: { provider: string; facilityCode?: string; fiscalPeriod?: string; claimCount?: number; totalCharge?: number };
}

export interface ClaimPayment {
  /** 1-based file segment number of CLP. */
  segment: number;
  /** CLP01 patient control number (= 837 CLM01). */
  patientControlNumber: string;
  /** CLP02 status code. */
  status: string;
  charge?: number;
  paid?: number;
  patientResponsibility?: number;
  filingIndicator?: string;
  /** CLP07 payer claim control number. */
  payerClaimControl?: string;
  facilityType?: string;
  frequency?: string;
  adjustments: Adjustment[];
  parties: Party[];
  refs: Record<string, string[]>;
  dates: { qualifier: string; value: string }[];
  amounts: Record<string, number>;
  /** MIA (inpatient) or MOA (outpatient) adjudication elements as written, keyed by segment id. */
  adjudication: Record<string, string[]>;
  /** LX01 of the header number loop the claim sits in, when there is one. */
  headerNumber?: string;
  services: ServicePayment[];
}

export interface ProviderAdjustment {
  segment: number;
  /** PLB01 provider id. */
  provider: string;
  /** PLB02 fiscal period date. */
  fiscalPeriod: string;
  /** Reason code, reference id and amount for each pair. */
  items: { reason: string; reference?: string; amount: number }[];
}

export interface Remittance835 extends TransactionBase {
  type: '835';
  payment: Payment;
  trace?: Trace;
  currency?: string;
  refs: Record<string, string[]>;
  dates: { qualifier: string; value: string }[];
  payer: Party;
  payee: Party;
  headerNumbers: HeaderNumber[];
  claims: ClaimPayment[];
  providerAdjustments: ProviderAdjustment[];
}

// ---------------------------------------------------------------- 837

export interface ServiceLine {
  segment: number;
  /** LX01. */
  number: string;
  /** SV101 (837P) or SV202 (837I) components: qualifier, code, modifiers… */
  procedure: string[];
  /** SV201 revenue code (837I). */
  revenueCode?: string;
  charge?: number;
  unitBasis?: string;
  units?: number;
  placeOfService?: string;
  dates: { qualifier: string; format: string; value: string }[];
  refs: Record<string, string[]>;
  providers: Party[];
}

export interface Claim837 {
  /** 1-based file segment number of CLM. */
  segment: number;
  /** CLM01. */
  patientControlNumber: string;
  /** CLM02 total claim charge. */
  charge?: number;
  /** CLM05-1: place of service (837P) or facility type (837I). */
  facilityCode?: string;
  /** CLM05-2: B (837P) or A (837I). */
  facilityQualifier?: string;
  /** CLM05-3: 1 original, 7 replacement, 8 void. */
  frequency?: string;
  /** Index into Transaction837.billingProviders. */
  billingProvider: number;
  subscriber?: Party;
  payer?: Party;
  /** The patient when not the subscriber (2010CA). */
  patient?: Party;
  /** SBR01 payer responsibility (P, S, T …) and SBR09 filing indicator. */
  payerResponsibility?: string;
  filingIndicator?: string;
  dates: { qualifier: string; format: string; value: string }[];
  refs: Record<string, string[]>;
  /** HI composites, e.g. ["ABK:J459", "ABF:R05"]. */
  diagnoses: string[];
  /** 2310x claim-level providers. */
  providers: Party[];
  /** 2320 other-payer count (COB). */
  otherPayers: number;
  lines: ServiceLine[];
}

export interface BillingProvider {
  /** 1-based file segment number of the 2000A HL. */
  segment: number;
  hl: string;
  taxonomy?: string;
  billing: Party;
  payTo?: Party;
  payToPlan?: Party;
}

export interface Claims837 extends TransactionBase {
  type: '837';
  /** P professional (X222), I institutional (X223), D dental (X224). */
  variant: 'P' | 'I' | 'D';
  /** BHT: purpose (00 original, 18 reissue), reference, creation date/time, claim type (CH, RP, 31). */
  bht: { purpose: string; reference?: string; date?: string; time?: string; claimType?: string };
  submitter: Party;
  receiver: Party;
  billingProviders: BillingProvider[];
  claims: Claim837[];
}

/** Any other transaction set (999, 277, 270 …): envelope only. */
export interface OtherTransaction extends TransactionBase {
  type: string;
}

export type Transaction = Remittance835 | Claims837 | OtherTransaction;

export function is835(t: Transaction): t is Remittance835 {
  return t.type === '835' && 'payment' in t;
}

export function is837(t: Transaction): t is Claims837 {
  return t.type === '837' && 'claims' in t;
}

export interface GroupSummary {
  functionalId: string;
  sender: string;
  receiver: string;
  date: string;
  time: string;
  control: string;
  version: string;
  transactions: number;
}

export interface Interchange {
  /** 1-based file segment number of ISA. */
  segment: number;
  control: string;
  sender: { qualifier: string; id: string };
  receiver: { qualifier: string; id: string };
  /** ISA09 YYMMDD, ISA10 HHMM. */
  date: string;
  time: string;
  /** ISA12, e.g. "00501". */
  version: string;
  /** ISA15 P/T. */
  usage: string;
  /** ISA01 / ISA03 qualifiers; the ISA02 / ISA04 values (passwords) are never kept. */
  authorizationQualifier: string;
  securityQualifier: string;
  groups: GroupSummary[];
}

export interface ParseX12Result {
  file: string | undefined;
  interchanges: Interchange[];
  transactions: Transaction[];
  warnings: X12Warning[];
  /** Located errors; the file is invalid when this is not empty. Good transactions are still returned. */
  errors: ClaimGuardError[];
  /** Segments read (ISA to IEA inclusive, every interchange). */
  segments: number;
}
