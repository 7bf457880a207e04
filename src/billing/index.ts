// Public face of billing/: X12 835/837 reading, remittance watch (payment redirection), claim watch.
export * from './x12/index.ts';
