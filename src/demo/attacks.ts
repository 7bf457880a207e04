// The five scripted attacks, placed in the last seven days of the window, and their ground truth
// (written to DIR/attacks.json). Each attack writes into the same files as the normal rhythm, so a
// detector has to find it among ordinary records.
import type { Ctx } from './context.ts';
import type { Staff, Payer, Provider } from './company.ts';
import type { BankOverride, Remit } from './billing.ts';
import { DAY_MS, MINUTE_MS, centralToUtc, dayInfo } from './calendar.ts';
import { OFFICE_PUBLIC_IP, SFTP_PUBLIC_IP, VPN_PUBLIC_IP, abaValid, staffByUser } from './company.ts';
import { FS, RDS, DC, account } from './normal.ts';
import type { Account } from './emit/windows.ts';

export type AttackId = 'a' | 'b' | 'c' | 'd' | 'e';

export interface AttackStep {
  time: string;
  /** Which telemetry shows it: windows, sysmon, vpn, m365, entra, sshd, pm-audit, x12-835. */
  source: string;
  file: string;
  what: string;
}

export interface AttackTruth {
  id: AttackId;
  key: string;
  title: string;
  story: string;
  mitre: string[];
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  /** Values that identify the attack's records (used to tell attack alerts from false positives). */
  indicators: { users: string[]; ips: string[]; hosts: string[]; payees?: string[]; accounts?: string[] };
  steps: AttackStep[];
}

export const ATTACKER = {
  sprayIp: '203.0.113.66',
  sprayCountry: 'Russian Federation',
  phishIp: '203.0.113.45',
  bruteIp: '203.0.113.120',
  forwardTo: 'remit.records@mailbox-archive.example.org',
  /** Receiving bank for the redirected payments (fictitious, ABA-valid, unassigned prefix). */
  muleRouting: '',
  muleAccount: '4471029386',
};

export const ACTORS = {
  sprayed: 'dnguyen',
  phished: 'kpatel',
  insider: 'tbrooks',
  terminated: 'rjimenez',
};

const iso = (t: number): string => new Date(t).toISOString();

function muleRouting(): string {
  const first8 = '16400937';
  for (let c = 0; c <= 9; c++) if (abaValid(first8 + c)) return first8 + c;
  throw new Error('unreachable');
}
ATTACKER.muleRouting = muleRouting();

/** The days each attack happens, all inside the last seven days of the window. */
export interface Schedule {
  d: number; b: number; redirectFrom: number; c: number; e: number; a: number;
  target: { payer: Payer; provider: Provider };
  /**
   * A legitimate, documented bank change by one client (windows of 14 days or more): recorded in
   * the PM system on `day`, paid into the new account from `from`.
   */
  approved?: { day: number; from: number; provider: Provider; bank: { routing: string; account: string }; reference: string };
}

function officeDayNear(ctx: Ctx, day: number, min: number): number {
  for (let d = day; d >= min; d -= DAY_MS) if (dayInfo(d).officeOpen) return d;
  for (let d = day; d <= ctx.lastDay; d += DAY_MS) if (dayInfo(d).officeOpen) return d;
  return day;
}

export function schedule(ctx: Ctx): Schedule {
  const E = ctx.lastDay;
  const first = E - 6 * DAY_MS;
  let b = first;
  while (!dayInfo(b).officeOpen && b < E - 3 * DAY_MS) b += DAY_MS;
  let redirectFrom = b + 2 * DAY_MS;
  while (!dayInfo(redirectFrom).bankOpen && redirectFrom < E) redirectFrom += DAY_MS;
  const payer = ctx.company.payers.find((p) => p.filing === 'MB')!;
  const provider = ctx.company.providers[0];
  let approved: Schedule['approved'];
  if (ctx.days.length >= 14) {
    const rng = ctx.rng('approved-change');
    const day = officeDayNear(ctx, E - 12 * DAY_MS, ctx.firstDay);
    let from = day + 2 * DAY_MS;
    while (!dayInfo(from).bankOpen) from += DAY_MS;
    const first8 = String(rng.int(14, 19)) + rng.digits(6);
    let routing = '';
    for (let c = 0; c <= 9 && !routing; c++) if (abaValid(first8 + c)) routing = first8 + c;
    approved = { day, from, provider: ctx.company.providers[10], bank: { routing, account: rng.digits(11) }, reference: `CRD-${new Date(day).toISOString().slice(0, 10).replace(/-/g, '')}-${rng.digits(3)}` };
  }
  return {
    d: first,
    b,
    redirectFrom,
    c: officeDayNear(ctx, E - 3 * DAY_MS, first + DAY_MS),
    e: officeDayNear(ctx, E - 2 * DAY_MS, first + DAY_MS),
    a: E,
    target: { payer, provider },
    ...(approved ? { approved } : {}),
  };
}

/** The payment-redirection attack's effect on 835s: every ERA for the target from the change on. */
export function redirectOverride(s: Schedule): BankOverride {
  return (payer, provider, day) => {
    if (payer === s.target.payer && provider === s.target.provider && day >= s.redirectFrom) return { routing: ATTACKER.muleRouting, account: ATTACKER.muleAccount };
    if (s.approved && provider === s.approved.provider && day >= s.approved.from) return s.approved.bank;
    return undefined;
  };
}

/** rules/billing/billing_payee_bank_change.yml: "Payee Or Bank Details Changed In The Billing Application". */
export const BANK_EDIT_SIGMA_RULE = 'ac2c2eed-6c83-44c2-9f2d-04fa36b02926';

/** A documented change that should be reviewed, not an attack: ground truth for the scorer. */
export interface BenignTruth {
  key: string;
  title: string;
  story: string;
  start: string;
  end: string;
  startMs: number;
  endMs: number;
  indicators: AttackTruth['indicators'];
  /** Alerts that are expected for it (a review, not a false positive). */
  expectedReviews: string[];
  steps: AttackStep[];
}

/** The approvals table an operator keeps for EFT enrollment updates (reference/eft-approvals.csv). */
export function approvalsCsv(ctx: Ctx, s: Schedule): string {
  const rows = ['payee_npi,payer_id,routing,account,approved_by,approved_at,reference'];
  if (s.approved) {
    const a = s.approved;
    const by = ctx.company.staff.find((x) => x.role === 'billing_manager')!;
    for (const p of ctx.company.payers) rows.push([a.provider.npi, p.payerId, a.bank.routing, a.bank.account, by.user, new Date(centralToUtc(a.day, 16)).toISOString(), a.reference].join(','));
  }
  return rows.join('\n') + '\n';
}

/** The approved change: the credentialing specialist records the new bank in the PM system. */
export function generateApprovedChange(ctx: Ctx, s: Schedule, remits: Remit[]): BenignTruth | undefined {
  if (!s.approved) return undefined;
  const a = s.approved;
  const who = ctx.company.staff.find((x) => x.role === 'credentialing')!;
  const t = centralToUtc(a.day, 14 + 20 / 60);
  ctx.pm.audit(t, { user: who.user, action: 'EDIT_PAYEE_BANK', account: a.provider.id, workstation: who.workstation, ip: OFFICE_PUBLIC_IP, detail: `EFT enrollment update for ${a.provider.name}, ref ${a.reference}` });
  const paid = remits.filter((r) => r.provider === a.provider && r.bank.account === a.bank.account).sort((x, y) => x.time - y.time);
  const steps: AttackStep[] = [{ time: iso(t), source: 'pm-audit', file: 'pm/audit-trail.csv', what: `${who.user} records ${a.provider.name}'s new bank (EFT enrollment update ${a.reference}, approved by a billing manager; reference/eft-approvals.csv)` }];
  for (const r of paid.filter((r, i, all) => all.findIndex((x) => x.payer === r.payer) === i)) {
    steps.push({ time: iso(r.time), source: 'x12-835', file: r.file, what: `first 835 from ${r.payer.name} into the new account (approved: no alert expected)` });
  }
  const times = steps.map((x) => Date.parse(x.time));
  return {
    key: 'approved-eft-change',
    title: `Documented EFT bank change for ${a.provider.name}`,
    story: `${a.provider.name} moved its deposits to a new bank. The change went through the EFT enrollment process (reference ${a.reference}) and is in the approvals table, so the remittance watch accepts the new account once per payer; the PM edit itself is still raised for review.`,
    start: iso(Math.min(...times)), end: iso(Math.max(...times)), startMs: Math.min(...times), endMs: Math.max(...times),
    indicators: { users: [who.user], ips: [], hosts: [], payees: [a.provider.npi, a.provider.tin], accounts: [a.bank.account] },
    expectedReviews: ['claimguard.billing.audit.bank_change', BANK_EDIT_SIGMA_RULE],
    steps,
  };
}

export function generateAttacks(ctx: Ctx, s: Schedule, remits: Remit[]): AttackTruth[] {
  return [sprayToRansomware(ctx, s.a), phishToRedirect(ctx, s, remits), insiderSnooping(ctx, s.c), sftpBruteForce(ctx, s.d), terminatedReuse(ctx, s.e)];
}

function truth(id: AttackId, key: string, title: string, story: string, mitre: string[], steps: AttackStep[], indicators: AttackTruth['indicators']): AttackTruth {
  const times = steps.map((x) => Date.parse(x.time));
  const startMs = Math.min(...times);
  const endMs = Math.max(...times);
  return { id, key, title, story, mitre, start: iso(startMs), end: iso(endMs), startMs, endMs, indicators, steps };
}

// (a) VPN password spraying → a valid login → RDP → ransomware precursors.
function sprayToRansomware(ctx: Ctx, day: number): AttackTruth {
  const rng = ctx.rng('attack-a');
  const steps: AttackStep[] = [];
  const victim = staffByUser(ctx.company, ACTORS.sprayed);
  const ip = ATTACKER.sprayIp;
  let t = centralToUtc(day, 0 + 50 / 60);
  const sprayStart = t;
  const guesses = ['admin', 'administrator', 'vpn', 'scanner', 'test', 'backup', 'helpdesk', 'reception'];
  const targets = [...rng.sample(ctx.company.staff.map((x) => x.user).filter((u) => u !== victim.user), 34), ...guesses];
  const ordered = rng.sample(targets, targets.length);
  ordered.splice(27, 0, victim.user);
  for (const user of ordered) {
    if (user === victim.user) {
      ctx.cef.vpnLogin(t, { user, ip, country: ATTACKER.sprayCountry, tunnelIp: '10.20.50.199' });
      steps.push({ time: iso(t), source: 'vpn', file: 'network/fortigate.cef', what: `VPN login succeeds for ${user} with the sprayed password from ${ip} (${ATTACKER.sprayCountry})` });
      t += rng.int(15_000, 30_000);
      continue;
    }
    ctx.cef.vpnLoginFailed(t, { user, ip, country: ATTACKER.sprayCountry }, guesses.includes(user) ? 'sslvpn_login_unknown_user' : 'sslvpn_login_permission_denied');
    t += rng.int(15_000, 30_000);
  }
  steps.unshift({ time: iso(sprayStart), source: 'vpn', file: 'network/fortigate.cef', what: `password spraying: one password tried against ${ordered.length - 1} accounts from ${ip} in ${Math.round((t - sprayStart) / 60_000)} minutes` });
  const tunnel = '10.20.50.199';
  t += 9 * MINUTE_MS;
  const acct = account(victim);
  ctx.win.logonFailed(t, FS, victim.user, { logonType: 3, ip: tunnel, port: rng.int(49152, 65000), workstation: 'WIN-8K2P0QX7D1M' });
  ctx.win.logonFailed(t + 20_000, RDS, victim.user, { logonType: 3, ip: tunnel, port: rng.int(49152, 65000), workstation: 'WIN-8K2P0QX7D1M' });
  t += 60_000;
  const session = ctx.win.logon(t, FS, acct, { logonType: 10, ip: tunnel, port: rng.int(49152, 65000), workstation: 'WIN-8K2P0QX7D1M', elevated: true });
  steps.push({ time: iso(t), source: 'windows', file: 'windows/security.jsonl', what: `RDP logon (4624 type 10) to ${FS} as ${victim.user} from VPN address ${tunnel}, workstation WIN-8K2P0QX7D1M` });
  const cmd = { image: 'C:\\Windows\\System32\\cmd.exe', commandLine: '"C:\\Windows\\system32\\cmd.exe"' };
  const run = (dt: number, image: string, commandLine: string, parent = cmd): number => {
    t += dt;
    ctx.win.process(t, FS, acct, session, image, commandLine, parent, { sysmon: true, integrity: 'High' });
    return t;
  };
  run(90_000, 'C:\\Windows\\System32\\cmd.exe', '"C:\\Windows\\system32\\cmd.exe"', { image: 'C:\\Windows\\explorer.exe', commandLine: 'C:\\Windows\\Explorer.EXE' });
  run(20_000, 'C:\\Windows\\System32\\whoami.exe', 'whoami /groups');
  run(25_000, 'C:\\Windows\\System32\\nltest.exe', 'nltest /domain_trusts');
  run(30_000, 'C:\\Windows\\System32\\net.exe', 'net group "Domain Admins" /domain');
  const addUser = run(4 * MINUTE_MS, 'C:\\Windows\\System32\\net.exe', 'net user svc_backup2 Winter2026!x /add');
  const local: Account = { user: 'svc_backup2', sid: 'S-1-5-21-3021847566-1877463520-2210994411-1009', domain: 'LSBP-FS01' };
  ctx.win.userCreated(addUser + 400, FS, acct, session, local);
  const addAdmin = run(20_000, 'C:\\Windows\\System32\\net.exe', 'net localgroup Administrators svc_backup2 /add');
  ctx.win.groupMemberAdded(addAdmin + 300, FS, 4732, acct, session, local, { name: 'Administrators', sid: 'S-1-5-32-544', domain: 'Builtin' });
  steps.push({ time: iso(addUser), source: 'windows', file: 'windows/security.jsonl', what: 'local account svc_backup2 created (4720) and added to Administrators (4732) on ' + FS });
  const vss = run(5 * MINUTE_MS, 'C:\\Windows\\System32\\vssadmin.exe', 'vssadmin.exe delete shadows /all /quiet');
  run(15_000, 'C:\\Windows\\System32\\wbem\\WMIC.exe', 'wmic shadowcopy delete');
  run(20_000, 'C:\\Windows\\System32\\bcdedit.exe', 'bcdedit /set {default} recoveryenabled No');
  run(5_000, 'C:\\Windows\\System32\\bcdedit.exe', 'bcdedit /set {default} bootstatuspolicy ignoreallfailures');
  const wb = run(20_000, 'C:\\Windows\\System32\\wbadmin.exe', 'wbadmin delete catalog -quiet');
  steps.push({ time: iso(vss), source: 'sysmon', file: 'windows/sysmon.jsonl', what: 'ransomware precursors on ' + FS + ': vssadmin delete shadows, wmic shadowcopy delete, bcdedit recovery disabled, wbadmin delete catalog' });
  const clear = run(2 * MINUTE_MS, 'C:\\Windows\\System32\\wevtutil.exe', 'wevtutil cl Security');
  ctx.win.auditLogCleared(clear + 800, FS, acct, session);
  steps.push({ time: iso(clear + 800), source: 'windows', file: 'windows/security.jsonl', what: 'Security log cleared (1102) on ' + FS });
  void wb;
  ctx.cef.vpnLogout(clear + 6 * MINUTE_MS, { user: victim.user, ip, country: ATTACKER.sprayCountry, tunnelIp: tunnel }, 48_000_000, 2_100_000);
  steps.push({ time: iso(clear + 6 * MINUTE_MS), source: 'vpn', file: 'network/fortigate.cef', what: 'the attacker disconnects from the VPN' });
  return truth('a', 'vpn-spray-to-ransomware', 'VPN password spraying → valid login → RDP → ransomware precursors',
    `An attacker at ${ip} sprays one password across the staff's VPN accounts after midnight, gets in as ${victim.user} (an AR specialist who reused "Fall2026!"), RDPs to the file server where that account was a local administrator, creates a backdoor admin and destroys the recovery options (shadow copies, boot recovery, backup catalog) before encryption, then clears the Security log.`,
    ['T1110.003', 'T1133', 'T1021.001', 'T1136.001', 'T1098', 'T1490', 'T1070.001'], steps,
    { users: [victim.user, 'svc_backup2'], ips: [ip, tunnel], hosts: [FS, 'WIN-8K2P0QX7D1M'] });
}

// (b) Phished mailbox → external forwarding rule → an 835 with the payee's bank account changed.
function phishToRedirect(ctx: Ctx, s: Schedule, remits: Remit[]): AttackTruth {
  const rng = ctx.rng('attack-b');
  const steps: AttackStep[] = [];
  const victim = staffByUser(ctx.company, ACTORS.phished);
  const ip = ATTACKER.phishIp;
  const where = { ip, city: 'Lagos', state: 'Lagos', country: 'NG', userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36' };
  let t = centralToUtc(s.b, 10 + 42 / 60);
  ctx.m365.signIn(t, { upn: victim.upn, name: victim.name, where, errorCode: 0, app: 'OfficeHome', os: 'Linux', browser: 'Chrome 129.0.0', risk: 'medium' });
  ctx.m365.userLoggedIn(t + 4_000, victim.upn, where, true);
  steps.push({ time: iso(t), source: 'entra', file: 'm365/entra-signins.jsonl', what: `sign-in as ${victim.upn} from ${ip} (Lagos, NG) with a token stolen by an adversary-in-the-middle phishing page, while the user works in Austin` });
  t += 6 * MINUTE_MS;
  ctx.m365.mailItemsAccessed(t, victim.upn, ip, 'Client=OWA;Action=ViewAll', 240, true);
  t += 4 * MINUTE_MS;
  ctx.m365.newInboxRule(t, victim.upn, ip, { name: '.', forwardTo: ATTACKER.forwardTo, subjectContains: 'EFT;remittance;ERA;payment;bank' });
  steps.push({ time: iso(t), source: 'm365', file: 'm365/unified-audit-log.jsonl', what: `New-InboxRule "." forwarding EFT/remittance mail to ${ATTACKER.forwardTo}` });
  t += 90_000;
  ctx.m365.newInboxRule(t, victim.upn, ip, { name: '..', from: 'provider.enrollment@swms-payer.example', subjectContains: 'EFT;enrollment;bank', moveToFolder: 'RSS Feeds', markAsRead: true });
  steps.push({ time: iso(t), source: 'm365', file: 'm365/unified-audit-log.jsonl', what: 'second rule ".." hides the payer\'s enrollment replies in RSS Feeds, marked read' });
  t += 12 * MINUTE_MS;
  ctx.m365.send(t, victim.upn, ip, `EFT enrollment update - ${s.target.provider.name} (NPI ${s.target.provider.npi})`, 'provider.enrollment@swms-payer.example');
  steps.push({ time: iso(t), source: 'm365', file: 'm365/unified-audit-log.jsonl', what: `from the victim's mailbox, an EFT change request to ${s.target.payer.name} with the mule account` });
  for (let i = 0; i < 3; i++) ctx.m365.mailItemsAccessed(t + (i + 1) * rng.int(20, 60) * MINUTE_MS, victim.upn, ip, 'Client=OWA;Action=ViewAll', rng.int(20, 80));
  const redirected = remits.filter((r) => r.bank.account === ATTACKER.muleAccount).sort((a, b) => a.time - b.time);
  if (redirected.length === 0) throw new Error('demo: no 835 for the payment-redirection target fell inside the window');
  const first = redirected[0];
  steps.push({ time: iso(first.time), source: 'x12-835', file: first.file, what: `835 from ${first.payer.name} to ${first.provider.name} pays $${(first.totalCents / 100).toFixed(2)} into routing ${ATTACKER.muleRouting} account ${ATTACKER.muleAccount} instead of ${first.provider.bank.routing}/${first.provider.bank.account}` });
  for (const r of redirected.slice(1)) steps.push({ time: iso(r.time), source: 'x12-835', file: r.file, what: `another redirected 835 ($${(r.totalCents / 100).toFixed(2)})` });
  return truth('b', 'phish-to-payment-redirection', 'Phished mailbox → external forwarding rule → 835 payee bank-account change',
    `A payment-posting specialist (${victim.user}) enters her password and MFA code on a fake Microsoft page. The attacker replays the session from ${ip}, reads her mail, forwards everything about EFTs to an outside address, hides the payer's replies, and sends the payer an EFT enrollment change for ${s.target.provider.name}. From ${new Date(s.redirectFrom).toISOString().slice(0, 10)} the payer's ERAs for that client pay into the mule account.`,
    ['T1566.002', 'T1557', 'T1078.004', 'T1114.003', 'T1564.008', 'T1657'], steps,
    { users: [victim.user, victim.upn], ips: [ip], hosts: [], payees: [s.target.provider.npi, s.target.provider.tin], accounts: [ATTACKER.muleAccount] });
}

// (c) A billing clerk views hundreds of patient accounts after hours and exports them.
function insiderSnooping(ctx: Ctx, day: number): AttackTruth {
  const rng = ctx.rng('attack-c');
  const steps: AttackStep[] = [];
  const clerk = staffByUser(ctx.company, ACTORS.insider);
  const tunnel = '10.20.50.77';
  let t = centralToUtc(day, 21 + 5 / 60);
  ctx.cef.vpnLogin(t, { user: clerk.user, ip: clerk.homeIp, country: 'United States', tunnelIp: tunnel });
  steps.push({ time: iso(t), source: 'vpn', file: 'network/fortigate.cef', what: `${clerk.user} connects to the VPN from home at 21:05 (she always works on site)` });
  t += 3 * MINUTE_MS;
  const session = ctx.win.logon(t, RDS, account(clerk), { logonType: 10, ip: tunnel, port: rng.int(49152, 65000), workstation: 'DESKTOP-TB0RKS' });
  t += 2 * MINUTE_MS;
  ctx.pm.audit(t, { user: clerk.user, action: 'LOGIN', workstation: RDS, ip: OFFICE_PUBLIC_IP });
  const loginAt = t;
  const victims = rng.sample(ctx.patients, 430);
  for (const p of victims) {
    t += rng.int(8_000, 22_000);
    ctx.pm.audit(t, { user: clerk.user, action: rng.chance(0.6) ? 'VIEW_PATIENT' : 'VIEW_ACCOUNT', patient: p.id, account: p.account, workstation: RDS, ip: OFFICE_PUBLIC_IP });
  }
  steps.push({ time: iso(loginAt), source: 'pm-audit', file: 'pm/audit-trail.csv', what: `${clerk.user} opens ${victims.length} patient records across all ${ctx.company.providers.length} clients (she works 2) between 21:10 and ${new Date(t).toISOString().slice(11, 16)} UTC` });
  const exports = ['Patient Demographics and Insurance', 'Open Balances by Patient', 'Patient Contact List'];
  for (const r of exports) {
    t += rng.int(60_000, 240_000);
    ctx.pm.audit(t, { user: clerk.user, action: 'EXPORT', workstation: RDS, ip: OFFICE_PUBLIC_IP, records: rng.int(1200, 3600), detail: `report=${r} format=xlsx` });
  }
  steps.push({ time: iso(t), source: 'pm-audit', file: 'pm/audit-trail.csv', what: `${exports.length} exports of patient lists (demographics, balances, contacts)` });
  ctx.win.process(t + 60_000, RDS, account(clerk), session, 'C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE" "C:\\Users\\tbrooks\\Downloads\\PatientDemographics.xlsx"', { image: 'C:\\Windows\\explorer.exe', commandLine: 'C:\\Windows\\Explorer.EXE' }, { sysmon: true });
  ctx.m365.send(t + 5 * MINUTE_MS, clerk.upn, clerk.homeIp, 'stuff', 'tamika.brooks.home@mail.example.com');
  t += 8 * MINUTE_MS;
  ctx.pm.audit(t, { user: clerk.user, action: 'LOGOUT', workstation: RDS, ip: OFFICE_PUBLIC_IP });
  ctx.win.logoff(t + 30_000, RDS, account(clerk), session, 10);
  ctx.cef.vpnLogout(t + 60_000, { user: clerk.user, ip: clerk.homeIp, country: 'United States', tunnelIp: tunnel }, 9_000_000, 180_000_000);
  steps.push({ time: iso(t + 60_000), source: 'vpn', file: 'network/fortigate.cef', what: 'logs out of the application and the VPN' });
  return truth('c', 'after-hours-mass-access', 'Billing clerk views hundreds of patient accounts after hours and exports them',
    `${clerk.name} (${clerk.user}), a billing specialist on the day shift who works two clients' accounts, logs in from home at night and opens ${victims.length} patient records across every client, then exports three patient lists and mails something to a personal address.`,
    ['T1078', 'T1213', 'T1530', 'T1048'], steps,
    { users: [clerk.user, clerk.upn], ips: [clerk.homeIp, tunnel], hosts: [RDS] });
}

// (d) Brute force on the SFTP host.
function sftpBruteForce(ctx: Ctx, day: number): AttackTruth {
  const rng = ctx.rng('attack-d');
  const ip = ATTACKER.bruteIp;
  let t = day + 3 * 3_600_000 + 12 * MINUTE_MS;
  const start = t;
  const users: [string, boolean][] = [['root', false], ['admin', true], ['sftp', true], ['ftpuser', true], ['pecos_era', false], ['lsbp_ops', false], ['upload', true], ['era', true], ['billing', true], ['ubuntu', true], ['edi', true]];
  ctx.cef.traffic(t - 2_000, { src: ip, dst: SFTP_PUBLIC_IP, dpt: 22, proto: 6, action: 'accept', country: 'Netherlands', app: 'SSH', policy: 12 });
  let attempts = 0;
  while (attempts < 360) {
    const [user, invalid] = rng.pick(users);
    const pid = ctx.syslog.newPid();
    const port = rng.int(32768, 60999);
    const tries = rng.int(3, 6);
    for (let i = 0; i < tries; i++) {
      ctx.syslog.failedPassword(t + i * 2_500, user, ip, invalid, pid, port);
      attempts++;
    }
    if (tries === 6) ctx.syslog.line(t + tries * 2_500, 38, 'sshd', pid, `error: maximum authentication attempts exceeded for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2 [preauth]`);
    else ctx.syslog.line(t + tries * 2_500, 38, 'sshd', pid, `Connection closed by ${invalid ? 'invalid user ' : 'authenticating user '}${user} ${ip} port ${port} [preauth]`);
    t += tries * 2_500 + rng.int(500, 4_000);
  }
  return truth('d', 'sftp-brute-force', 'Brute force on the SFTP host that receives ERAs',
    `From ${ip}, ${attempts} password guesses against root, the ERA drop accounts and common names on sftp01 in ${Math.round((t - start) / 60_000)} minutes. The accounts use keys, so none succeeds; the host should not accept passwords from the internet at all.`,
    ['T1110.001', 'T1110.003'],
    [{ time: iso(start), source: 'sshd', file: 'linux/sftp01-auth.log', what: `${attempts} failed sshd password attempts from ${ip} for ${users.length} user names` },
      { time: iso(t), source: 'sshd', file: 'linux/sftp01-auth.log', what: 'last attempt; no success' }],
    { users: users.map(([u]) => u), ips: [ip], hosts: ['sftp01'] });
}

// (e) A terminated employee's account used again.
function terminatedReuse(ctx: Ctx, day: number): AttackTruth {
  const rng = ctx.rng('attack-e');
  const steps: AttackStep[] = [];
  const former: Staff = staffByUser(ctx.company, ACTORS.terminated);
  const tunnel = '10.20.50.88';
  let t = centralToUtc(day, 19 + 2 / 60);
  ctx.cef.vpnLogin(t, { user: former.user, ip: former.homeIp, country: 'United States', tunnelIp: tunnel });
  steps.push({ time: iso(t), source: 'vpn', file: 'network/fortigate.cef', what: `VPN login as ${former.user}, terminated on ${former.terminated} (the FortiGate local account was never removed)` });
  t += 70_000;
  ctx.m365.signIn(t, { upn: former.upn, name: former.name, where: { ip: former.homeIp, city: former.homeCity, state: 'Texas', country: 'US', userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36' }, errorCode: 50057 });
  steps.push({ time: iso(t), source: 'entra', file: 'm365/entra-signins.jsonl', what: 'Microsoft 365 sign-in refused: account disabled (50057)' });
  t += 2 * MINUTE_MS;
  ctx.pm.audit(t, { user: former.user, action: 'LOGIN', workstation: 'RJ-LAPTOP', ip: OFFICE_PUBLIC_IP });
  steps.push({ time: iso(t), source: 'pm-audit', file: 'pm/audit-trail.csv', what: 'practice-management login still works (separate account, not tied to Entra)' });
  const pool = (ctx.assignments.get(former.user) ?? []).flatMap((id) => ctx.patientsByProvider.get(id) ?? []);
  for (const p of rng.sample(pool, 38)) {
    t += rng.int(15_000, 50_000);
    ctx.pm.audit(t, { user: former.user, action: 'VIEW_ACCOUNT', patient: p.id, account: p.account, workstation: 'RJ-LAPTOP', ip: OFFICE_PUBLIC_IP });
  }
  t += 3 * MINUTE_MS;
  ctx.pm.audit(t, { user: former.user, action: 'EXPORT', workstation: 'RJ-LAPTOP', ip: OFFICE_PUBLIC_IP, records: rng.int(500, 900), detail: 'report=Open AR by Payer format=csv' });
  steps.push({ time: iso(t), source: 'pm-audit', file: 'pm/audit-trail.csv', what: 'views 38 accounts of his former clients and exports the open-AR list' });
  t += 4 * MINUTE_MS;
  ctx.pm.audit(t, { user: former.user, action: 'LOGOUT', workstation: 'RJ-LAPTOP', ip: OFFICE_PUBLIC_IP });
  ctx.cef.vpnLogout(t + 60_000, { user: former.user, ip: former.homeIp, country: 'United States', tunnelIp: tunnel }, 3_000_000, 41_000_000);
  steps.push({ time: iso(t + 60_000), source: 'vpn', file: 'network/fortigate.cef', what: 'logs out of the application and the VPN' });
  void VPN_PUBLIC_IP; void DC;
  return truth('e', 'terminated-account-reuse', "A terminated employee's account used again",
    `${former.name} (${former.user}) left on ${former.terminated}. HR updated the roster and IT disabled his Microsoft 365 account, but his VPN and practice-management logins still work; ${Math.round((day - Date.parse(former.terminated + 'T00:00:00Z')) / DAY_MS)} days later he logs in from home and exports his former clients' open receivables (a list a competitor would pay for).`,
    ['T1078', 'T1133', 'T1213'], steps,
    { users: [former.user, former.upn], ips: [former.homeIp, tunnel], hosts: ['RJ-LAPTOP'] });
}
