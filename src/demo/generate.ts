// Orchestrates one demo generation: company → claims → 835s (with the redirection in place) → normal
// rhythm → attacks → rendered files. Pure: returns file contents; the CLI writes them.
import { createContext } from './context.ts';
import { buildClaims, write835s, write837s } from './billing.ts';
import { generateNormal } from './normal.ts';
import { approvalsCsv, generateApprovedChange, generateAttacks, redirectOverride, schedule, type AttackTruth, type BenignTruth } from './attacks.ts';
import { rosterCsv, AUDIT_FILE, AUDIT_HEADER, ROSTER_FILE } from './emit/pm.ts';
import { ROLE_TITLES, type Company } from './company.ts';
import { DAY_MS } from './calendar.ts';

export const DEFAULT_SEED = 20261120;
export const DEFAULT_END = '2026-11-20';
export const DEFAULT_DAYS = 30;
/** All five attacks fall in the last seven days, so the window must hold at least that. */
export const MIN_DAYS = 7;
export const MAX_DAYS = 366;

/** The operator's IP → country table (a GeoIP extract for the documentation ranges the demo uses). */
export const NETWORKS_FILE = 'reference/networks.csv';

export function networksCsv(): string {
  return [
    'cidr,country',
    '198.51.100.0/24,US',
    '192.0.2.0/24,US',
    '203.0.113.45/32,NG',
    '203.0.113.66/32,RU',
    '203.0.113.120/32,NL',
    '203.0.113.128/25,CN',
  ].join('\n') + '\n';
}

/** Documented EFT enrollment updates (payee × payer × new account) the remittance watch accepts once each. */
export const APPROVALS_FILE = 'reference/eft-approvals.csv';

/** Networks that are the company's own: office NAT, VPN pool, inside. */
export const TRUSTED_NETWORKS = ['198.51.100.20/32', '198.51.100.21/32', '198.51.100.25/32', '10.20.0.0/16'];

export interface DemoOptions {
  seed?: number;
  days?: number;
  /** Last civil day of the window, YYYY-MM-DD. */
  end?: string;
}

export interface GroundTruth {
  company: string;
  generator: string;
  seed: number;
  days: number;
  /** First and last instants of the window (UTC midnight of the first day, end of the last day). */
  from: string;
  to: string;
  /** Civil dates (YYYY-MM-DD) on which some attack activity happens. */
  attackDays: string[];
  attacks: AttackTruth[];
  /** Legitimate changes that are expected to be reviewed (alerts on them are not false positives). */
  benign: BenignTruth[];
}

export interface DemoOutput {
  /** Relative path → content, sorted by path. */
  files: Map<string, string>;
  truth: GroundTruth;
  company: Company;
}

export function validateOptions(o: DemoOptions): Required<DemoOptions> {
  const seed = o.seed ?? DEFAULT_SEED;
  const days = o.days ?? DEFAULT_DAYS;
  const end = o.end ?? DEFAULT_END;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new RangeError(`seed must be an integer from 0 to 4294967295 (got ${seed})`);
  if (!Number.isInteger(days) || days < MIN_DAYS || days > MAX_DAYS) throw new RangeError(`days must be an integer from ${MIN_DAYS} to ${MAX_DAYS} (got ${days}); the five attacks need the last ${MIN_DAYS} days`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(end) || Number.isNaN(Date.parse(end + 'T00:00:00Z')) || new Date(end + 'T00:00:00Z').toISOString().slice(0, 10) !== end) throw new RangeError(`end must be a date YYYY-MM-DD (got "${end}")`);
  return { seed, days, end };
}

export function generateDemo(options: DemoOptions = {}): DemoOutput {
  const { seed, days, end } = validateOptions(options);
  const ctx = createContext(seed, end, days);
  const plan = schedule(ctx);
  buildClaims(ctx);
  const batches = write837s(ctx);
  const remits = write835s(ctx, redirectOverride(plan));
  generateNormal(ctx, remits, batches);
  const attacks = generateAttacks(ctx, plan, remits);
  const approved = generateApprovedChange(ctx, plan, remits);
  ctx.sink.blob(APPROVALS_FILE, approvalsCsv(ctx, plan));

  ctx.sink.blob(ROSTER_FILE, rosterCsv(ctx.company));
  const attackDays = new Set<string>();
  for (const a of attacks) for (const s of a.steps) attackDays.add(s.time.slice(0, 10));
  const truth: GroundTruth = {
    company: ctx.company.name,
    generator: 'claimguard demo',
    seed, days,
    from: new Date(ctx.firstDay).toISOString(),
    to: new Date(ctx.lastDay + DAY_MS - 1).toISOString(),
    attackDays: [...attackDays].sort(),
    attacks,
    benign: approved ? [approved] : [],
  };
  ctx.sink.blob('attacks.json', JSON.stringify(truth, null, 2) + '\n');
  ctx.sink.blob(NETWORKS_FILE, networksCsv());
  ctx.sink.blob('company.json', JSON.stringify(companySummary(ctx.company), null, 2) + '\n');
  const files = ctx.sink.render({ [AUDIT_FILE]: AUDIT_HEADER });
  return { files, truth, company: ctx.company };
}

function companySummary(c: Company): Record<string, unknown> {
  return {
    name: c.name,
    city: c.city,
    domain: c.domain,
    note: 'Fictitious company. NPIs are Luhn-valid but random; TINs use never-assigned EIN prefixes 07-09; routing numbers use the unassigned ABA prefixes 14-19; IPs are RFC 5737/1918; domains are .example.',
    staff: c.staff.map((s) => ({ user: s.user, name: s.name, role: s.role, title: ROLE_TITLES[s.role], shift: `${s.shift.name} ${fmtH(s.shift.start)}-${fmtH(s.shift.end)} Central`, remoteDays: s.remoteDays.map((d) => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d]), workstation: s.workstation })),
    former: c.former.map((s) => ({ user: s.user, name: s.name, role: s.role, terminated: s.terminated })),
    providers: c.providers.map((p) => ({ id: p.id, name: p.name, npi: p.npi, tin: p.tin, taxonomy: p.taxonomy, city: p.address.city, bankRouting: p.bank.routing, bankAccount: p.bank.account })),
    payers: c.payers.map((p) => ({ id: p.id, name: p.name, payerId: p.payerId, filing: p.filing, eraDays: p.eraDays.map((d) => ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'][d]) })),
    clearinghouse: c.clearinghouse,
    sftpAccounts: c.sftpAccounts,
    hosts: c.hosts,
  };
}

function fmtH(h: number): string {
  return `${String(Math.floor(h)).padStart(2, '0')}:${String(Math.round((h % 1) * 60)).padStart(2, '0')}`;
}
