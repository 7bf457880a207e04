// Stage 2: segments → interchanges, groups and typed transactions, with the envelope checks.
//
// Control numbers and counts (IEA01/02, GE01/02, SE01/02, duplicate ISA13/GS06/ST02) are located
// WARNINGS: the content is still clear and real files often get them wrong (reference/billing.md §6).
// Errors are what makes content ambiguous: a segment outside its envelope, a missing trailer, a
// broken transaction. An error inside a transaction skips to its SE; other transactions still parse.
import { ClaimGuardError, type ErrorCode } from '../../core/index.ts';
import type { TxBuilder, WarnFn } from './builder.ts';
import { el, locate, opt, x12Error } from './segment.ts';
import { Builder835 } from './t835.ts';
import { Builder837 } from './t837.ts';
import { X12Tokenizer, type RawSegment } from './tokenizer.ts';
import type { EnvelopeInfo, GroupSummary, Interchange, ParseX12Result, Transaction, TransactionBase, X12Warning } from './types.ts';

/** Stop collecting after this many errors / warnings (the counts keep going). */
export const MAX_ERRORS = 100;
export const MAX_WARNINGS = 500;

const SEGMENT_ID = /^[A-Z][A-Z0-9]{1,2}$/;

export interface ReaderOptions {
  /** Display name of the input, used in every location. */
  file?: string;
  /** Keep parsed transactions in the result (default true). Turn off and use onTransaction to stream. */
  keepTransactions?: boolean;
  /** Called for each transaction as soon as its SE is read. */
  onTransaction?: (t: Transaction) => void;
  maxSegmentLength?: number;
}

interface OpenInterchange {
  seg: RawSegment;
  info: Interchange;
  groupCount: number;
  groupControls: Set<string>;
}

interface OpenGroup {
  seg: RawSegment;
  summary: GroupSummary;
  stControls: Set<string>;
}

interface OpenTransaction {
  seg: RawSegment;
  base: TransactionBase;
  builder: TxBuilder | undefined;
  failed: boolean;
  count: number;
}

/** Guides this reader understands, by ST01. */
export const SUPPORTED_GUIDES: Record<string, string[]> = {
  '835': ['005010X221A1'],
  '837': ['005010X222A1', '005010X223A2', '005010X224A2'],
};

/** Push-style X12 reader: feed chunks with push(), then end() returns the result. */
export class X12Reader {
  private readonly file: string | undefined;
  private readonly keep: boolean;
  private readonly onTransaction: ((t: Transaction) => void) | undefined;
  private readonly tok: X12Tokenizer;
  private readonly interchanges: Interchange[] = [];
  private readonly transactions: Transaction[] = [];
  private readonly warnings: X12Warning[] = [];
  private readonly errors: ClaimGuardError[] = [];
  private readonly isaControls = new Set<string>();
  private isa: OpenInterchange | undefined;
  private gs: OpenGroup | undefined;
  private st: OpenTransaction | undefined;
  private lastSeg: RawSegment | undefined;
  private ended = false;
  /** Totals, counted even after the error / warning lists are full. */
  warningCount = 0;
  errorCount = 0;
  transactionCount = 0;
  claimCount = 0;

  constructor(opts: ReaderOptions = {}) {
    this.file = opts.file;
    this.keep = opts.keepTransactions ?? true;
    this.onTransaction = opts.onTransaction;
    this.tok = new X12Tokenizer({ file: opts.file, maxSegmentLength: opts.maxSegmentLength });
  }

  push(chunk: string | Uint8Array): void {
    for (const seg of this.tok.push(chunk)) this.segment(seg);
  }

  end(): ParseX12Result {
    if (!this.ended) {
      this.ended = true;
      for (const seg of this.tok.end()) this.segment(seg);
      if (this.tok.error) this.error(this.tok.error);
      else this.atEof();
    }
    return {
      file: this.file,
      interchanges: this.interchanges,
      transactions: this.transactions,
      warnings: this.warnings,
      errors: this.errors,
      segments: this.tok.segmentCount,
    };
  }

  private error(e: ClaimGuardError): void {
    this.errorCount++;
    if (this.errors.length < MAX_ERRORS) this.errors.push(e);
  }

  private warn: WarnFn = (code: ErrorCode, seg: RawSegment, message: string, element?: number) => {
    this.warningCount++;
    if (this.warnings.length >= MAX_WARNINGS) return;
    const where = `segment ${seg.index} ${seg.id}${element !== undefined ? `${String(element).padStart(2, '0')}` : ''}`;
    this.warnings.push({ code, message: `${where}: ${message}`, location: locate(seg, this.file, element) });
  };

  private atEof(): void {
    const last = this.lastSeg;
    if (!last) {
      this.error(new ClaimGuardError('X12_BAD_ENVELOPE', 'no ISA interchange header: the input is empty', { file: this.file, offset: 0 }));
      return;
    }
    if (this.st) {
      this.error(x12Error('X12_TRUNCATED', last, this.file, `file ends inside transaction set ${this.st.base.type} ${this.st.base.controlNumber} (ST at segment ${this.st.seg.index}): SE trailer missing`));
      this.st = undefined;
    }
    if (this.gs) {
      this.error(x12Error('X12_TRUNCATED', last, this.file, `file ends inside functional group ${this.gs.summary.control} (GS at segment ${this.gs.seg.index}): GE trailer missing`));
      this.gs = undefined;
    }
    if (this.isa) {
      this.error(x12Error('X12_TRUNCATED', last, this.file, `file ends inside interchange ${this.isa.info.control} (ISA at segment ${this.isa.seg.index}): IEA trailer missing`));
      this.isa = undefined;
    }
  }

  private segment(seg: RawSegment): void {
    this.lastSeg = seg;
    if (this.st) this.st.count++;
    if (!SEGMENT_ID.test(seg.id)) {
      const e = x12Error('X12_BAD_SEGMENT', seg, this.file, `bad segment identifier "${seg.id.slice(0, 10)}" (expected 2-3 upper-case letters or digits)`);
      if (this.st && !this.st.failed) this.st.failed = true;
      this.error(e);
      return;
    }
    switch (seg.id) {
      case 'ISA': return this.onIsa(seg);
      case 'IEA': return this.onIea(seg);
      case 'GS': return this.onGs(seg);
      case 'GE': return this.onGe(seg);
      case 'ST': return this.onSt(seg);
      case 'SE': return this.onSe(seg);
      case 'TA1':
        if (this.isa && !this.gs) return;
        break;
      default:
        break;
    }
    const st = this.st;
    if (!st) {
      this.error(x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, `${seg.id} is outside a transaction set (expected ST, GS, GE or IEA here)`));
      return;
    }
    if (st.failed || !st.builder) return;
    try {
      st.builder.add(seg);
    } catch (e) {
      this.txError(st, e);
    }
  }

  private txError(st: OpenTransaction, e: unknown): void {
    st.failed = true;
    if (e instanceof ClaimGuardError) this.error(e);
    else this.error(x12Error('INTERNAL', st.seg, this.file, `internal error while reading transaction ${st.base.controlNumber}: ${(e as Error)?.message ?? String(e)}`));
  }

  private onIsa(seg: RawSegment): void {
    if (this.isa) {
      this.error(x12Error('X12_MISSING_SEGMENT', seg, this.file, `a new ISA starts before IEA closed interchange ${this.isa.info.control} (ISA at segment ${this.isa.seg.index})`));
      this.st = undefined;
      this.gs = undefined;
    }
    const control = el(seg, 13);
    if (!/^\d{9}$/.test(control)) this.warn('X12_BAD_ENVELOPE', seg, `ISA13 control number "${control}" is not 9 digits`, 13);
    if (this.isaControls.has(control)) this.warn('X12_BAD_ENVELOPE', seg, `ISA13 control number ${control} repeats an earlier interchange in this file`, 13);
    this.isaControls.add(control);
    const info: Interchange = {
      segment: seg.index,
      control,
      sender: { qualifier: el(seg, 5), id: el(seg, 6) },
      receiver: { qualifier: el(seg, 7), id: el(seg, 8) },
      date: el(seg, 9),
      time: el(seg, 10),
      version: el(seg, 12),
      usage: el(seg, 15),
      authorizationQualifier: el(seg, 1),
      securityQualifier: el(seg, 3),
      groups: [],
    };
    if (info.usage !== 'P' && info.usage !== 'T') this.warn('X12_BAD_ENVELOPE', seg, `ISA15 usage indicator "${info.usage}" is neither P nor T`, 15);
    this.interchanges.push(info);
    this.isa = { seg, info, groupCount: 0, groupControls: new Set() };
  }

  private onIea(seg: RawSegment): void {
    const isa = this.isa;
    if (!isa) {
      this.error(x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'IEA without an open interchange'));
      return;
    }
    this.closeOpenGroup(seg);
    const n = el(seg, 1);
    if (n !== String(isa.groupCount)) this.warn('X12_BAD_ENVELOPE', seg, `IEA01 says ${n} functional groups, the interchange has ${isa.groupCount}`, 1);
    if (el(seg, 2) !== isa.info.control) this.warn('X12_BAD_ENVELOPE', seg, `IEA02 "${el(seg, 2)}" does not match ISA13 "${isa.info.control}"`, 2);
    this.isa = undefined;
  }

  private closeOpenGroup(at: RawSegment): void {
    if (this.st) {
      this.error(x12Error('X12_MISSING_SEGMENT', at, this.file, `SE trailer missing: transaction ${this.st.base.controlNumber} (ST at segment ${this.st.seg.index}) is not closed before ${at.id}`));
      this.st = undefined;
    }
    if (this.gs && at.id !== 'GE') {
      this.error(x12Error('X12_MISSING_SEGMENT', at, this.file, `GE trailer missing: group ${this.gs.summary.control} (GS at segment ${this.gs.seg.index}) is not closed before ${at.id}`));
      this.gs = undefined;
    }
  }

  private onGs(seg: RawSegment): void {
    const isa = this.isa;
    if (!isa) {
      this.error(x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'GS outside an interchange (no ISA before it)'));
      return;
    }
    this.closeOpenGroup(seg);
    isa.groupCount++;
    const control = el(seg, 6);
    if (isa.groupControls.has(control)) this.warn('X12_BAD_ENVELOPE', seg, `GS06 group control number ${control} repeats within the interchange`, 6);
    isa.groupControls.add(control);
    const summary: GroupSummary = {
      functionalId: el(seg, 1),
      sender: el(seg, 2),
      receiver: el(seg, 3),
      date: el(seg, 4),
      time: el(seg, 5),
      control,
      version: el(seg, 8),
      transactions: 0,
    };
    isa.info.groups.push(summary);
    this.gs = { seg, summary, stControls: new Set() };
  }

  private onGe(seg: RawSegment): void {
    const gs = this.gs;
    if (!gs) {
      this.error(x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'GE without an open functional group'));
      return;
    }
    this.closeOpenGroup(seg);
    const n = el(seg, 1);
    if (n !== String(gs.summary.transactions)) this.warn('X12_BAD_ENVELOPE', seg, `GE01 says ${n} transaction sets, the group has ${gs.summary.transactions}`, 1);
    if (el(seg, 2) !== gs.summary.control) this.warn('X12_BAD_ENVELOPE', seg, `GE02 "${el(seg, 2)}" does not match GS06 "${gs.summary.control}"`, 2);
    this.gs = undefined;
  }

  private onSt(seg: RawSegment): void {
    const gs = this.gs;
    const isa = this.isa;
    if (!gs || !isa) {
      this.error(x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'ST outside a functional group (no GS before it)'));
      return;
    }
    if (this.st) {
      this.error(x12Error('X12_MISSING_SEGMENT', seg, this.file, `SE trailer missing: transaction ${this.st.base.controlNumber} (ST at segment ${this.st.seg.index}) is not closed before the next ST`));
    }
    gs.summary.transactions++;
    const type = el(seg, 1);
    const control = el(seg, 2);
    if (gs.stControls.has(control)) this.warn('X12_BAD_ENVELOPE', seg, `ST02 control number ${control} repeats within the group`, 2);
    gs.stControls.add(control);
    const version = opt(seg, 3) ?? gs.summary.version;
    const envelope: EnvelopeInfo = {
      interchangeControl: isa.info.control,
      sender: isa.info.sender,
      receiver: isa.info.receiver,
      groupSender: gs.summary.sender,
      groupReceiver: gs.summary.receiver,
      functionalId: gs.summary.functionalId,
      groupControl: gs.summary.control,
      groupDate: gs.summary.date,
      groupTime: gs.summary.time,
      usage: isa.info.usage,
    };
    const base: TransactionBase = { type, controlNumber: control, version, envelope, segmentCount: 0, startSegment: seg.index, masked: false };
    const st: OpenTransaction = { seg, base, builder: undefined, failed: false, count: 1 };
    this.st = st;
    try {
      st.builder = this.builderFor(seg, base, isa.info.version, gs.summary);
    } catch (e) {
      this.txError(st, e);
    }
  }

  private builderFor(seg: RawSegment, base: TransactionBase, isaVersion: string, gs: GroupSummary): TxBuilder | undefined {
    const { type, version } = base;
    const expectGs = type === '835' ? 'HP' : type === '837' ? 'HC' : undefined;
    if (expectGs && gs.functionalId !== expectGs) this.warn('X12_BAD_ENVELOPE', seg, `transaction set ${type} sits in a group with GS01 "${gs.functionalId}" (expected ${expectGs})`, 1);
    if (!SUPPORTED_GUIDES[type]) return undefined; // envelope only (999, 277 …)
    const where = opt(seg, 3) ? 3 : undefined;
    if (/^00[1-4]\d/.test(version) || (isaVersion < '00501' && !version.startsWith('0050'))) {
      throw x12Error('X12_UNSUPPORTED_VERSION', seg, this.file, `version not supported: X12 "${version || isaVersion}" is 4010 (retired in 2012); only 5010 ${type} (${SUPPORTED_GUIDES[type].join(', ')}) is read`, where);
    }
    if (!version.startsWith('00501')) {
      if (isaVersion !== '00501') {
        throw x12Error('X12_UNSUPPORTED_VERSION', seg, this.file, `version not supported: X12 "${version}" (ISA12 "${isaVersion}") is not recognised; expected ${SUPPORTED_GUIDES[type].join(' or ')}`, where);
      }
      this.warn('X12_UNSUPPORTED_VERSION', seg, `implementation guide "${version}" is not recognised; read as 5010 because ISA12 is 00501`, where);
      base.masked = true;
    } else if (!SUPPORTED_GUIDES[type].includes(version)) {
      this.warn('X12_UNSUPPORTED_VERSION', seg, `implementation guide ${version} is not ${SUPPORTED_GUIDES[type].join(' or ')}; read with the closest supported guide`, where);
    }
    if (type === '835') return new Builder835(base, this.file, this.warn);
    const variant = version.includes('X223') ? 'I' : version.includes('X224') ? 'D' : 'P';
    return new Builder837(base, variant, this.file, this.warn);
  }

  private onSe(seg: RawSegment): void {
    const st = this.st;
    if (!st) {
      this.error(x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'SE without an open transaction set'));
      return;
    }
    this.st = undefined;
    const n = el(seg, 1);
    if (n !== String(st.count)) this.warn('X12_BAD_ENVELOPE', seg, `SE01 says ${n} segments, the transaction set has ${st.count} (ST to SE inclusive)`, 1);
    if (el(seg, 2) !== st.base.controlNumber) this.warn('X12_BAD_ENVELOPE', seg, `SE02 "${el(seg, 2)}" does not match ST02 "${st.base.controlNumber}"`, 2);
    if (st.failed) return;
    st.base.segmentCount = st.count;
    let tx: Transaction;
    try {
      tx = st.builder ? st.builder.finish(seg) : { ...st.base };
    } catch (e) {
      this.txError(st, e);
      return;
    }
    if (!st.builder) this.warn('X12_UNSUPPORTED_TRANSACTION', st.seg, `transaction set ${st.base.type} is read for its envelope only (835 and 837 are analysed)`, 1);
    this.transactionCount++;
    if ('claims' in tx && Array.isArray(tx.claims)) this.claimCount += tx.claims.length;
    if (this.keep) this.transactions.push(tx);
    this.onTransaction?.(tx);
  }
}

/** Parse a whole X12 file held in memory. Never throws for bad input: errors are in the result. */
export function parseX12(input: string | Uint8Array, opts: { file?: string } = {}): ParseX12Result {
  const r = new X12Reader({ file: opts.file });
  r.push(input);
  return r.end();
}

/** Parse a stream (file, socket) chunk by chunk with flat memory. */
export async function parseX12Stream(input: AsyncIterable<Uint8Array | string>, opts: ReaderOptions = {}): Promise<ParseX12Result & { transactionCount: number; claimCount: number; warningCount: number; errorCount: number }> {
  const r = new X12Reader(opts);
  for await (const chunk of input) r.push(chunk);
  const res = r.end();
  return { ...res, transactionCount: r.transactionCount, claimCount: r.claimCount, warningCount: r.warningCount, errorCount: r.errorCount };
}

/** Number of claims in a parsed transaction: CLP for an 835, CLM for an 837, 0 otherwise. */
export function claimCount(t: Transaction): number {
  return 'claims' in t && Array.isArray(t.claims) ? t.claims.length : 0;
}
