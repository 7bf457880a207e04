// Claim watch: what an 837 stream says about who submits, when, for whom and how often.
//
// Pure functions over a plain-JSON state (the pipeline persists it). Duplicate-claim keys are
// stored hashed, so the state holds no patient identifiers.
//
//   observeClaims(state, tx)   learn from one 837 transaction and alert on what is unusual
//   allowSubmitter / allowReceiver(state, id)   add ids to the known lists
import type { Alert } from '../../core/index.ts';
import { billingAlert, capRecord, DAY_MS, fingerprint, median, normAddress, x12Time, ymd, type AlertOptions, type BillingRule } from '../alerts.ts';
import type { Claim837, Claims837 } from '../x12/index.ts';

const TAGS = ['attack.impact', 'attack.t1565.001'];

export const CLAIM_RULES = {
  unknownSubmitter: { id: 'claimguard.billing.claims.unknown_submitter', title: '837 from a submitter id not on the known list', level: 'high', tags: ['attack.initial_access', 'attack.t1078'], anchor: 'unknown-submitter' },
  unknownReceiver: { id: 'claimguard.billing.claims.unknown_receiver', title: '837 addressed to a receiver id not on the known list', level: 'high', tags: ['attack.exfiltration', 'attack.t1048'], anchor: 'unknown-receiver' },
  volumeSpike: { id: 'claimguard.billing.claims.volume_spike', title: 'Claim volume spike for a submitter', level: 'medium', tags: TAGS, anchor: 'volume-spike' },
  unusualHour: { id: 'claimguard.billing.claims.unusual_hour', title: '837 created at an hour unusual for its submitter', level: 'low', tags: ['attack.initial_access', 'attack.t1078'], anchor: 'unusual-hour' },
  billingAddress: { id: 'claimguard.billing.claims.billing_address_changed', title: 'Billing provider address or TIN changed', level: 'medium', tags: TAGS, anchor: 'provider-address' },
  payToAddress: { id: 'claimguard.billing.claims.payto_address_changed', title: 'Pay-to address changed (where paper checks go)', level: 'high', tags: ['attack.impact', 'attack.t1657'], anchor: 'provider-address' },
  duplicate: { id: 'claimguard.billing.claims.duplicate', title: 'Duplicate claims', level: 'medium', tags: TAGS, anchor: 'duplicate-claims' },
} as const satisfies Record<string, BillingRule>;

export interface SubmitterStats {
  /** CCYYMMDD → claims that day (last `historyDays`). */
  days: Record<string, number>;
  /** Transactions per creation hour 0–23. */
  hours: number[];
  transactions: number;
  spikeAlertedOn?: string;
}

export interface ClaimState {
  version: 1;
  /** Known submitter (1000A NM109) and receiver (1000B NM109) ids. Empty lists are learned from the first 837. */
  known: { submitters: string[]; receivers: string[] };
  /** Unknown ids already alerted on (one alert per id). */
  alertedIds: string[];
  submitters: Record<string, SubmitterStats>;
  /** Billing provider NPI → last billing address, pay-to address and TIN. */
  providers: Record<string, { billingAddress?: string; payToAddress?: string; tin?: string }>;
  /** Hashed patient-control-number keys → first day seen. */
  controlNumbers: Record<string, string>;
  /** Hashed patient + service date + amount + provider keys → first day seen. */
  serviceKeys: Record<string, string>;
  evicted: number;
}

export interface ClaimWatchOptions extends AlertOptions {
  /** Days of daily counts kept per submitter (default 90). */
  historyDays?: number;
  /** A day is a spike above max(spikeMin, spikeFactor × median of earlier active days) (defaults 30, 3). */
  spikeMin?: number;
  spikeFactor?: number;
  /** Active days of history needed before spikes are judged (default 7). */
  spikeHistoryDays?: number;
  /** Transactions of history needed before hours are judged (default 20). */
  hourHistory?: number;
  /** An hour is unusual when it holds less than this share of the submitter's history (default 0.02), counting ±1 h. */
  hourShare?: number;
  /** Duplicate keys kept (default 200,000 each; the oldest go first). */
  maxKeys?: number;
  now?: number;
}

export function newClaimState(known: { submitters?: string[]; receivers?: string[] } = {}): ClaimState {
  return { version: 1, known: { submitters: [...(known.submitters ?? [])], receivers: [...(known.receivers ?? [])] }, alertedIds: [], submitters: {}, providers: {}, controlNumbers: {}, serviceKeys: {}, evicted: 0 };
}

export function allowSubmitter(state: ClaimState, id: string): ClaimState {
  const next = structuredClone(state);
  if (!next.known.submitters.includes(id)) next.known.submitters.push(id);
  return next;
}

export function allowReceiver(state: ClaimState, id: string): ClaimState {
  const next = structuredClone(state);
  if (!next.known.receivers.includes(id)) next.known.receivers.push(id);
  return next;
}

function mask(v: string): string {
  return v.length <= 4 ? '****' : '****' + v.slice(-4);
}

function serviceDate(c: Claim837): string | undefined {
  for (const l of c.lines) {
    const d = l.dates.find((x) => x.qualifier === '472');
    if (d) return d.value.slice(0, 8);
  }
  return c.dates.find((x) => x.qualifier === '434' || x.qualifier === '472')?.value.slice(0, 8);
}

/** Learn from one 837 and return the alerts it raises. */
export function observeClaims(state: ClaimState, tx: Claims837, opts: ClaimWatchOptions = {}): { state: ClaimState; alerts: Alert[] } {
  const next = structuredClone(state);
  const alerts: Alert[] = [];
  const date = [tx.bht.date, tx.envelope.groupDate].find((d) => x12Time(d) !== undefined) ?? ymd(opts.now ?? Date.now());
  const hhmm = tx.bht.date === date ? tx.bht.time : tx.envelope.groupTime;
  const time = x12Time(date, hhmm) ?? opts.now ?? Date.now();
  const submitter = tx.submitter.id ?? tx.envelope.sender.id;
  const receiver = tx.receiver.id ?? tx.envelope.receiver.id;
  const base = { submitter, submitter_name: tx.submitter.name, receiver, receiver_name: tx.receiver.name, interchange_sender: tx.envelope.sender.id };
  const raise = (rule: BillingRule, note: string, extra: Record<string, string | undefined> = {}, key = submitter): void => {
    alerts.push(billingAlert(rule, time, { ...base, ...extra }, note, opts, key));
  };

  // 1. Known submitters and receivers.
  const learnIds = next.known.submitters.length === 0 && next.known.receivers.length === 0;
  if (learnIds) {
    next.known.submitters.push(submitter);
    next.known.receivers.push(receiver);
  } else {
    if (!next.known.submitters.includes(submitter) && !next.alertedIds.includes(`s:${submitter}`)) {
      next.alertedIds.push(`s:${submitter}`);
      raise(CLAIM_RULES.unknownSubmitter, `submitter id ${submitter} (${tx.submitter.name ?? 'no name'}) is not on the known list (${next.known.submitters.slice(0, 5).join(', ')})`);
    }
    if (!next.known.receivers.includes(receiver) && !next.alertedIds.includes(`r:${receiver}`)) {
      next.alertedIds.push(`r:${receiver}`);
      raise(CLAIM_RULES.unknownReceiver, `receiver id ${receiver} (${tx.receiver.name ?? 'no name'}) is not on the known list (${next.known.receivers.slice(0, 5).join(', ')})`, {}, receiver);
    }
  }

  // 2. Hour of creation against the submitter's own habit.
  const stats = (next.submitters[submitter] ??= { days: {}, hours: new Array<number>(24).fill(0), transactions: 0 });
  const hour = new Date(time).getUTCHours();
  const hourHistory = opts.hourHistory ?? 20;
  if (stats.transactions >= hourHistory) {
    const near = stats.hours[(hour + 23) % 24] + stats.hours[hour] + stats.hours[(hour + 1) % 24];
    if (near < stats.transactions * (opts.hourShare ?? 0.02)) {
      const usual = stats.hours.map((n, h) => ({ n, h })).filter((x) => x.n > 0).map((x) => x.h);
      raise(CLAIM_RULES.unusualHour, `837 created at ${String(hour).padStart(2, '0')}:${(hhmm ?? '0000').slice(2, 4)} (BHT04/05); this submitter's ${stats.transactions} earlier transactions were created at hours ${usual[0] ?? '?'}–${usual[usual.length - 1] ?? '?'}`, { hour: String(hour) });
    }
  }
  stats.hours[hour]++;
  stats.transactions++;

  // 3. Volume spike: today's claims against the submitter's median active day.
  const earlier = Object.entries(stats.days).filter(([d]) => d < date).map(([, n]) => n);
  stats.days[date] = (stats.days[date] ?? 0) + tx.claims.length;
  const t0 = x12Time(date) ?? time;
  const cutoff = ymd(t0 - (opts.historyDays ?? 90) * DAY_MS);
  for (const d of Object.keys(stats.days)) if (d < cutoff) delete stats.days[d];
  if (earlier.length >= (opts.spikeHistoryDays ?? 7) && stats.spikeAlertedOn !== date) {
    const med = median(earlier.slice(-28));
    const limit = Math.max(opts.spikeMin ?? 30, (opts.spikeFactor ?? 3) * med);
    if (stats.days[date] > limit) {
      stats.spikeAlertedOn = date;
      raise(CLAIM_RULES.volumeSpike, `${stats.days[date]} claims on ${date} from submitter ${submitter}; its usual active day is ${med} (limit ${limit})`, { claims: String(stats.days[date]) });
    }
  }

  // 4. Billing and pay-to addresses per billing NPI.
  if (!tx.masked) {
    for (const bp of tx.billingProviders) {
      const npi = bp.billing.id;
      if (!npi) continue;
      const billingAddress = normAddress(bp.billing.address);
      const payToAddress = normAddress(bp.payTo?.address) ?? billingAddress;
      const tin = bp.billing.refs.EI?.[0] ?? bp.billing.refs.SY?.[0];
      const known = next.providers[npi];
      const ents = { billing_npi: npi, billing_tin: tin, billing_name: bp.billing.name };
      if (known) {
        if (billingAddress && known.billingAddress && billingAddress !== known.billingAddress) {
          raise(CLAIM_RULES.billingAddress, `billing provider ${bp.billing.name ?? npi} address changed from "${known.billingAddress}" to "${billingAddress}"`, ents, npi);
        }
        if (tin && known.tin && tin !== known.tin) {
          raise(CLAIM_RULES.billingAddress, `billing provider ${bp.billing.name ?? npi} tax id changed from ${mask(known.tin)} to ${mask(tin)}`, ents, npi);
        }
        if (payToAddress && known.payToAddress && payToAddress !== known.payToAddress) {
          raise(CLAIM_RULES.payToAddress, `pay-to address of ${bp.billing.name ?? npi} changed from "${known.payToAddress}" to "${payToAddress}"`, ents, npi);
        }
      }
      next.providers[npi] = { billingAddress: billingAddress ?? known?.billingAddress, payToAddress: payToAddress ?? known?.payToAddress, tin: tin ?? known?.tin };
    }
  }

  // 5. Duplicates: same patient control number, or same patient + date of service + amount + provider.
  if (!tx.masked) {
    const byPcn: string[] = [];
    const byService: string[] = [];
    for (const c of tx.claims) {
      if (c.frequency === '7' || c.frequency === '8') continue; // replacements and voids legitimately repeat
      const bp = tx.billingProviders[c.billingProvider];
      const npi = bp?.billing.id ?? '';
      const pcnKey = 'p' + fingerprint(npi, c.patientControlNumber);
      if (next.controlNumbers[pcnKey]) byPcn.push(mask(c.patientControlNumber));
      else next.controlNumbers[pcnKey] = date;
      const person = c.patient ?? c.subscriber;
      const who = c.subscriber?.id ? `${c.payer?.id ?? ''}/${c.subscriber.id}/${c.patient ? `${c.patient.name}/${c.patient.firstName}` : ''}` : `${person?.name}/${person?.firstName}`;
      const dos = serviceDate(c);
      if (dos && c.charge !== undefined) {
        const svcKey = 's' + fingerprint(npi, who, dos, c.charge.toFixed(2));
        const seen = next.serviceKeys[svcKey];
        if (seen && !byPcn.includes(mask(c.patientControlNumber))) byService.push(mask(c.patientControlNumber));
        if (!seen) next.serviceKeys[svcKey] = date;
      }
    }
    const max = opts.maxKeys ?? 200_000;
    next.evicted += capRecord(next.controlNumbers, max) + capRecord(next.serviceKeys, max);
    if (byPcn.length) {
      raise(CLAIM_RULES.duplicate, `${byPcn.length} claim(s) reuse a patient control number (CLM01) already submitted as an original (frequency 1): ${byPcn.slice(0, 5).join(', ')}`, { claims: String(byPcn.length), match: 'patient_control_number' });
    }
    if (byService.length) {
      raise(CLAIM_RULES.duplicate, `${byService.length} claim(s) repeat the patient, date of service, amount and billing provider of an earlier claim under a new control number: ${byService.slice(0, 5).join(', ')}`, { claims: String(byService.length), match: 'patient_dos_amount_provider' });
    }
  }
  return { state: next, alerts };
}
