// Windows Security and Sysmon records in the shape evtx_dump writes as JSON Lines
// ({"Event":{"System":{…},"EventData":{…}}}), the same shape as ../shared/data/evtx_attack_samples.
import type { Rng } from '../rng.ts';
import type { Sink, WinRecord } from '../sink.ts';
import { evtxTime } from '../calendar.ts';
import { AD_DOMAIN, fqdn } from '../company.ts';

export const SECURITY_FILE = 'windows/security.jsonl';
export const SYSMON_FILE = 'windows/sysmon.jsonl';

const SECURITY_PROVIDER = { '#attributes': { Name: 'Microsoft-Windows-Security-Auditing', Guid: '54849625-5478-4994-A5BA-3E3B0328C30D' } };
const SYSMON_PROVIDER = { '#attributes': { Name: 'Microsoft-Windows-Sysmon', Guid: '5770385F-C22A-43E0-BF4C-06F5698FFBD9' } };
const EVENTLOG_PROVIDER = { '#attributes': { Name: 'Microsoft-Windows-Eventlog', Guid: 'FC65DDD8-D6EF-4962-83D5-6E5CFE9CE148' } };

const TASKS: Record<number, [task: number, keywords: string, version: number]> = {
  4624: [12544, '0x8020000000000000', 2],
  4625: [12544, '0x8010000000000000', 0],
  4634: [12545, '0x8020000000000000', 0],
  4647: [12545, '0x8020000000000000', 0],
  4648: [12544, '0x8020000000000000', 0],
  4672: [12548, '0x8020000000000000', 0],
  4688: [13312, '0x8020000000000000', 2],
  4720: [13824, '0x8020000000000000', 0],
  4722: [13824, '0x8020000000000000', 0],
  4724: [13824, '0x8020000000000000', 0],
  4728: [13826, '0x8020000000000000', 0],
  4732: [13826, '0x8020000000000000', 0],
  4740: [13824, '0x8020000000000000', 0],
  4776: [14336, '0x8020000000000000', 0],
};

export interface Account {
  user: string;
  sid: string;
  domain?: string;
}

export const SYSTEM_ACCOUNT: Account = { user: 'SYSTEM', sid: 'S-1-5-18', domain: 'NT AUTHORITY' };

/** Well-known processes with their Sysmon/PE metadata (fields SigmaHQ rules match on). */
const PE: Record<string, { desc: string; product: string; company: string; original: string; version: string }> = {
  'cmd.exe': { desc: 'Windows Command Processor', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'Cmd.Exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'vssadmin.exe': { desc: 'Command Line Interface for Microsoft® Volume Shadow Copy Service ', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'VSSADMIN.EXE', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'bcdedit.exe': { desc: 'Boot Configuration Data Editor', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'bcdedit.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'wbadmin.exe': { desc: 'Command Line Interface for Microsoft® BlockLevel Backup', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'WBADMIN.EXE', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'wmic.exe': { desc: 'WMI Commandline Utility', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'wmic.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'net.exe': { desc: 'Net Command', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'net.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'powershell.exe': { desc: 'Windows PowerShell', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'PowerShell.EXE', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'svchost.exe': { desc: 'Host Process for Windows Services', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'svchost.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'taskhostw.exe': { desc: 'Host Process for Windows Tasks', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'taskhostw.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'gpupdate.exe': { desc: 'Microsoft® Group Policy Update Utility', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'gpupdate.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'robocopy.exe': { desc: 'Microsoft Robocopy', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'robocopy.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'mstsc.exe': { desc: 'Remote Desktop Connection', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'mstsc.exe', version: '10.0.19041.1 (WinBuild.160101.0800)' },
  'rdpclip.exe': { desc: 'RDP Clipboard Monitor', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'rdpclip.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'explorer.exe': { desc: 'Windows Explorer', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'EXPLORER.EXE', version: '10.0.19041.1 (WinBuild.160101.0800)' },
  'chrome.exe': { desc: 'Google Chrome', product: 'Google Chrome', company: 'Google LLC', original: 'chrome.exe', version: '131.0.6778.86' },
  'msedge.exe': { desc: 'Microsoft Edge', product: 'Microsoft Edge', company: 'Microsoft Corporation', original: 'msedge.exe', version: '131.0.2903.70' },
  'OUTLOOK.EXE': { desc: 'Microsoft Outlook', product: 'Microsoft Outlook', company: 'Microsoft Corporation', original: 'Outlook.exe', version: '16.0.18129.20158' },
  'EXCEL.EXE': { desc: 'Microsoft Excel', product: 'Microsoft Office', company: 'Microsoft Corporation', original: 'Excel.exe', version: '16.0.18129.20158' },
  'ms-teams.exe': { desc: 'Microsoft Teams', product: 'Microsoft Teams', company: 'Microsoft Corporation', original: 'ms-teams.exe', version: '24295.605.3225.8804' },
  'Acrobat.exe': { desc: 'Adobe Acrobat', product: 'Adobe Acrobat', company: 'Adobe Inc.', original: 'Acrobat.exe', version: '24.4.20272.0' },
  'ClaimPilotLauncher.exe': { desc: 'ClaimPilot PM Desktop', product: 'ClaimPilot PM', company: 'ClaimPilot Software (fictitious)', original: 'ClaimPilotLauncher.exe', version: '8.4.2.0' },
  'MpCmdRun.exe': { desc: 'Microsoft Malware Protection Command Line Utility', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'MpCmdRun.exe', version: '4.18.24090.11' },
  'veeamagent.exe': { desc: 'Veeam Agent', product: 'Veeam Agent for Microsoft Windows', company: 'Veeam Software Group GmbH', original: 'VeeamAgent.exe', version: '6.2.0.121' },
  'whoami.exe': { desc: 'whoami - displays logged on user information', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'whoami.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'nltest.exe': { desc: 'Microsoft® Logon Server Test Utility', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'nltestrk.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
  'ipconfig.exe': { desc: 'IP Configuration Utility', product: 'Microsoft® Windows® Operating System', company: 'Microsoft Corporation', original: 'ipconfig.exe', version: '10.0.20348.1 (WinBuild.160101.0800)' },
};

export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('\\') + 1);
}

export class WinEmitter {
  private readonly rng: Rng;
  private readonly sink: Sink;
  private logonCounter = 0x3a000;
  private pidCounter = 0x1000;

  constructor(rng: Rng, sink: Sink) {
    this.rng = rng;
    this.sink = sink;
  }

  newLogonId(): string {
    this.logonCounter += this.rng.int(0x40, 0x4000);
    return '0x' + this.logonCounter.toString(16);
  }

  private newPid(): number {
    this.pidCounter = (this.pidCounter + this.rng.int(4, 400) * 4) % 0xfff0;
    return this.pidCounter + 4;
  }

  private system(t: number, host: string, eventId: number, channel: 'Security' | 'Microsoft-Windows-Sysmon/Operational', provider: unknown, extra: Record<string, unknown> = {}): WinRecord['System'] {
    const [task, keywords, version] = channel === 'Security'
      ? TASKS[eventId] ?? [12544, '0x8020000000000000', 0]
      : [eventId, '0x8000000000000000', eventId === 1 ? 5 : 2];
    return {
      Provider: provider,
      EventID: eventId,
      Version: version,
      Level: channel === 'Security' ? 0 : 4,
      Task: task,
      Opcode: 0,
      Keywords: keywords,
      TimeCreated: { '#attributes': { SystemTime: evtxTime(t, this.rng.int(0, 999)) } },
      Correlation: null,
      Execution: { '#attributes': { ProcessID: channel === 'Security' ? 684 : 3120, ThreadID: this.rng.int(700, 9000) } },
      Channel: channel,
      Computer: fqdn(host),
      Security: channel === 'Security' ? null : { '#attributes': { UserID: 'S-1-5-18' } },
      ...extra,
    };
  }

  private security(t: number, host: string, eventId: number, data: Record<string, string>): void {
    this.sink.win(SECURITY_FILE, t, { System: this.system(t, host, eventId, 'Security', SECURITY_PROVIDER), EventData: data });
  }

  /** 4624. LogonType 2 interactive, 3 network, 7 unlock, 10 RemoteInteractive (RDP), 11 cached. */
  logon(t: number, host: string, who: Account, o: { logonType: number; ip?: string; port?: number; workstation?: string; logonId?: string; elevated?: boolean }): string {
    const logonId = o.logonId ?? this.newLogonId();
    const network = o.logonType === 3;
    this.security(t, host, 4624, {
      SubjectUserSid: network ? 'S-1-0-0' : 'S-1-5-18',
      SubjectUserName: network ? '-' : `${host}$`,
      SubjectDomainName: network ? '-' : AD_DOMAIN,
      SubjectLogonId: network ? '0x0' : '0x3e7',
      TargetUserSid: who.sid,
      TargetUserName: who.user,
      TargetDomainName: who.domain ?? AD_DOMAIN,
      TargetLogonId: logonId,
      LogonType: String(o.logonType),
      LogonProcessName: network ? 'Kerberos' : o.logonType === 10 ? 'User32 ' : 'User32 ',
      AuthenticationPackageName: network ? 'Kerberos' : 'Negotiate',
      WorkstationName: o.workstation ?? (network ? '-' : host),
      LogonGuid: `{${this.rng.guid().toUpperCase()}}`,
      TransmittedServices: '-',
      LmPackageName: '-',
      KeyLength: '0',
      ProcessId: network ? '0x0' : '0x' + this.rng.int(0x200, 0x1200).toString(16),
      ProcessName: network ? '-' : 'C:\\Windows\\System32\\svchost.exe',
      IpAddress: o.ip ?? (network ? '-' : '127.0.0.1'),
      IpPort: o.port !== undefined ? String(o.port) : network ? '0' : '0',
      ImpersonationLevel: '%%1833',
      RestrictedAdminMode: o.logonType === 10 ? '%%1843' : '-',
      TargetOutboundUserName: '-',
      TargetOutboundDomainName: '-',
      VirtualAccount: '%%1843',
      TargetLinkedLogonId: '0x0',
      ElevatedToken: o.elevated ? '%%1842' : '%%1843',
    });
    if (o.elevated) {
      this.security(t, host, 4672, {
        SubjectUserSid: who.sid, SubjectUserName: who.user, SubjectDomainName: who.domain ?? AD_DOMAIN, SubjectLogonId: logonId,
        PrivilegeList: 'SeSecurityPrivilege\r\n\t\t\tSeBackupPrivilege\r\n\t\t\tSeRestorePrivilege\r\n\t\t\tSeTakeOwnershipPrivilege\r\n\t\t\tSeDebugPrivilege\r\n\t\t\tSeSystemEnvironmentPrivilege\r\n\t\t\tSeLoadDriverPrivilege\r\n\t\t\tSeImpersonatePrivilege',
      });
    }
    return logonId;
  }

  /** 4625 with status 0xC000006D / sub-status 0xC000006A (bad password) or 0xC0000064 (no such user). */
  logonFailed(t: number, host: string, user: string, o: { logonType: number; ip?: string; port?: number; workstation?: string; unknownUser?: boolean }): void {
    this.security(t, host, 4625, {
      SubjectUserSid: 'S-1-0-0', SubjectUserName: '-', SubjectDomainName: '-', SubjectLogonId: '0x0',
      TargetUserSid: 'S-1-0-0', TargetUserName: user, TargetDomainName: AD_DOMAIN,
      Status: '0xc000006d', FailureReason: '%%2313', SubStatus: o.unknownUser ? '0xc0000064' : '0xc000006a',
      LogonType: String(o.logonType), LogonProcessName: o.logonType === 3 ? 'NtLmSsp ' : 'User32 ',
      AuthenticationPackageName: o.logonType === 3 ? 'NTLM' : 'Negotiate', WorkstationName: o.workstation ?? '-',
      TransmittedServices: '-', LmPackageName: '-', KeyLength: '0', ProcessId: '0x0', ProcessName: '-',
      IpAddress: o.ip ?? '-', IpPort: o.port !== undefined ? String(o.port) : '-',
    });
  }

  logoff(t: number, host: string, who: Account, logonId: string, logonType: number): void {
    this.security(t, host, 4634, {
      TargetUserSid: who.sid, TargetUserName: who.user, TargetDomainName: who.domain ?? AD_DOMAIN, TargetLogonId: logonId, LogonType: String(logonType),
    });
  }

  /** 4688 process creation with command line auditing, plus Sysmon 1 where Sysmon runs. */
  process(t: number, host: string, who: Account, logonId: string, image: string, commandLine: string, parent: { image: string; commandLine: string }, o: { sysmon: boolean; integrity?: 'Medium' | 'High' | 'System' }): void {
    const pid = this.newPid();
    const parentPid = this.newPid();
    const integrity = o.integrity ?? 'Medium';
    this.security(t, host, 4688, {
      SubjectUserSid: who.sid, SubjectUserName: who.user, SubjectDomainName: who.domain ?? AD_DOMAIN, SubjectLogonId: logonId,
      NewProcessId: '0x' + pid.toString(16), NewProcessName: image,
      TokenElevationType: integrity === 'High' ? '%%1937' : integrity === 'System' ? '%%1936' : '%%1938',
      ProcessId: '0x' + parentPid.toString(16), CommandLine: commandLine,
      TargetUserSid: 'S-1-0-0', TargetUserName: '-', TargetDomainName: '-', TargetLogonId: '0x0',
      ParentProcessName: parent.image,
      MandatoryLabel: integrity === 'High' ? 'S-1-16-12288' : integrity === 'System' ? 'S-1-16-16384' : 'S-1-16-8192',
    });
    if (!o.sysmon) return;
    const pe = PE[baseName(image)] ?? { desc: '-', product: '-', company: '-', original: '-', version: '-' };
    const guid = (): string => `{${this.rng.hex(8, true)}-${this.rng.hex(4, true)}-${this.rng.hex(4, true)}-0000-0010${this.rng.hex(8, true)}}`;
    const h = (n: number): string => this.rng.hex(n, true);
    this.sink.win(SYSMON_FILE, t, {
      System: this.system(t, host, 1, 'Microsoft-Windows-Sysmon/Operational', SYSMON_PROVIDER),
      EventData: {
        RuleName: '-',
        UtcTime: new Date(t).toISOString().replace('T', ' ').slice(0, 23),
        ProcessGuid: guid(),
        ProcessId: String(pid),
        Image: image,
        FileVersion: pe.version,
        Description: pe.desc,
        Product: pe.product,
        Company: pe.company,
        OriginalFileName: pe.original,
        CommandLine: commandLine,
        CurrentDirectory: 'C:\\Windows\\system32\\',
        User: `${who.domain ?? AD_DOMAIN}\\${who.user}`,
        LogonGuid: guid(),
        LogonId: logonId,
        TerminalSessionId: integrity === 'System' ? '0' : String(this.rng.int(1, 4)),
        IntegrityLevel: integrity,
        Hashes: `SHA1=${h(40)},MD5=${h(32)},SHA256=${h(64)},IMPHASH=${h(32)}`,
        ParentProcessGuid: guid(),
        ParentProcessId: String(parentPid),
        ParentImage: parent.image,
        ParentCommandLine: parent.commandLine,
        ParentUser: `${who.domain ?? AD_DOMAIN}\\${who.user}`,
      },
    });
  }

  /** 4720 user account created. */
  userCreated(t: number, host: string, actor: Account, actorLogon: string, target: Account): void {
    this.security(t, host, 4720, {
      TargetUserName: target.user, TargetDomainName: target.domain ?? host, TargetSid: target.sid,
      SubjectUserSid: actor.sid, SubjectUserName: actor.user, SubjectDomainName: actor.domain ?? AD_DOMAIN, SubjectLogonId: actorLogon,
      PrivilegeList: '-', SamAccountName: target.user, DisplayName: '%%1793', UserPrincipalName: '-', HomeDirectory: '%%1793',
      HomePath: '%%1793', ScriptPath: '%%1793', ProfilePath: '%%1793', UserWorkstations: '%%1793', PasswordLastSet: '%%1794',
      AccountExpires: '%%1794', PrimaryGroupId: '513', AllowedToDelegateTo: '-', OldUacValue: '0x0', NewUacValue: '0x15',
      UserAccountControl: '\r\n\t\t%%2080\r\n\t\t%%2082\r\n\t\t%%2084', UserParameters: '%%1793', SidHistory: '-', LogonHours: '%%1797',
    });
  }

  /** 4732 (member added to a security-enabled local group) or 4728 (global group). */
  groupMemberAdded(t: number, host: string, eventId: 4728 | 4732, actor: Account, actorLogon: string, member: Account, group: { name: string; sid: string; domain: string }): void {
    this.security(t, host, eventId, {
      MemberName: eventId === 4728 ? `CN=${member.user},OU=Staff,DC=corp,DC=lonestarbilling,DC=example` : '-',
      MemberSid: member.sid,
      TargetUserName: group.name, TargetDomainName: group.domain, TargetSid: group.sid,
      SubjectUserSid: actor.sid, SubjectUserName: actor.user, SubjectDomainName: actor.domain ?? AD_DOMAIN, SubjectLogonId: actorLogon,
      PrivilegeList: '-',
    });
  }

  /** 1102 "The audit log was cleared" (UserData, as the Eventlog provider writes it). */
  auditLogCleared(t: number, host: string, actor: Account, actorLogon: string): void {
    this.sink.win(SECURITY_FILE, t, {
      System: { ...this.system(t, host, 1102, 'Security', EVENTLOG_PROVIDER), Version: 0, Level: 4, Task: 104, Keywords: '0x4020000000000000' },
      UserData: { LogFileCleared: { '#attributes': { xmlns: 'http://manifests.microsoft.com/win/2004/08/windows/eventlog' }, SubjectUserSid: actor.sid, SubjectUserName: actor.user, SubjectDomainName: actor.domain ?? AD_DOMAIN, SubjectLogonId: actorLogon } },
    });
  }
}
