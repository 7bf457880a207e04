// 837P (005010X222A1) and 837I (005010X223A2): a loop-aware state machine fed one segment at a time.
//
//   header   BHT [REF]                    1000A NM1*41 PER    1000B NM1*40
//   2000A    HL*..*20  PRV CUR            2010AA NM1*85 N3 N4 REF PER (req, once)
//                                         2010AB NM1*87 N3 N4 (once)   2010AC NM1*PE N3 N4 REF (once)
//   2000B    HL*..*22  SBR PAT            2010BA NM1*IL (req)  2010BB NM1*PR (req)
//   2000C    HL*..*23  PAT                2010CA NM1*QC (req)
//   2300     CLM DTP CL1 PWK CN1 AMT REF K3 NTE CR1 CR2 CRC HI (req) HCP
//     2310   NM1 (claim providers)   2320 SBR CAS AMT OI MIA MOA   2330 NM1 (other payer parties)
//     2400   LX SV1|SV2 (req) … DTP REF AMT NTE   2410 LIN   2420 NM1   2430 SVD CAS DTP   2440 LQ FRM
//
// Errors (content ambiguous): a segment in no loop that can hold it, a repeated once-only loop,
// a required loop or segment missing, a bad entity code. Warnings: HL numbering and parent ids.
import { addRef, addToParty, checkElements, hiCodes, looksMasked, newParty } from './common.ts';
import { amount, comp, el, opt, x12Error } from './segment.ts';
import type { RawSegment } from './tokenizer.ts';
import type { BillingProvider, Claim837, Claims837, Party, ServiceLine, TransactionBase } from './types.ts';
import type { TxBuilder, WarnFn } from './builder.ts';

type Loop =
  | 'header' | '1000A' | '1000B'
  | '2000A' | '2010AA' | '2010AB' | '2010AC'
  | '2000B' | '2010BA' | '2010BB'
  | '2000C' | '2010CA'
  | '2300' | '2310' | '2320' | '2330'
  | '2400' | '2410' | '2420' | '2430' | '2440';

/** Data segments each loop may hold (after its first segment). */
const DATA: Record<Loop, readonly string[]> = {
  header: ['BHT', 'REF'],
  '1000A': ['N2', 'PER'],
  '1000B': ['N2'],
  '2000A': ['PRV', 'CUR'],
  '2010AA': ['N2', 'N3', 'N4', 'REF', 'PER'],
  '2010AB': ['N2', 'N3', 'N4', 'REF'],
  '2010AC': ['N2', 'N3', 'N4', 'REF'],
  '2000B': ['SBR', 'PAT'],
  '2010BA': ['N2', 'N3', 'N4', 'DMG', 'REF', 'PER'],
  '2010BB': ['N2', 'N3', 'N4', 'REF'],
  '2000C': ['PAT'],
  '2010CA': ['N2', 'N3', 'N4', 'DMG', 'REF', 'PER'],
  '2300': ['DTP', 'CL1', 'DN1', 'DN2', 'PWK', 'CN1', 'AMT', 'REF', 'K3', 'NTE', 'CR1', 'CR2', 'CR3', 'CR6', 'CR7', 'CRC', 'HI', 'HCP', 'HSD', 'QTY'],
  '2310': ['N2', 'PRV', 'N3', 'N4', 'REF', 'PER'],
  '2320': ['CAS', 'AMT', 'DMG', 'OI', 'MIA', 'MOA'],
  '2330': ['N2', 'N3', 'N4', 'DTP', 'REF', 'PER'],
  '2400': ['SV1', 'SV2', 'SV3', 'SV4', 'SV5', 'SV7', 'TOO', 'PWK', 'CR1', 'CR3', 'CR5', 'CRC', 'DTP', 'QTY', 'MEA', 'CN1', 'REF', 'AMT', 'K3', 'NTE', 'PS1', 'HCP', 'HSD'],
  '2410': ['CTP', 'REF'],
  '2420': ['N2', 'PRV', 'N3', 'N4', 'REF', 'PER'],
  '2430': ['CAS', 'DTP', 'AMT'],
  '2440': ['FRM'],
};

/** Segment order inside name loops (NM1 … PER); going backwards is "out of order". */
const NAME_ORDER: Record<string, number> = { NM1: 0, N2: 1, PRV: 2, N3: 3, N4: 4, DMG: 5, DTP: 6, REF: 7, PER: 8 };
const NAME_LOOPS = new Set<Loop>(['1000A', '1000B', '2010AA', '2010AB', '2010AC', '2010BA', '2010BB', '2010CA', '2310', '2330', '2420']);

/** Which loops a given loop sits in (innermost first), for "belongs to an enclosing loop" messages. */
const PARENT: Partial<Record<Loop, Loop>> = {
  '1000A': 'header', '1000B': 'header',
  '2010AA': '2000A', '2010AB': '2000A', '2010AC': '2000A',
  '2010BA': '2000B', '2010BB': '2000B', '2010CA': '2000C',
  '2310': '2300', '2320': '2300', '2330': '2320',
  '2410': '2400', '2420': '2400', '2430': '2400', '2440': '2400',
};

const LOOP_NAMES: Record<Loop, string> = {
  header: 'header', '1000A': '1000A submitter', '1000B': '1000B receiver',
  '2000A': '2000A billing provider', '2010AA': '2010AA billing provider name', '2010AB': '2010AB pay-to address', '2010AC': '2010AC pay-to plan',
  '2000B': '2000B subscriber', '2010BA': '2010BA subscriber name', '2010BB': '2010BB payer name',
  '2000C': '2000C patient', '2010CA': '2010CA patient name',
  '2300': '2300 claim', '2310': '2310 claim provider', '2320': '2320 other subscriber', '2330': '2330 other payer party',
  '2400': '2400 service line', '2410': '2410 drug', '2420': '2420 line provider', '2430': '2430 line adjudication', '2440': '2440 form',
};

const NM1_2310 = ['DN', 'P3', '82', '77', 'DQ', 'DD', 'PW', '45', '71', '72', 'ZZ', 'FA', 'QB', 'DK', 'PE', '40'];
const NM1_2330 = ['IL', 'PR', 'DN', 'P3', '82', '77', 'DQ', '85', 'PW', '45', '71', '72', 'ZZ', 'QC', 'TT', '36', 'FA'];
const NM1_2420 = ['82', 'QB', '77', 'DN', 'P3', 'DK', 'DQ', 'DD', 'PW', '45', '71', '72', 'ZZ', 'FA', 'PR'];

interface Level {
  hl: string;
  code: '20' | '22' | '23';
  seg: RawSegment;
  hasChildFlag: string;
  loopsSeen: Set<Loop>;
  segsSeen: Set<string>;
}

export class Builder837 implements TxBuilder {
  private loop: Loop = 'header';
  private nameRank = 0;
  private readonly file: string | undefined;
  private readonly warn: WarnFn;
  private readonly base: TransactionBase;
  private readonly variant: 'P' | 'I' | 'D';
  private bht: Claims837['bht'] | undefined;
  private submitter: Party | undefined;
  private receiver: Party | undefined;
  private party: Party | undefined;
  private readonly providers: BillingProvider[] = [];
  private readonly claims: Claim837[] = [];
  private billing: Level | undefined;
  private subscriber: Level | undefined;
  private patientLevel: Level | undefined;
  private subscriberParty: Party | undefined;
  private payerParty: Party | undefined;
  private patientParty: Party | undefined;
  private sbr: RawSegment | undefined;
  private claim: Claim837 | undefined;
  private claimSegs = new Set<string>();
  private line: ServiceLine | undefined;
  private lineSegs = new Set<string>();
  private lineSeg: RawSegment | undefined;
  private readonly hlIds = new Set<string>();
  private hlCount = 0;
  private masked = 0;

  constructor(base: TransactionBase, variant: 'P' | 'I' | 'D', file: string | undefined, warn: WarnFn) {
    this.base = base;
    this.variant = variant;
    this.file = file;
    this.warn = warn;
  }

  add(seg: RawSegment): void {
    checkElements(seg, this.file, this.loop);
    switch (seg.id) {
      case 'BHT':
        if (this.loop !== 'header' || this.bht) throw this.outOfPlace(seg);
        this.bht = { purpose: el(seg, 2), reference: opt(seg, 3), date: opt(seg, 4), time: opt(seg, 5), claimType: opt(seg, 6) };
        return;
      case 'HL':
        return this.hl(seg);
      case 'NM1':
        return this.nm1(seg);
      case 'CLM':
        return this.clm(seg);
      case 'LX':
        return this.lx(seg);
      case 'SBR':
        if (this.inClaim()) return this.enter(seg, '2320');
        break;
      case 'LIN':
        if (this.inLine()) return this.enter(seg, '2410');
        break;
      case 'SVD':
        if (this.inLine()) return this.enter(seg, '2430');
        break;
      case 'LQ':
        if (this.inLine()) return this.enter(seg, '2440');
        break;
      case 'SV1':
      case 'SV2':
      case 'SV3':
      case 'SV5':
        if (this.claim && !this.line) {
          throw x12Error('X12_MISSING_SEGMENT', seg, this.file, `LX service line number is missing before ${seg.id} (claim at segment ${this.claim.segment})`, undefined, this.loop);
        }
        break;
      default:
        break;
    }
    this.data(seg);
  }

  private inClaim(): boolean {
    return this.claim !== undefined;
  }

  private inLine(): boolean {
    return this.line !== undefined;
  }

  private enter(seg: RawSegment, loop: Loop): void {
    this.loop = loop;
    this.nameRank = 0;
    if (loop === '2320' && this.claim) this.claim.otherPayers++;
  }

  private outOfPlace(seg: RawSegment, extra = ''): Error {
    // Does it belong to an enclosing loop? Then it came after a child loop: out of order.
    for (let l = PARENT[this.loop]; l; l = PARENT[l]) {
      if (DATA[l].includes(seg.id)) {
        return x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, `${seg.id} belongs to loop ${LOOP_NAMES[l]} but comes after loop ${LOOP_NAMES[this.loop]} (segment out of order)`, undefined, this.loop);
      }
    }
    return x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, `${seg.id} is not expected in loop ${LOOP_NAMES[this.loop]}${extra}`, undefined, this.loop);
  }

  private data(seg: RawSegment): void {
    if (!DATA[this.loop].includes(seg.id)) throw this.outOfPlace(seg);
    if (NAME_LOOPS.has(this.loop)) {
      const rank = NAME_ORDER[seg.id] ?? 0;
      if (rank < this.nameRank) {
        throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, `${seg.id} is out of order in loop ${LOOP_NAMES[this.loop]} (it must come before the segments already read)`, undefined, this.loop);
      }
      if (seg.id === 'N4' && this.nameRank < NAME_ORDER.N3 && this.loop !== '2010BB' && this.loop !== '2330') {
        throw x12Error('X12_MISSING_SEGMENT', seg, this.file, `N3 address line is missing before N4 in loop ${LOOP_NAMES[this.loop]}`, undefined, this.loop);
      }
      this.nameRank = rank;
      if (this.party) addToParty(this.party, seg);
      this.levelSeg(seg.id);
      return;
    }
    switch (this.loop) {
      case '2000A':
        if (seg.id === 'PRV' && this.providers.length) this.providers[this.providers.length - 1].taxonomy = opt(seg, 3);
        break;
      case '2000B':
        if (seg.id === 'SBR') this.sbr = seg;
        this.levelSeg(seg.id);
        break;
      case '2000C':
        this.levelSeg(seg.id);
        break;
      case '2300':
        this.claimData(seg);
        break;
      case '2400':
        this.lineData(seg);
        break;
      default:
        break;
    }
  }

  private levelSeg(id: string): void {
    const lvl = this.currentLevel();
    if (lvl) lvl.segsSeen.add(`${this.loop}:${id}`);
  }

  private currentLevel(): Level | undefined {
    return this.patientLevel ?? this.subscriber ?? this.billing;
  }

  private claimData(seg: RawSegment): void {
    const c = this.claim;
    if (!c) return;
    this.claimSegs.add(seg.id);
    if (seg.id === 'DTP') c.dates.push({ qualifier: el(seg, 1), format: el(seg, 2), value: el(seg, 3) });
    else if (seg.id === 'REF') addRef(c.refs, seg);
    else if (seg.id === 'HI') c.diagnoses.push(...hiCodes(seg));
  }

  private lineData(seg: RawSegment): void {
    const l = this.line;
    if (!l) return;
    this.lineSegs.add(seg.id);
    switch (seg.id) {
      case 'SV1': {
        if (this.lineSegs.has('SV2')) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'a service line has both SV1 and SV2', undefined, '2400');
        l.procedure = comp(seg, 1);
        l.charge = amount(seg, 2, this.file);
        l.unitBasis = opt(seg, 3);
        l.units = amount(seg, 4, this.file);
        l.placeOfService = opt(seg, 5);
        break;
      }
      case 'SV2': {
        if (this.lineSegs.has('SV1')) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'a service line has both SV1 and SV2', undefined, '2400');
        l.revenueCode = opt(seg, 1);
        l.procedure = comp(seg, 2);
        l.charge = amount(seg, 3, this.file);
        l.unitBasis = opt(seg, 4);
        l.units = amount(seg, 5, this.file);
        break;
      }
      case 'SV3':
        l.procedure = comp(seg, 1);
        l.charge = amount(seg, 2, this.file);
        l.placeOfService = opt(seg, 3);
        l.units = amount(seg, 6, this.file);
        break;
      case 'DTP':
        l.dates.push({ qualifier: el(seg, 1), format: el(seg, 2), value: el(seg, 3) });
        break;
      case 'REF':
        addRef(l.refs, seg);
        break;
      default:
        break;
    }
  }

  // ------------------------------------------------------------ hierarchy

  private hl(seg: RawSegment): void {
    const id = el(seg, 1);
    const parent = el(seg, 2);
    const code = el(seg, 3) as Level['code'];
    this.hlCount++;
    if (id !== String(this.hlCount)) {
      this.warn('X12_BAD_SEGMENT', seg, `HL01 is "${id}", expected ${this.hlCount} (HL ids count 1, 2, 3 …)`, 1);
    }
    if (this.hlIds.has(id)) this.warn('X12_BAD_SEGMENT', seg, `HL01 "${id}" repeats an earlier HL id`, 1);
    if (parent && !this.hlIds.has(parent)) this.warn('X12_BAD_SEGMENT', seg, `HL02 parent "${parent}" is not an earlier HL id`, 2);
    this.hlIds.add(id);
    const level: Level = { hl: id, code, seg, hasChildFlag: el(seg, 4), loopsSeen: new Set(), segsSeen: new Set() };
    this.closeClaim(seg);
    if (code === '20') {
      if (!this.submitter) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'loop 1000A submitter name (NM1*41) is missing before the first HL', undefined, 'header');
      if (!this.receiver) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'loop 1000B receiver name (NM1*40) is missing before the first HL', undefined, 'header');
      if (!this.bht) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'BHT is missing after ST', undefined, 'header');
      this.closeSubscriber(seg);
      this.closeBilling(seg);
      this.billing = level;
      this.subscriber = undefined;
      this.patientLevel = undefined;
      if (parent) this.warn('X12_BAD_SEGMENT', seg, 'HL02 of a billing provider level (HL03=20) should be empty', 2);
      this.providers.push({ segment: seg.index, hl: id, billing: { entity: '85', refs: {}, contacts: [] } });
      this.loop = '2000A';
    } else if (code === '22') {
      if (!this.billing) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'subscriber level (HL03=22) without a billing provider level (HL03=20) before it', 3, this.loop);
      this.closeSubscriber(seg);
      this.checkBillingHeader(seg);
      this.subscriber = level;
      this.patientLevel = undefined;
      this.subscriberParty = undefined;
      this.payerParty = undefined;
      this.patientParty = undefined;
      this.sbr = undefined;
      this.loop = '2000B';
    } else {
      if (!this.subscriber) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'patient level (HL03=23) without a subscriber level (HL03=22) before it', 3, this.loop);
      this.closePatient(seg);
      this.checkSubscriberHeader(seg);
      if (this.subscriber.hasChildFlag === '0') this.warn('X12_BAD_SEGMENT', seg, 'patient level follows a subscriber whose HL04 says it has no children', 4);
      this.patientLevel = level;
      this.patientParty = undefined;
      this.loop = '2000C';
    }
    this.nameRank = 0;
    this.party = undefined;
  }

  private checkBillingHeader(at: RawSegment): void {
    const b = this.billing;
    if (!b) return;
    if (!b.loopsSeen.has('2010AA')) throw x12Error('X12_MISSING_SEGMENT', at, this.file, `loop 2010AA billing provider name (NM1*85) is missing in the billing provider level that starts at segment ${b.seg.index}`, undefined, '2000A');
    this.requireInName(b, '2010AA', ['N3', 'N4'], at);
    if (b.loopsSeen.has('2010AB')) this.requireInName(b, '2010AB', ['N3', 'N4'], at);
  }

  private requireInName(lvl: Level, loop: Loop, segs: string[], at: RawSegment): void {
    for (const s of segs) {
      if (!lvl.segsSeen.has(`${loop}:${s}`)) {
        throw x12Error('X12_MISSING_SEGMENT', at, this.file, `required segment ${s} is missing from loop ${LOOP_NAMES[loop]} (level starting at segment ${lvl.seg.index})`, undefined, loop);
      }
    }
  }

  private checkSubscriberHeader(at: RawSegment): void {
    const s = this.subscriber;
    if (!s || s.segsSeen.has('checked')) return;
    if (!s.segsSeen.has('2000B:SBR')) throw x12Error('X12_MISSING_SEGMENT', at, this.file, `SBR subscriber information is missing from the subscriber level that starts at segment ${s.seg.index}`, undefined, '2000B');
    if (!s.loopsSeen.has('2010BA')) throw x12Error('X12_MISSING_SEGMENT', at, this.file, `required loop 2010BA subscriber name (NM1*IL) is missing from the subscriber level that starts at segment ${s.seg.index}`, undefined, '2000B');
    if (!s.loopsSeen.has('2010BB')) throw x12Error('X12_MISSING_SEGMENT', at, this.file, `required loop 2010BB payer name (NM1*PR) is missing from the subscriber level that starts at segment ${s.seg.index}`, undefined, '2000B');
    s.segsSeen.add('checked');
  }

  private checkPatientHeader(at: RawSegment): void {
    const p = this.patientLevel;
    if (!p || p.segsSeen.has('checked')) return;
    if (!p.loopsSeen.has('2010CA')) throw x12Error('X12_MISSING_SEGMENT', at, this.file, `required loop 2010CA patient name (NM1*QC) is missing from the patient level that starts at segment ${p.seg.index}`, undefined, '2000C');
    p.segsSeen.add('checked');
  }

  private closeBilling(at: RawSegment): void {
    if (this.billing) this.checkBillingHeader(at);
  }

  private closeSubscriber(at: RawSegment): void {
    this.closePatient(at);
    if (this.subscriber) this.checkSubscriberHeader(at);
  }

  private closePatient(at: RawSegment): void {
    if (this.patientLevel) this.checkPatientHeader(at);
  }

  // ------------------------------------------------------------ names

  private nm1(seg: RawSegment): void {
    const code = el(seg, 1);
    const party = newParty(seg);
    const bad = (expected: readonly string[], where: string): Error =>
      x12Error('X12_BAD_SEGMENT', seg, this.file, `invalid entity identifier code "${code.slice(0, 6)}" in ${where} (expected ${expected.join(', ')})`, 1, this.loop);
    const once = (lvl: Level, loop: Loop): void => {
      if (lvl.loopsSeen.has(loop)) {
        throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, `loop ${LOOP_NAMES[loop]} (NM1*${code}) repeats; it may appear only once per level (level starting at segment ${lvl.seg.index})`, 1, loop);
      }
      lvl.loopsSeen.add(loop);
    };
    this.party = party;
    this.nameRank = 0;
    if (this.line) {
      if (this.loop === '2430' || this.loop === '2440') throw this.outOfPlace(seg);
      if (!NM1_2420.includes(code)) throw bad(NM1_2420, 'loop 2420 line provider');
      this.line.providers.push(party);
      this.loop = '2420';
      return;
    }
    if (this.claim) {
      if (this.loop === '2320' || this.loop === '2330') {
        if (!NM1_2330.includes(code)) throw bad(NM1_2330, 'loop 2330 other payer party');
        this.loop = '2330';
        return;
      }
      if (!NM1_2310.includes(code)) throw bad(NM1_2310, 'loop 2310 claim provider');
      this.claim.providers.push(party);
      this.loop = '2310';
      return;
    }
    if (this.patientLevel) {
      if (code !== 'QC') throw bad(['QC'], 'the patient level (2000C)');
      once(this.patientLevel, '2010CA');
      this.patientParty = party;
      this.loop = '2010CA';
      this.levelSeg('NM1');
      return;
    }
    if (this.subscriber) {
      if (code === 'IL') {
        once(this.subscriber, '2010BA');
        this.subscriberParty = party;
        this.loop = '2010BA';
      } else if (code === 'PR') {
        once(this.subscriber, '2010BB');
        this.payerParty = party;
        this.loop = '2010BB';
      } else {
        throw bad(['IL', 'PR'], 'the subscriber level (2000B)');
      }
      this.levelSeg('NM1');
      return;
    }
    if (this.billing) {
      const bp = this.providers[this.providers.length - 1];
      if (code === '85') {
        once(this.billing, '2010AA');
        bp.billing = party;
        this.loop = '2010AA';
      } else if (code === '87') {
        once(this.billing, '2010AB');
        bp.payTo = party;
        this.loop = '2010AB';
      } else if (code === 'PE') {
        once(this.billing, '2010AC');
        bp.payToPlan = party;
        this.loop = '2010AC';
      } else {
        throw bad(['85', '87', 'PE'], 'the billing provider level (2000A)');
      }
      this.levelSeg('NM1');
      return;
    }
    // header
    if (code === '41') {
      if (this.submitter) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'loop 1000A submitter name (NM1*41) repeats', 1, '1000A');
      if (!this.bht) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'BHT is missing after ST', undefined, 'header');
      this.submitter = party;
      this.loop = '1000A';
    } else if (code === '40') {
      if (this.receiver) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'loop 1000B receiver name (NM1*40) repeats', 1, '1000B');
      if (!this.submitter) throw x12Error('X12_MISSING_SEGMENT', seg, this.file, 'loop 1000A submitter name (NM1*41) is missing before 1000B', undefined, 'header');
      this.receiver = party;
      this.loop = '1000B';
    } else {
      throw bad(this.submitter ? ['40'] : ['41'], 'the transaction header');
    }
  }

  // ------------------------------------------------------------ claims and lines

  private clm(seg: RawSegment): void {
    if (!this.subscriber) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'CLM outside a subscriber or patient level (no HL*..*22 before it)', undefined, this.loop);
    this.closeClaim(seg);
    this.checkBillingHeader(seg);
    this.checkSubscriberHeader(seg);
    this.checkPatientHeader(seg);
    const c5 = comp(seg, 5);
    this.claim = {
      segment: seg.index,
      patientControlNumber: el(seg, 1),
      charge: amount(seg, 2, this.file),
      facilityCode: c5[0] || undefined,
      facilityQualifier: c5[1] || undefined,
      frequency: c5[2] || undefined,
      billingProvider: this.providers.length - 1,
      subscriber: this.subscriberParty,
      payer: this.payerParty,
      patient: this.patientParty,
      payerResponsibility: this.sbr ? opt(this.sbr, 1) : undefined,
      filingIndicator: this.sbr ? opt(this.sbr, 9) : undefined,
      dates: [],
      refs: {},
      diagnoses: [],
      providers: [],
      otherPayers: 0,
      lines: [],
    };
    this.claims.push(this.claim);
    this.claimSegs = new Set();
    this.line = undefined;
    this.party = undefined;
    this.loop = '2300';
    this.countMasked(this.providers[this.providers.length - 1]?.billing.id, this.subscriberParty?.id, this.subscriberParty?.name, this.claim.patientControlNumber);
  }

  private lx(seg: RawSegment): void {
    if (!this.claim) throw x12Error('X12_UNEXPECTED_SEGMENT', seg, this.file, 'LX service line outside a claim (no CLM before it)', undefined, this.loop);
    this.closeLine();
    if (!this.line) this.checkClaimHeader(seg);
    const n = el(seg, 1);
    const want = String(this.claim.lines.length + 1);
    if (n !== want) this.warn('X12_BAD_SEGMENT', seg, `LX01 is "${n}", expected ${want} (service lines count 1, 2, 3 … within a claim)`, 1);
    this.lineSeg = seg;
    this.line = { segment: seg.index, number: n, procedure: [], dates: [], refs: {}, providers: [] };
    this.lineSegs = new Set();
    this.claim.lines.push(this.line);
    this.party = undefined;
    this.loop = '2400';
  }

  private checkClaimHeader(at: RawSegment): void {
    const c = this.claim;
    if (!c) return;
    if (!this.claimSegs.has('HI') && !this.claimSegs.has('checked')) {
      // Required by the TR3, but its absence leaves the claim readable (and real files omit it).
      this.warn('X12_MISSING_SEGMENT', at, `required HI health care diagnosis/code segment is missing from the claim (CLM at segment ${c.segment})`);
      this.claimSegs.add('checked');
    }
  }

  private closeLine(): void {
    const l = this.line;
    if (!l || !this.lineSeg) return;
    if (!['SV1', 'SV2', 'SV3', 'SV4', 'SV5', 'SV7'].some((s) => this.lineSegs.has(s))) {
      throw x12Error('X12_MISSING_SEGMENT', this.lineSeg, this.file, `service line ${l.number} has no ${this.variant === 'I' ? 'SV2 institutional' : this.variant === 'D' ? 'SV3 dental' : 'SV1 professional'} service segment`, undefined, '2400');
    }
  }

  private closeClaim(at?: RawSegment): void {
    this.closeLine();
    if (at && this.claim && !this.claim.lines.length) this.checkClaimHeader(at);
    this.line = undefined;
    this.claim = undefined;
    this.party = undefined;
  }

  private countMasked(...vals: (string | undefined)[]): void {
    for (const v of vals) if (looksMasked(v)) this.masked++;
  }

  finish(se: RawSegment): Claims837 {
    this.closeClaim(se);
    if (this.subscriber) this.checkSubscriberHeader(se);
    if (this.patientLevel) this.checkPatientHeader(se);
    if (this.billing) this.checkBillingHeader(se);
    if (!this.bht) throw x12Error('X12_MISSING_SEGMENT', se, this.file, 'BHT is missing', undefined, 'header');
    if (!this.submitter || !this.receiver) throw x12Error('X12_MISSING_SEGMENT', se, this.file, 'submitter (1000A) or receiver (1000B) name is missing', undefined, 'header');
    if (!this.providers.length) throw x12Error('X12_MISSING_SEGMENT', se, this.file, 'no billing provider level (HL*..*20) in the transaction', undefined, 'header');
    return {
      ...this.base,
      type: '837',
      variant: this.variant,
      masked: this.base.masked || this.masked >= 2,
      bht: this.bht,
      submitter: this.submitter,
      receiver: this.receiver,
      billingProviders: this.providers,
      claims: this.claims,
    };
  }
}
