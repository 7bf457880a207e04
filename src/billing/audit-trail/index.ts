// Public face of billing/audit-trail: billing-application audit-trail analytics (mass access and
// export, after-hours use, flagged records, bank/payee edits, large adjustments, terminated/dormant
// accounts, new countries/networks) and the CSV tables that configure them.
export * from './watch.ts';
export * from './actions.ts';
export * from './tables.ts';
