// The normal business rhythm: staff arrive on their shifts (or work from home over the VPN on their
// remote days), sign in to Windows and Microsoft 365, work their clients' accounts in the
// practice-management system, and leave; servers run backups; clearinghouses drop ERAs on the SFTP
// host; the internet knocks on the firewall. Weekends and holidays are quiet. Small noise (typos,
// a forgotten password, a scanner) is part of a normal day too.
import type { Ctx, Claim } from './context.ts';
import type { Staff } from './company.ts';
import type { Remit } from './billing.ts';
import type { Rng } from './rng.ts';
import { DAY_MS, HOUR_MS, MINUTE_MS, centralToUtc, type DayInfo } from './calendar.ts';
import { OFFICE_PUBLIC_IP, SFTP_PUBLIC_IP, VPN_PUBLIC_IP } from './company.ts';
import { SYSTEM_ACCOUNT, type Account } from './emit/windows.ts';
import type { Where } from './emit/m365.ts';
import type { PmAction } from './emit/pm.ts';

const EDGE_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0';
const OUTLOOK_CLIENT = 'Client=MSExchangeRPC;Mode=Cached;';

export const DC = 'LSBP-DC01';
export const FS = 'LSBP-FS01';
export const RDS = 'LSBP-RDS01';

export function account(s: Staff): Account {
  return { user: s.user, sid: s.sid };
}

export function officeWhere(): Where {
  return { ip: OFFICE_PUBLIC_IP, city: 'Austin', state: 'Texas', country: 'US', userAgent: EDGE_UA };
}

export function homeWhere(s: Staff): Where {
  return { ip: s.homeIp, city: s.homeCity, state: 'Texas', country: 'US', userAgent: EDGE_UA };
}

/** Which people are on the payroll on a given day (former staff until their last day). */
function onPayroll(s: Staff, day: number): boolean {
  return !s.terminated || day < Date.parse(s.terminated + 'T00:00:00Z');
}

const APPS_ONSITE: [image: string, cmd: string][] = [
  ['C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\OUTLOOK.EXE" '],
  ['C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe', '"C:\\Program Files (x86)\\Microsoft\\Edge\\Application\\msedge.exe" --single-argument https://claimpilot.example/login'],
  ['C:\\Program Files\\ClaimPilot\\ClaimPilotLauncher.exe', '"C:\\Program Files\\ClaimPilot\\ClaimPilotLauncher.exe" /sso'],
  ['C:\\Users\\{user}\\AppData\\Local\\Microsoft\\WindowsApps\\ms-teams.exe', '"ms-teams.exe" --system-initiated'],
];
const APPS_LATER: [image: string, cmd: string][] = [
  ['C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE', '"C:\\Program Files\\Microsoft Office\\root\\Office16\\EXCEL.EXE" "\\\\LSBP-FS01\\RevenueCycle\\Worklists\\{file}.xlsx"'],
  ['C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe', '"C:\\Program Files\\Adobe\\Acrobat DC\\Acrobat\\Acrobat.exe" "\\\\LSBP-FS01\\Scans\\EOB\\{file}.pdf"'],
  ['C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe', '"C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe" https://provider.portal.example/eligibility'],
];
const EXPLORER = { image: 'C:\\Windows\\explorer.exe', commandLine: 'C:\\Windows\\Explorer.EXE' };

/** PM actions by role: [action, weight]. */
const ROLE_ACTIONS: Record<string, [PmAction, number][]> = {
  billing_specialist: [['VIEW_PATIENT', 6], ['VIEW_ACCOUNT', 5], ['VIEW_CLAIM', 6], ['EDIT_CLAIM', 3], ['PRINT_STATEMENT', 1], ['EDIT_PATIENT', 1]],
  medical_coder: [['VIEW_PATIENT', 5], ['VIEW_CLAIM', 7], ['EDIT_CLAIM', 5]],
  ar_specialist: [['VIEW_ACCOUNT', 7], ['VIEW_CLAIM', 6], ['VIEW_PATIENT', 3], ['EDIT_CLAIM', 2], ['ADJUSTMENT', 1]],
  payment_poster: [['VIEW_ACCOUNT', 4], ['POST_PAYMENT', 8], ['VIEW_CLAIM', 3], ['ADJUSTMENT', 1]],
  billing_manager: [['VIEW_ACCOUNT', 4], ['VIEW_CLAIM', 4], ['VIEW_PATIENT', 2], ['ADJUSTMENT', 1]],
  credentialing: [['VIEW_PATIENT', 1], ['VIEW_ACCOUNT', 1]],
  office_manager: [['VIEW_PATIENT', 2], ['VIEW_ACCOUNT', 2]],
  executive: [['VIEW_ACCOUNT', 1]],
};
const ROLE_VOLUME: Record<string, [number, number]> = {
  billing_specialist: [28, 48], medical_coder: [22, 38], ar_specialist: [26, 44], payment_poster: [30, 52],
  billing_manager: [10, 22], credentialing: [2, 6], office_manager: [2, 8], executive: [0, 3], it_admin: [0, 0],
};

export interface NormalResult {
  /** Per day (ISO date): number of records the normal rhythm wrote, by file. */
  perDay: Record<string, number>;
}

export function generateNormal(ctx: Ctx, remits: Remit[], submitted: { time: number; claims: Claim[] }[]): void {
  const rng = ctx.rng('normal');
  for (const info of ctx.days) {
    for (const s of [...ctx.company.staff, ...ctx.company.former]) {
      if (!onPayroll(s, info.day)) continue;
      workday(ctx, rng, info, s);
    }
    servers(ctx, rng, info);
    sftpDay(ctx, rng, info, remits);
    internetNoise(ctx, rng, info);
  }
  claimSubmissions(ctx, rng, submitted);
  paymentPosting(ctx, rng, remits);
}

function workday(ctx: Ctx, rng: Rng, info: DayInfo, s: Staff): void {
  const weekendShift = !info.officeOpen && (s.role === 'billing_manager' || s.role === 'it_admin') && info.dow === 6 && rng.chance(0.2);
  if (!info.officeOpen && !weekendShift) return;
  if (info.officeOpen && rng.chance(0.045)) return; // PTO or sick
  const remote = weekendShift || s.remoteDays.includes(info.dow);
  const startH = weekendShift ? 9 + rng.next() : s.shift.start + rng.jitter(0.2);
  const endH = weekendShift ? startH + 1.5 + rng.next() : s.shift.end + rng.jitter(0.25);
  const start = centralToUtc(info.day, startH);
  const end = centralToUtc(info.day, endH);
  const acct = account(s);
  const where = remote ? homeWhere(s) : officeWhere();
  let host: string;
  let pmIp: string;
  let sessionId: string;
  let tunnelIp = '';
  if (remote) {
    tunnelIp = `10.20.50.${10 + (ctx.company.staff.indexOf(s) + 1 || 60)}`;
    const vpn = { user: s.user, ip: s.homeIp, country: 'United States', tunnelIp };
    if (rng.chance(0.03)) ctx.cef.vpnLoginFailed(start - 4 * MINUTE_MS, vpn);
    ctx.cef.vpnLogin(start - 3 * MINUTE_MS, vpn);
    ctx.cef.vpnLogout(end + 2 * MINUTE_MS, vpn, rng.int(2e7, 4e8), rng.int(1e6, 6e7));
    host = RDS;
    pmIp = OFFICE_PUBLIC_IP;
    sessionId = ctx.win.logon(start, RDS, acct, { logonType: 10, ip: tunnelIp, port: rng.int(49152, 65000), workstation: `${s.user.toUpperCase()}-HOME` });
    ctx.win.logon(start + 1200, DC, acct, { logonType: 3, ip: '10.20.1.40', port: rng.int(49152, 65000) });
  } else {
    host = s.workstation;
    pmIp = OFFICE_PUBLIC_IP;
    if (rng.chance(0.04)) ctx.win.logonFailed(start - 40_000, host, s.user, { logonType: 2, workstation: host });
    sessionId = ctx.win.logon(start, host, acct, { logonType: 2 });
    ctx.win.logon(start + 900, DC, acct, { logonType: 3, ip: s.workstationIp, port: rng.int(49152, 65000) });
  }
  const fsLogon = ctx.win.logon(start + 4_000, FS, acct, { logonType: 3, ip: remote ? '10.20.1.40' : s.workstationIp, port: rng.int(49152, 65000) });
  const sysmon = host === RDS;
  let t = start + 20_000;
  for (const [image, cmd] of APPS_ONSITE) {
    if (s.role === 'it_admin' && image.includes('ClaimPilot')) continue;
    const img = image.replace('{user}', s.user);
    ctx.win.process(t, host, acct, sessionId, img, cmd.replace('{user}', s.user), EXPLORER, { sysmon });
    t += rng.int(4_000, 40_000);
  }
  const span = end - start;
  for (let i = rng.int(1, 4); i > 0; i--) {
    const [image, cmd] = rng.pick(APPS_LATER);
    ctx.win.process(start + rng.next() * span, host, acct, sessionId, image, cmd.replace('{file}', `${s.user}-${rng.hex(6)}`), EXPLORER, { sysmon });
  }
  if (!remote && span > 6 * HOUR_MS) ctx.win.logon(start + span / 2 + rng.int(0, 40) * MINUTE_MS, host, acct, { logonType: 7, logonId: sessionId });

  // Microsoft 365 and Entra.
  if (rng.chance(0.02)) ctx.m365.signIn(start + 60_000, { upn: s.upn, name: s.name, where, errorCode: 50126 });
  ctx.m365.signIn(start + 90_000, { upn: s.upn, name: s.name, where, errorCode: 0 });
  ctx.m365.userLoggedIn(start + 95_000, s.upn, where, true);
  for (let i = rng.int(2, 4); i > 0; i--) ctx.m365.mailItemsAccessed(start + rng.next() * span, s.upn, where.ip, OUTLOOK_CLIENT, rng.int(3, 40));
  for (let i = rng.int(0, 4); i > 0; i--) {
    const other = rng.pick(ctx.company.staff);
    ctx.m365.send(start + rng.next() * span, s.upn, where.ip, rng.pick(['Re: denial follow-up', 'Worklist for today', 'Fwd: payer portal update', 'ERA question', 'Re: coding query']), other.upn);
  }
  if (rng.chance(0.3)) ctx.m365.fileAccessed(start + rng.next() * span, s.upn, where.ip, EDGE_UA, 'RevenueCycle', `${rng.pick(['Payer Contacts', 'Fee Schedule 2026', 'Denial Codes', 'Team Calendar'])}.xlsx`);
  // A handful of staff keep an ordinary inbox rule; making one is normal (no forwarding outside).
  if (rng.chance(0.004)) ctx.m365.newInboxRule(start + rng.next() * span, s.upn, where.ip, { name: 'Payer newsletters', from: 'news@payer-updates.example', moveToFolder: 'Newsletters' });

  // Practice-management audit trail.
  pmSession(ctx, rng, s, start + 3 * MINUTE_MS, end - 5 * MINUTE_MS, host, pmIp);

  // Leaving.
  ctx.win.logoff(end, host, acct, sessionId, remote ? 10 : 2);
  ctx.win.logoff(end + 1_000, FS, acct, fsLogon, 3);

  // IT administrators: a console session on the domain controller most days.
  if (s.role === 'it_admin' && info.officeOpen && rng.chance(0.7)) {
    const tt = start + rng.int(30, 300) * MINUTE_MS;
    const admin = ctx.win.logon(tt, DC, acct, { logonType: 10, ip: remote ? tunnelIp : s.workstationIp, port: rng.int(49152, 65000), workstation: host, elevated: true });
    ctx.win.process(tt + 60_000, DC, acct, admin, 'C:\\Windows\\System32\\gpupdate.exe', 'gpupdate /force', { image: 'C:\\Windows\\System32\\cmd.exe', commandLine: 'cmd.exe' }, { sysmon: true, integrity: 'High' });
    if (rng.chance(0.4)) ctx.win.process(tt + 120_000, DC, acct, admin, 'C:\\Windows\\System32\\ipconfig.exe', 'ipconfig /all', { image: 'C:\\Windows\\System32\\cmd.exe', commandLine: 'cmd.exe' }, { sysmon: true, integrity: 'High' });
    ctx.win.logoff(tt + rng.int(10, 50) * MINUTE_MS, DC, acct, admin, 10);
  }
}

function pmSession(ctx: Ctx, rng: Rng, s: Staff, from: number, to: number, workstation: string, ip: string): void {
  const [lo, hi] = ROLE_VOLUME[s.role] ?? [0, 0];
  const n = rng.int(lo, hi);
  if (n === 0 && s.role !== 'executive') return;
  ctx.pm.audit(from, { user: s.user, action: 'LOGIN', workstation, ip });
  const pool = (ctx.assignments.get(s.user) ?? []).flatMap((id) => ctx.patientsByProvider.get(id) ?? []);
  const actions = ROLE_ACTIONS[s.role] ?? [];
  const times = Array.from({ length: n }, () => from + 60_000 + rng.next() * (to - from - 120_000)).sort((a, b) => a - b);
  // People work a short list of accounts each day, returning to some of them.
  const today = pool.length ? rng.sample(pool, Math.max(3, Math.round(n / 2.2))) : [];
  for (const t of times) {
    if (!today.length || !actions.length) break;
    const p = rng.pick(today);
    const action = rng.weighted(actions);
    const claim = action.includes('CLAIM') ? `${p.provider.id}${rng.digits(10)}` : undefined;
    const amount = action === 'ADJUSTMENT' ? rng.int(500, 18_000) / 100 : action === 'POST_PAYMENT' ? rng.int(2_000, 60_000) / 100 : undefined;
    const detail = action === 'ADJUSTMENT' ? 'reason=contractual' : undefined;
    ctx.pm.audit(t, { user: s.user, action, patient: p.id, account: p.account, claim, workstation, ip, ...(amount !== undefined ? { amount } : {}), detail });
  }
  // Managers run the weekly AR aging export on Monday mornings.
  if (s.role === 'billing_manager' && new Date(from).getUTCDay() === 1) {
    ctx.pm.audit(from + 20 * MINUTE_MS, { user: s.user, action: 'EXPORT', workstation, ip, records: rng.int(40, 90), detail: 'report=AR Aging Summary' });
  }
  ctx.pm.audit(to, { user: s.user, action: 'LOGOUT', workstation, ip });
}

function servers(ctx: Ctx, rng: Rng, info: DayInfo): void {
  // Nightly backup on the file server (Veeam agent, then wbadmin catalog check) and Defender scans.
  const t = centralToUtc(info.day, 23 + rng.next() * 0.5);
  const sys = SYSTEM_ACCOUNT;
  ctx.win.process(t, FS, sys, '0x3e7', 'C:\\Program Files\\Veeam\\Endpoint Backup\\veeamagent.exe', '"C:\\Program Files\\Veeam\\Endpoint Backup\\veeamagent.exe" -job "FS01 nightly"', { image: 'C:\\Windows\\System32\\svchost.exe', commandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p' }, { sysmon: true, integrity: 'System' });
  ctx.win.process(t + 40 * MINUTE_MS, FS, sys, '0x3e7', 'C:\\Windows\\System32\\wbadmin.exe', 'wbadmin get versions -backupTarget:\\\\nas01\\fs01', { image: 'C:\\Windows\\System32\\cmd.exe', commandLine: 'cmd.exe /c C:\\Scripts\\check-backup.cmd' }, { sysmon: true, integrity: 'System' });
  for (const host of [DC, FS, RDS]) {
    ctx.win.process(centralToUtc(info.day, 2 + rng.next()), host, sys, '0x3e7', 'C:\\ProgramData\\Microsoft\\Windows Defender\\Platform\\4.18.24090.11-0\\MpCmdRun.exe', '"MpCmdRun.exe" -Scan -ScheduleJob -ScanTrigger 55', { image: 'C:\\Windows\\System32\\svchost.exe', commandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule' }, { sysmon: true, integrity: 'System' });
    for (let i = rng.int(2, 5); i > 0; i--) {
      ctx.win.process(info.day + rng.next() * DAY_MS, host, sys, '0x3e7', 'C:\\Windows\\System32\\taskhostw.exe', 'taskhostw.exe', { image: 'C:\\Windows\\System32\\svchost.exe', commandLine: 'C:\\Windows\\system32\\svchost.exe -k netsvcs -p -s Schedule' }, { sysmon: true, integrity: 'System' });
    }
  }
  // Patch Tuesday evening: an administrator works late on the servers (approved maintenance).
  if (info.dow === 2 && info.officeOpen) {
    const admin = ctx.company.staff.find((s) => s.role === 'it_admin')!;
    const tt = centralToUtc(info.day, 19 + rng.next() * 0.5);
    for (const host of [FS, RDS]) {
      const id = ctx.win.logon(tt, host, account(admin), { logonType: 10, ip: admin.workstationIp, port: rng.int(49152, 65000), workstation: admin.workstation, elevated: true });
      ctx.win.process(tt + 5 * MINUTE_MS, host, account(admin), id, 'C:\\Windows\\System32\\WindowsPowerShell\\v1.0\\powershell.exe', 'powershell.exe -NoProfile -Command "Install-WindowsUpdate -AcceptAll -IgnoreReboot"', EXPLORER, { sysmon: true, integrity: 'High' });
      ctx.win.logoff(tt + 50 * MINUTE_MS, host, account(admin), id, 10);
    }
  }
}

function sftpDay(ctx: Ctx, rng: Rng, info: DayInfo, remits: Remit[]): void {
  const acctInfo = ctx.company.sftpAccounts;
  // Clearinghouse: every 2 hours in business hours on weekdays, twice on weekends; ERA drops add sessions.
  const hours = info.weekend ? [8, 20] : [6, 8, 10, 12, 14, 16, 18, 20, 22];
  for (const h of hours) {
    const a = acctInfo[0];
    ctx.syslog.sftpSession(info.day + h * HOUR_MS + rng.int(0, 300_000), a.user, 1002, rng.pick(a.ips), rng.int(4_000, 40_000), 'q3Vd8kPz1xT0bN7mWc5LrY2uAe9sHj4gKf6iOp0ZtQw');
  }
  for (const r of remits) {
    if (r.time < info.day || r.time >= info.day + DAY_MS) continue;
    const a = r.payer.filing === 'MB' ? acctInfo[1] : acctInfo[0];
    ctx.syslog.sftpSession(r.time - rng.int(60_000, 600_000), a.user, a.user === 'swms_era' ? 1003 : 1002, rng.pick(a.ips), rng.int(2_000, 9_000), a.user === 'swms_era' ? 'Hn2Ws7yQk4Rb8Xv1Lm6Cd3Ft9Gp5Jz0Ae2Ui7Ko1Yx' : 'q3Vd8kPz1xT0bN7mWc5LrY2uAe9sHj4gKf6iOp0ZtQw');
  }
  // Internal job pulls the files into the PM system every hour on weekdays.
  if (!info.weekend) {
    for (let h = 11; h <= 23; h++) {
      ctx.syslog.sftpSession(info.day + h * HOUR_MS + 5 * MINUTE_MS + rng.int(0, 30_000), 'lsbp_ops', 1004, acctInfo[2].ips[0], rng.int(1_500, 6_000), 'Mx8Qa2Zr5Tn1Vb7Kc4Wd9Ly3Ps6Hf0Ju2Ge5Ri8Oo1');
    }
  }
  for (let h = 0; h < 24; h++) ctx.syslog.cronHourly(info.day + h * HOUR_MS + 17 * MINUTE_MS);
  // An administrator patches the SFTP host on Wednesdays.
  if (info.dow === 3 && info.officeOpen) {
    const admin = ctx.company.staff.find((s) => s.role === 'it_admin' && s.shift.name === 'late') ?? ctx.company.staff[2];
    const t = centralToUtc(info.day, 16 + rng.next());
    ctx.syslog.sftpSession(t, admin.user, 1001, admin.workstationIp, 25 * MINUTE_MS, 'Tb4Nc8Xe2Qm6Wr1Ky5Vd9Hs3Lp7Fz0Ja4Gu8Ei2Oo6');
    ctx.syslog.sudo(t + 2 * MINUTE_MS, admin.user, '/usr/bin/apt-get upgrade -y');
  }
  // Internet background: a few probes a day, none persistent.
  for (let i = rng.int(0, 4); i > 0; i--) {
    const ip = `203.0.113.${rng.int(150, 199)}`;
    ctx.syslog.probe(info.day + rng.next() * DAY_MS, ip, rng.pick(['noident', 'invalid', 'kex'] as const));
  }
  void SFTP_PUBLIC_IP;
}

function internetNoise(ctx: Ctx, rng: Rng, info: DayInfo): void {
  // Denied inbound scans of the public addresses (ports nobody should expose) and allowed SFTP from partners.
  for (let i = rng.int(25, 60); i > 0; i--) {
    ctx.cef.traffic(info.day + rng.next() * DAY_MS, {
      src: `203.0.113.${rng.int(150, 254)}`, dst: rng.pick([OFFICE_PUBLIC_IP, VPN_PUBLIC_IP, SFTP_PUBLIC_IP]),
      dpt: rng.pick([3389, 445, 23, 22, 1433, 5900, 8080]), proto: 6, action: 'deny',
      country: rng.pick(['China', 'Russian Federation', 'Netherlands', 'United States', 'Brazil', 'Viet Nam']), policy: 0,
    });
  }
  for (let i = rng.int(6, 14); i > 0; i--) {
    ctx.cef.traffic(info.day + (6 + rng.next() * 16) * HOUR_MS, {
      src: rng.pick(ctx.company.clearinghouse.ips), dst: SFTP_PUBLIC_IP, dpt: 22, proto: 6, action: 'accept', country: 'United States', app: 'SSH', policy: 12,
    });
  }
}

function claimSubmissions(ctx: Ctx, rng: Rng, batches: { time: number; claims: Claim[] }[]): void {
  for (const b of batches) {
    for (const c of b.claims) {
      const s = ctx.company.staff.find((x) => x.user === c.preparedBy);
      if (!s) continue;
      ctx.pm.audit(c.submitted - rng.int(30_000, 90_000), { user: s.user, action: 'SUBMIT_CLAIM', patient: c.patient.id, account: c.patient.account, claim: c.id, workstation: s.remoteDays.includes(new Date(c.submitted).getUTCDay()) ? RDS : s.workstation, ip: OFFICE_PUBLIC_IP });
    }
  }
}

function paymentPosting(ctx: Ctx, rng: Rng, remits: Remit[]): void {
  // ERAs auto-post in the PM system; posters work the exceptions (denials, partial payments) by hand,
  // spread over their shift.
  const posters = ctx.company.staff.filter((s) => s.role === 'payment_poster');
  for (const r of remits) {
    const s = posters[(r.provider.id.charCodeAt(2) + r.payer.id.length) % posters.length];
    const day = Math.floor(r.time / DAY_MS) * DAY_MS;
    const from = centralToUtc(day, s.shift.start + 1), to = centralToUtc(day, s.shift.end - 0.5);
    for (const c of r.claims) {
      if (!rng.chance(0.2)) continue;
      ctx.pm.audit(from + rng.next() * (to - from), { user: s.user, action: 'POST_PAYMENT', patient: c.patient.id, account: c.patient.account, claim: c.id, workstation: s.workstation, ip: OFFICE_PUBLIC_IP, amount: Math.round(c.totalCents * 0.5) / 100, detail: `era=${r.trace}` });
    }
  }
}
