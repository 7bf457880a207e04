// Remittance watch: payment redirection and tampered ERAs, learned per payer × payee from 835s.
//
// Pure functions over a plain-JSON state (the pipeline persists it): each call takes a state and
// returns a new one plus alerts. State never holds a full account number: accounts are kept as a
// fingerprint (hash of routing + account) and their last four digits.
//
//   observeRemittance(state, tx)        learn from one 835 and alert on what changed
//   checkRemittanceVolume(state, asOf)  alert on payees whose ERA / EFT volume dropped
//   approveAccountChange(state, change) record a documented EFT enrollment update
import type { Alert } from '../../core/index.ts';
import { billingAlert, capRecord, DAY_MS, fingerprint, last4, maskAccount, median, normAddress, x12Time, ymd, type AlertOptions, type BillingRule } from '../alerts.ts';
import { cents, type Remittance835 } from '../x12/index.ts';

const TAGS = ['attack.impact', 'attack.t1657', 'attack.collection', 'attack.t1565.001'];

export const REMIT_RULES = {
  newAccount: { id: 'claimguard.billing.remit.new_account', title: 'New receiving bank account for a known payee', level: 'critical', tags: TAGS, anchor: 'new-receiving-account' },
  sharedAccount: { id: 'claimguard.billing.remit.shared_account', title: 'One bank account receives payments for several unrelated payees', level: 'high', tags: TAGS, anchor: 'shared-account' },
  methodSwitch: { id: 'claimguard.billing.remit.method_switch', title: 'Payment method switched between EFT and check', level: 'high', tags: TAGS, anchor: 'method-switch' },
  volumeDrop: { id: 'claimguard.billing.remit.volume_drop', title: "A payee's ERA or EFT volume dropped", level: 'medium', tags: TAGS, anchor: 'volume-drop' },
  unbalanced: { id: 'claimguard.billing.remit.unbalanced', title: '835 totals do not reconcile (BPR02 vs claims and provider adjustments)', level: 'high', tags: ['attack.impact', 'attack.t1565.001'], anchor: 'unbalanced-835' },
  payeeAddress: { id: 'claimguard.billing.remit.payee_address_changed', title: 'Payee address on the ERA changed', level: 'medium', tags: TAGS, anchor: 'payee-address' },
  payerId: { id: 'claimguard.billing.remit.payer_id_changed', title: 'Payer originating company id changed or disagrees (BPR10 / TRN03)', level: 'high', tags: TAGS, anchor: 'payer-id' },
  traceReuse: { id: 'claimguard.billing.remit.trace_reuse', title: 'Reassociation trace number (TRN02) reused for the same payer and payee', level: 'medium', tags: ['attack.impact', 'attack.t1565.001'], anchor: 'trace-reuse' },
} as const satisfies Record<string, BillingRule>;

export interface AccountRef {
  fingerprint: string;
  routing: string;
  last4: string;
  /** DA checking, SG savings. */
  qualifier: string;
}

export interface RemitRelation {
  payer: string;
  payerName?: string;
  payeeKey: string;
  payeeName?: string;
  payeeNpi?: string;
  payeeTin?: string;
  payeeAddress?: string;
  /** EFT or CHK: the last payment method seen (NON is ignored). */
  method?: 'EFT' | 'CHK';
  account?: AccountRef;
  originator?: string;
  firstSeen: string;
  lastSeen: string;
  eras: number;
  /** CCYYMMDD → ERAs and EFT cents that day (last `historyDays` days). */
  days: Record<string, { eras: number; eftCents: number }>;
  /** Recent TRN02 values (bounded). */
  traces: string[];
  volumeAlertedOn?: string;
}

export interface RemitPayee {
  name?: string;
  npi?: string;
  tin?: string;
  /** Fingerprints of every account this payee has been paid into (or approved for). */
  accounts: string[];
}

export interface AccountChangeApproval {
  /** Payee NPI or TIN the change is for. */
  payee: string;
  /** Payer (TRN03 / BPR10) when the enrollment is payer-specific. */
  payer?: string;
  /** The new account (fingerprint only) or, for an EFT → check switch, method CHK. */
  fingerprint?: string;
  accountLast4?: string;
  routing?: string;
  method?: 'EFT' | 'CHK';
  approvedBy: string;
  /** ISO date-time of the approval. */
  approvedAt: string;
  /** Ticket or enrollment form reference. */
  reference: string;
  /** Set when an ERA used the approval (it silences only that one change). */
  usedAt?: string;
  usedTrace?: string;
}

export interface RemitState {
  version: 1;
  relations: Record<string, RemitRelation>;
  payees: Record<string, RemitPayee>;
  /** Account fingerprint → routing, last4 and the payees paid into it. */
  accounts: Record<string, { routing: string; last4: string; payees: string[]; alerted?: string[] }>;
  approvals: AccountChangeApproval[];
  /** Counters of work skipped for bounds, so nothing is silently dropped. */
  evicted: number;
}

export interface RemitWatchOptions extends AlertOptions {
  /** Reconciliation tolerance in cents (default 0: the TR3 balances exactly). */
  toleranceCents?: number;
  /** Days of daily volume kept per relation (default 120). */
  historyDays?: number;
  /** TRN02 values kept per relation (default 500). */
  maxTraces?: number;
  /** Relations kept (default 50,000; the least recently seen go first). */
  maxRelations?: number;
  /** Fallback alert time when the 835 carries no usable date (epoch ms). */
  now?: number;
}

export function newRemitState(): RemitState {
  return { version: 1, relations: {}, payees: {}, accounts: {}, approvals: [], evicted: 0 };
}

function isEft(method: string): boolean {
  return method === 'ACH' || method === 'BOP' || method === 'FWT';
}

/** Payer key: TRN03, else BPR10, else the N1*PR id or name (reference/billing.md §5). */
export function payerKey(tx: Remittance835): string {
  return tx.trace?.originator ?? tx.payment.payerId ?? tx.payer.id ?? tx.payer.name ?? 'unknown-payer';
}

/** Payee identity: NPI (N1*PE XX) and TIN (N1*PE FI or REF*TJ). */
export function payeeIds(tx: Remittance835): { npi?: string; tin?: string; key: string } {
  const p = tx.payee;
  const npi = p.idQualifier === 'XX' ? p.id : undefined;
  const tin = p.idQualifier === 'FI' ? p.id : p.refs.TJ?.[0];
  const key = npi ? `npi:${npi}` : tin ? `tin:${tin}` : `name:${(p.name ?? p.id ?? 'unknown').toUpperCase()}`;
  return { npi, tin, key };
}

/** BPR02 against Σ CLP04 − Σ PLB amounts, in cents. Undefined when a claim lacks CLP04. */
export function reconcile835(tx: Remittance835): { expectedCents: number; actualCents: number; claimsCents: number; plbCents: number } | undefined {
  if (tx.claims.some((c) => c.paid === undefined)) return undefined;
  const claimsCents = tx.claims.reduce((n, c) => n + cents(c.paid), 0);
  const plbCents = tx.providerAdjustments.reduce((n, p) => n + p.items.reduce((m, i) => m + cents(i.amount), 0), 0);
  const actualCents = cents(tx.payment.amount);
  return { expectedCents: claimsCents - plbCents, actualCents, claimsCents, plbCents };
}

function dollars(c: number): string {
  return (c / 100).toFixed(2);
}

/** When the money moved: BPR16, else DTM*405, else the group date. */
function remitDate(tx: Remittance835): string | undefined {
  const cand = [tx.payment.effectiveDate, tx.dates.find((d) => d.qualifier === '405')?.value, tx.envelope.groupDate];
  return cand.find((d) => d !== undefined && x12Time(d) !== undefined);
}

/** Record a documented EFT enrollment update. The full account is hashed here and never stored. */
export function approveAccountChange(
  state: RemitState,
  change: { payee: string; payer?: string; routing?: string; account?: string; method?: 'EFT' | 'CHK'; approvedBy: string; approvedAt: string; reference: string },
): RemitState {
  if (!change.approvedBy || !change.reference || !change.approvedAt) throw new TypeError('an approval needs who (approvedBy), when (approvedAt) and a reference');
  if (!change.account && !change.method) throw new TypeError('an approval names the new account (routing + account) or the new method');
  const next = structuredClone(state);
  next.approvals.push({
    payee: change.payee,
    payer: change.payer,
    fingerprint: change.account ? fingerprint(change.routing ?? '', change.account) : undefined,
    accountLast4: change.account ? last4(change.account) : undefined,
    routing: change.routing,
    method: change.method ?? (change.account ? 'EFT' : undefined),
    approvedBy: change.approvedBy,
    approvedAt: change.approvedAt,
    reference: change.reference,
  });
  return next;
}

function findApproval(state: RemitState, payer: string, ids: { npi?: string; tin?: string }, want: { fingerprint?: string; method?: 'EFT' | 'CHK' }): AccountChangeApproval | undefined {
  return state.approvals.find((a) =>
    !a.usedAt &&
    (a.payee === ids.npi || a.payee === ids.tin) &&
    (a.payer === undefined || a.payer === payer) &&
    (want.fingerprint ? a.fingerprint === want.fingerprint : a.fingerprint === undefined && a.method === want.method),
  );
}

/** Learn from one 835 and return the alerts it raises. */
export function observeRemittance(state: RemitState, tx: Remittance835, opts: RemitWatchOptions = {}): { state: RemitState; alerts: Alert[] } {
  const next = structuredClone(state);
  const alerts: Alert[] = [];
  const date = remitDate(tx) ?? ymd(opts.now ?? Date.now());
  const time = x12Time(date) ?? opts.now ?? Date.now();
  const payer = payerKey(tx);
  const ids = payeeIds(tx);
  const relKey = `${payer}|${ids.key}`;
  const p = tx.payment;
  const routing = p.receiverDfi?.id ?? '';
  const account = p.receiverAccount?.number;
  const acctFp = account ? fingerprint(routing, account) : undefined;
  const base = { payer, payer_name: tx.payer.name, payee_name: tx.payee.name, payee_npi: ids.npi, payee_tin: ids.tin, trace: tx.trace?.number };
  const raise = (rule: BillingRule, note: string, extra: Record<string, string | undefined> = {}, level?: BillingRule['level']): void => {
    alerts.push(billingAlert(rule, time, { ...base, ...extra }, note, opts, relKey, level));
  };

  // 1. Totals must reconcile (TR3 balancing rule 3), whatever else we know.
  const rec = reconcile835(tx);
  const tol = opts.toleranceCents ?? 0;
  if (rec && Math.abs(rec.expectedCents - rec.actualCents) > tol) {
    raise(REMIT_RULES.unbalanced, `BPR02 ${dollars(rec.actualCents)} ≠ Σ CLP04 ${dollars(rec.claimsCents)} − Σ PLB ${dollars(rec.plbCents)} = ${dollars(rec.expectedCents)} (off by ${dollars(rec.actualCents - rec.expectedCents)})`);
  }
  if (tx.trace?.originator && p.payerId && tx.trace.originator !== p.payerId) {
    raise(REMIT_RULES.payerId, `TRN03 originating company ${tx.trace.originator} differs from BPR10 payer id ${p.payerId} in the same 835`);
  }
  // De-identified files (runs of 9/X) carry no usable identities: reconcile only.
  if (tx.masked) return { state: next, alerts };

  const method: 'EFT' | 'CHK' | undefined = isEft(p.method) ? 'EFT' : p.method === 'CHK' ? 'CHK' : undefined;
  const payeeAddress = normAddress(tx.payee.address);
  const payee = (next.payees[ids.key] ??= { name: tx.payee.name, npi: ids.npi, tin: ids.tin, accounts: [] });
  let rel = next.relations[relKey];
  const isNewRelation = !rel;

  // 2. Payer identity drift: the same payer name now under another originating company id.
  if (isNewRelation && tx.payer.name) {
    const other = Object.values(next.relations).find((r) => r.payeeKey === ids.key && r.payerName === tx.payer.name && r.payer !== payer);
    if (other) raise(REMIT_RULES.payerId, `payer "${tx.payer.name}" pays this payee under originating company ${payer}; earlier ERAs used ${other.payer}`, { previous_payer: other.payer });
  }

  // 3. Receiving account.
  let accountChanged = false;
  if (method === 'EFT' && acctFp) {
    const knownForPayee = payee.accounts.includes(acctFp);
    const payeeKnown = payee.accounts.length > 0 || Object.values(next.relations).some((r) => r.payeeKey === ids.key);
    if (!knownForPayee && payeeKnown) {
      accountChanged = true;
      const approval = findApproval(next, payer, ids, { fingerprint: acctFp });
      if (approval) {
        approval.usedAt = new Date(time).toISOString();
        approval.usedTrace = tx.trace?.number;
      } else {
        const prev = rel?.account ?? (payee.accounts.length ? next.accounts[payee.accounts[payee.accounts.length - 1]] : undefined);
        const addrNote = rel?.payeeAddress && payeeAddress && rel.payeeAddress !== payeeAddress ? '; the payee address changed in the same ERA' : '';
        const routeNote = prev && prev.routing !== routing ? ` at a different bank (routing ${routing}, was ${prev.routing})` : ` (routing ${routing})`;
        raise(
          REMIT_RULES.newAccount,
          `${p.handling === 'P' ? 'EFT prenotification (BPR01=P: the payer is validating a new account before payments start)' : `EFT of ${p.amount.toFixed(2)}`} for payee ${tx.payee.name ?? ids.key} goes to account ${maskAccount(account)}${routeNote}; earlier payments went to ${prev ? '****' + prev.last4 : 'another account'}${addrNote}. No approved EFT enrollment change matches.`,
          { account_last4: last4(account), routing, previous_account_last4: prev?.last4 },
        );
      }
    }
    if (!knownForPayee) payee.accounts.push(acctFp);
    // 4. One account, several unrelated payees (different TINs, or different NPIs when TINs are unknown).
    const acct = (next.accounts[acctFp] ??= { routing, last4: last4(account), payees: [] });
    if (!acct.payees.includes(ids.key)) acct.payees.push(ids.key);
    const unrelated = acct.payees.filter((k) => !related(next.payees[k], payee));
    if (unrelated.length && !(acct.alerted ?? []).includes(ids.key)) {
      (acct.alerted ??= []).push(ids.key);
      const names = unrelated.map((k) => next.payees[k]?.name ?? k).slice(0, 5).join(', ');
      raise(REMIT_RULES.sharedAccount, `account ${maskAccount(account)} (routing ${routing}) receives EFTs for ${tx.payee.name ?? ids.key} and for unrelated payees: ${names}`, { account_last4: last4(account), routing, other_payees: String(unrelated.length) });
    }
  }

  if (!rel) {
    rel = { payer, payerName: tx.payer.name, payeeKey: ids.key, payeeName: tx.payee.name, payeeNpi: ids.npi, payeeTin: ids.tin, firstSeen: date, lastSeen: date, eras: 0, days: {}, traces: [] };
    next.relations[relKey] = rel;
  } else {
    // 5. EFT ↔ check.
    if (method && rel.method && method !== rel.method) {
      const approval = findApproval(next, payer, ids, method === 'EFT' && acctFp ? { fingerprint: acctFp } : { method });
      const approvedEarlier = method === 'EFT' && accountChanged && acctFp && next.approvals.some((a) => a.fingerprint === acctFp && a.usedTrace === tx.trace?.number);
      if (approval) {
        approval.usedAt = new Date(time).toISOString();
        approval.usedTrace = tx.trace?.number;
      } else if (!approvedEarlier) {
        const addr = method === 'CHK' ? ` Checks go to the ERA payee address: ${tx.payee.address?.city ?? 'unknown city'}${rel.payeeAddress && payeeAddress && rel.payeeAddress !== payeeAddress ? ' (changed from earlier ERAs)' : ''}.` : '';
        raise(REMIT_RULES.methodSwitch, `payment method switched from ${rel.method} to ${method} (${p.method}) for payee ${tx.payee.name ?? ids.key}.${addr}`, { method: p.method, previous_method: rel.method, account_last4: method === 'EFT' ? last4(account) : undefined });
      }
    }
    // 6. Payee address.
    if (payeeAddress && rel.payeeAddress && payeeAddress !== rel.payeeAddress) {
      raise(REMIT_RULES.payeeAddress, `payee address changed from "${rel.payeeAddress}" to "${payeeAddress}"`, {}, accountChanged || (method === 'CHK' && rel.method === 'EFT') ? 'high' : undefined);
    }
    // 7. Originating company changed within the relation.
    const origin = tx.trace?.originator ?? p.payerId;
    if (origin && rel.originator && origin !== rel.originator) {
      raise(REMIT_RULES.payerId, `originating company id changed from ${rel.originator} to ${origin}`, { previous_payer: rel.originator });
    }
    // 8. Replayed trace number.
    if (tx.trace?.number && rel.traces.includes(tx.trace.number)) {
      raise(REMIT_RULES.traceReuse, `TRN02 ${tx.trace.number} was already used by an earlier ERA from this payer to this payee`);
    }
  }

  // Learn.
  rel.eras++;
  if (date < rel.firstSeen) rel.firstSeen = date;
  if (date > rel.lastSeen) rel.lastSeen = date;
  if (method) rel.method = method;
  if (method === 'EFT' && acctFp) rel.account = { fingerprint: acctFp, routing, last4: last4(account), qualifier: p.receiverAccount?.qualifier ?? '' };
  if (payeeAddress) rel.payeeAddress = payeeAddress;
  rel.originator = tx.trace?.originator ?? p.payerId ?? rel.originator;
  rel.payerName = tx.payer.name ?? rel.payerName;
  const day = (rel.days[date] ??= { eras: 0, eftCents: 0 });
  day.eras++;
  if (method === 'EFT') day.eftCents += cents(p.amount);
  pruneDays(rel, date, opts.historyDays ?? 120);
  if (tx.trace?.number) {
    rel.traces.push(tx.trace.number);
    if (rel.traces.length > (opts.maxTraces ?? 500)) rel.traces.splice(0, rel.traces.length - (opts.maxTraces ?? 500));
  }
  // Most recently seen relations last, so capRecord drops the stalest.
  delete next.relations[relKey];
  next.relations[relKey] = rel;
  next.evicted += capRecord(next.relations, opts.maxRelations ?? 50_000);
  return { state: next, alerts };
}

function related(a: RemitPayee | undefined, b: RemitPayee): boolean {
  if (!a) return true;
  if (a === b) return true;
  if (a.tin && b.tin) return a.tin === b.tin;
  if (a.npi && b.npi) return a.npi === b.npi;
  return (a.name ?? '').toUpperCase() === (b.name ?? '').toUpperCase();
}

function pruneDays(rel: RemitRelation, today: string, keep: number): void {
  const t = x12Time(today);
  if (t === undefined) return;
  const cutoff = ymd(t - keep * DAY_MS);
  for (const d of Object.keys(rel.days)) if (d < cutoff) delete rel.days[d];
}

export interface VolumeOptions extends AlertOptions {
  /** Length of the window compared, in days (default 7). */
  windowDays?: number;
  /** Windows of history that form the baseline (default 8). */
  baselineWindows?: number;
  /** Alert when the current window is at most this share of the baseline (default 0.5). */
  dropRatio?: number;
  /** Baseline ERAs per window below which no alert is raised (default 2). */
  minBaselineEras?: number;
}

/**
 * Compare each relation's last window (ending at `asOf`, CCYYMMDD or epoch ms) with its own
 * history: ERA count or EFT dollars falling to `dropRatio` of the baseline median raises
 * volume_drop, at most once per window per relation. Call it daily (the pipeline's clock).
 */
export function checkRemittanceVolume(state: RemitState, asOf: string | number, opts: VolumeOptions = {}): { state: RemitState; alerts: Alert[] } {
  const next = structuredClone(state);
  const alerts: Alert[] = [];
  const end = typeof asOf === 'number' ? asOf : x12Time(asOf);
  if (end === undefined) throw new TypeError(`asOf must be CCYYMMDD or epoch ms, got ${String(asOf)}`);
  const win = opts.windowDays ?? 7;
  const nWin = opts.baselineWindows ?? 8;
  const ratio = opts.dropRatio ?? 0.5;
  const minEras = opts.minBaselineEras ?? 2;
  const endDay = ymd(end);
  for (const [key, rel] of Object.entries(next.relations)) {
    const first = x12Time(rel.firstSeen);
    if (first === undefined || end - first < (win * 4) * DAY_MS) continue; // not enough history yet
    if (rel.volumeAlertedOn && x12Time(rel.volumeAlertedOn)! > end - win * DAY_MS) continue;
    const sum = (from: number, to: number): { eras: number; eft: number } => {
      let eras = 0, eft = 0;
      const lo = ymd(from), hi = ymd(to);
      for (const [d, v] of Object.entries(rel.days)) if (d > lo && d <= hi) { eras += v.eras; eft += v.eftCents; }
      return { eras, eft };
    };
    const cur = sum(end - win * DAY_MS, end);
    const hist: { eras: number; eft: number }[] = [];
    for (let i = 1; i <= nWin; i++) {
      const wEnd = end - i * win * DAY_MS;
      if (wEnd - win * DAY_MS < first - DAY_MS) break;
      hist.push(sum(wEnd - win * DAY_MS, wEnd));
    }
    if (hist.length < 3) continue;
    const baseEras = median(hist.map((h) => h.eras));
    const baseEft = median(hist.map((h) => h.eft));
    const erasDrop = baseEras >= minEras && cur.eras <= baseEras * ratio;
    const eftDrop = baseEft > 0 && baseEras >= minEras && cur.eft <= baseEft * ratio;
    if (!erasDrop && !eftDrop) continue;
    rel.volumeAlertedOn = endDay;
    const what = [erasDrop ? `${cur.eras} ERAs in the last ${win} days against a usual ${baseEras}` : '', eftDrop ? `EFT $${dollars(cur.eft)} against a usual $${dollars(baseEft)}` : ''].filter(Boolean).join('; ');
    alerts.push(billingAlert(REMIT_RULES.volumeDrop, end, { payer: rel.payer, payer_name: rel.payerName, payee_name: rel.payeeName, payee_npi: rel.payeeNpi, payee_tin: rel.payeeTin, account_last4: rel.account?.last4 }, `${what} (payments may be going elsewhere, or the ERA route changed)`, opts, key));
  }
  return { state: next, alerts };
}
