// Public face of billing/: X12 835/837 reading, remittance watch (payment redirection), claim watch.
export * from './x12/index.ts';
export {
  REMIT_RULES, newRemitState, observeRemittance, checkRemittanceVolume, approveAccountChange, reconcile835, payerKey, payeeIds,
  type RemitState, type RemitRelation, type RemitPayee, type AccountChangeApproval, type AccountRef, type RemitWatchOptions, type VolumeOptions,
} from './remit/watch.ts';
export {
  CLAIM_RULES, newClaimState, observeClaims, allowSubmitter, allowReceiver,
  type ClaimState, type ClaimWatchOptions, type SubmitterStats,
} from './claims/watch.ts';
export { newBillingState, watchTransactions, type BillingState } from './watch.ts';
export { maskAccount, x12Time, BILLING_DOC, type BillingRule } from './alerts.ts';
export * from './audit-trail/index.ts';
