// Public face of demo/: the "Lone Star Billing Partners" telemetry generator and its ground-truth
// scorer. Pure (no files, clock or store); imports core/ types only.
export { generateDemo, validateOptions, networksCsv, NETWORKS_FILE, APPROVALS_FILE, TRUSTED_NETWORKS, DEFAULT_SEED, DEFAULT_END, DEFAULT_DAYS, MIN_DAYS, MAX_DAYS } from './generate.ts';
export type { DemoOptions, DemoOutput, GroundTruth } from './generate.ts';
export type { AttackTruth, AttackStep, AttackId, BenignTruth } from './attacks.ts';
export { ACTORS, ATTACKER } from './attacks.ts';
export { isValidNpi, abaValid, COMPANY_NAME } from './company.ts';
export type { Company, Staff, Provider, Payer } from './company.ts';
export { AUDIT_FILE, ROSTER_FILE, AUDIT_HEADER } from './emit/pm.ts';
export { SECURITY_FILE, SYSMON_FILE } from './emit/windows.ts';
export { SFTP_LOG_FILE } from './emit/syslog.ts';
export { CEF_FILE } from './emit/cef.ts';
export { UAL_FILE, SIGNIN_FILE } from './emit/m365.ts';
export { scoreAlerts, matchesAttack, ATTRIBUTION_SLACK_AFTER_MS, ATTRIBUTION_SLACK_BEFORE_MS, type Score, type AttackScore } from './score.ts';
export { EXPECTED_RULES, LOG_FILES, X12_DIRS, DEMO_TENANT, OFFICE_SCHEDULE } from './expected.ts';
