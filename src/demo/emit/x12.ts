// X12 5010 writers for the demo's 835 remittances and 837P claims. Envelopes are exact: ISA is 106
// characters, SE01 counts ST through SE, GE01/IEA01 count their children, control numbers match.
import { x12Date, x12Time } from '../calendar.ts';

export const ELEMENT = '*';
export const COMPONENT = ':';
export const REPETITION = '^';
export const TERMINATOR = '~';

export interface Envelope {
  senderQualifier: string;
  senderId: string;
  receiverQualifier: string;
  receiverId: string;
  /** GS02 / GS03 application codes. */
  gsSender: string;
  gsReceiver: string;
  control: number;
  time: number;
  functional: 'HP' | 'HC';
  version: '005010X221A1' | '005010X222A1';
}

function pad(v: string, n: number): string {
  return v.length >= n ? v.slice(0, n) : v + ' '.repeat(n - v.length);
}

export function money(n: number): string {
  const s = (Math.round(n * 100) / 100).toFixed(2);
  return s.replace(/\.00$/, '').replace(/(\.\d)0$/, '$1');
}

/** Segments from ST through SE (the caller provides the body between them). */
export function transaction(id: '835' | '837', control: string, body: string[][], version?: string): string[][] {
  const st = version ? ['ST', id, control, version] : ['ST', id, control];
  const segs = [st, ...body];
  segs.push(['SE', String(segs.length + 1), control]);
  return segs;
}

export function interchange(env: Envelope, transactions: string[][][]): string {
  const date6 = x12Date(env.time).slice(2);
  const ctl = String(env.control).padStart(9, '0');
  const isa = ['ISA', '00', pad('', 10), '00', pad('', 10), env.senderQualifier, pad(env.senderId, 15), env.receiverQualifier, pad(env.receiverId, 15), date6, x12Time(env.time), REPETITION, '00501', ctl, '0', 'P', COMPONENT].join(ELEMENT);
  if (isa.length !== 105) throw new Error(`ISA must be 105 characters before its terminator, got ${isa.length}`);
  const segs: string[] = [isa];
  segs.push(['GS', env.functional, env.gsSender, env.gsReceiver, x12Date(env.time), x12Time(env.time), String(env.control), 'X', env.version].join(ELEMENT));
  for (const t of transactions) for (const s of t) segs.push(s.join(ELEMENT));
  segs.push(['GE', String(transactions.length), String(env.control)].join(ELEMENT));
  segs.push(['IEA', '1', ctl].join(ELEMENT));
  return segs.join(TERMINATOR + '\n') + TERMINATOR + '\n';
}
