// One call for a parsed file: run every transaction through the watch that fits it.
import type { Alert } from '../core/index.ts';
import { observeClaims, newClaimState, type ClaimState, type ClaimWatchOptions } from './claims/watch.ts';
import { observeRemittance, newRemitState, type RemitState, type RemitWatchOptions } from './remit/watch.ts';
import { is835, is837, type Transaction } from './x12/index.ts';

export interface BillingState {
  remit: RemitState;
  claims: ClaimState;
}

export function newBillingState(known: { submitters?: string[]; receivers?: string[] } = {}): BillingState {
  return { remit: newRemitState(), claims: newClaimState(known) };
}

/** Feed transactions (e.g. `parseX12(...).transactions`) in file order; 835s go to the remittance watch, 837s to the claim watch. */
export function watchTransactions(state: BillingState, transactions: Iterable<Transaction>, opts: RemitWatchOptions & ClaimWatchOptions = {}): { state: BillingState; alerts: Alert[] } {
  let { remit, claims } = state;
  const alerts: Alert[] = [];
  for (const t of transactions) {
    if (is835(t)) {
      const r = observeRemittance(remit, t, opts);
      remit = r.state;
      alerts.push(...r.alerts);
    } else if (is837(t)) {
      const r = observeClaims(claims, t, opts);
      claims = r.state;
      alerts.push(...r.alerts);
    }
  }
  return { state: { remit, claims }, alerts };
}
