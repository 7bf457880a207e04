// Decides the Sigma logsource of an event from its native fields. Parsers call these so every event
// carries {product, service, category} the way SigmaHQ's rules name them; detect/ routes on it.
import type { Fields, LogSource } from '../core/index.ts';

/** Windows event log channel → Sigma `service` (SigmaHQ logsource names). */
export const WINDOWS_CHANNEL_SERVICE: Record<string, string> = {
  'security': 'security',
  'system': 'system',
  'application': 'application',
  'microsoft-windows-sysmon/operational': 'sysmon',
  'windows powershell': 'powershell-classic',
  'microsoft-windows-powershell/operational': 'powershell',
  'powershellcore/operational': 'powershell',
  'microsoft-windows-taskscheduler/operational': 'taskscheduler',
  'microsoft-windows-wmi-activity/operational': 'wmi',
  'microsoft-windows-windows defender/operational': 'windefend',
  'microsoft-windows-terminalservices-localsessionmanager/operational': 'terminalservices-localsessionmanager',
  'microsoft-windows-terminalservices-remoteconnectionmanager/operational': 'terminalservices-remoteconnectionmanager',
  'microsoft-windows-bits-client/operational': 'bits-client',
  'microsoft-windows-codeintegrity/operational': 'codeintegrity-operational',
  'microsoft-windows-dns-client/operational': 'dns-client',
  'dns server': 'dns-server',
  'microsoft-windows-windows firewall with advanced security/firewall': 'firewall-as',
  'microsoft-windows-ntlm/operational': 'ntlm',
  'microsoft-windows-applocker/exe and dll': 'applocker',
  'microsoft-windows-applocker/msi and script': 'applocker',
  'microsoft-windows-applocker/packaged app-deployment': 'applocker',
  'microsoft-windows-applocker/packaged app-execution': 'applocker',
  'microsoft-windows-driverframeworks-usermode/operational': 'driver-framework',
  'microsoft-windows-security-mitigations/kernel mode': 'security-mitigations',
  'microsoft-windows-security-mitigations/user mode': 'security-mitigations',
  'microsoft-windows-smbclient/security': 'smbclient-security',
  'microsoft-windows-smbclient/connectivity': 'smbclient-connectivity',
  'microsoft-windows-openssh/operational': 'openssh',
  'openssh/operational': 'openssh',
  'microsoft-windows-ldap-client/debug': 'ldap',
  'microsoft-windows-appxdeploymentserver/operational': 'appxdeployment-server',
  'microsoft-windows-appxpackaging/operational': 'appxpackaging-om',
  'microsoft-windows-appmodel-runtime/admin': 'appmodel-runtime',
  'microsoft-windows-capi2/operational': 'capi2',
  'microsoft-windows-certificateservicesclient-lifecycle-system/operational': 'certificateservicesclient-lifecycle-system',
  'microsoft-windows-diagnosis-scripted/operational': 'diagnosis-scripted',
  'microsoft-windows-shell-core/operational': 'shell-core',
  'microsoft-windows-kernel-shimengine/operational': 'shell-core',
  'microsoft-windows-vhdmp/operational': 'vhdmp',
  'microsoft-windows-bitlocker/bitlocker management': 'bitlocker',
  'microsoft-windows-lsa/operational': 'lsa-server',
  'microsoft-windows-printservice/admin': 'printservice-admin',
  'microsoft-windows-printservice/operational': 'printservice-operational',
  'microsoft-windows-hyper-v-worker-admin': 'hyper-v-worker',
  'microsoft-windows-sense/operational': 'sense',
  'microsoft-windows-kernel-pnp/configuration': 'kernel-pnp',
  'microsoft-windows-iis-configuration/operational': 'iis-configuration',
  'microsoft-windows-dhcp-server/operational': 'dhcp',
  'microsoft-windows-wmi-activity/trace': 'wmi',
};

/** Sysmon EventID → Sigma category. */
export const SYSMON_EVENT_CATEGORY: Record<number, string> = {
  1: 'process_creation', 2: 'file_change', 3: 'network_connection', 4: 'sysmon_status', 5: 'process_termination',
  6: 'driver_load', 7: 'image_load', 8: 'create_remote_thread', 9: 'raw_access_thread', 10: 'process_access',
  11: 'file_event', 12: 'registry_add', 13: 'registry_set', 14: 'registry_rename', 15: 'create_stream_hash',
  16: 'sysmon_status', 17: 'pipe_created', 18: 'pipe_created', 19: 'wmi_event', 20: 'wmi_event', 21: 'wmi_event',
  22: 'dns_query', 23: 'file_delete', 24: 'clipboard_capture', 25: 'process_tampering', 26: 'file_delete',
  27: 'file_block_executable', 28: 'file_block_shredding', 29: 'file_executable_detected', 255: 'sysmon_error',
};

/** Logsource of a Windows event from its Channel and EventID. */
export function windowsLogsource(channel: string | undefined, eventId: number | undefined): LogSource {
  const ls: LogSource = { product: 'windows' };
  const service = channel ? WINDOWS_CHANNEL_SERVICE[channel.toLowerCase()] : undefined;
  if (service) ls.service = service;
  if (service === 'sysmon' && eventId !== undefined && SYSMON_EVENT_CATEGORY[eventId]) ls.category = SYSMON_EVENT_CATEGORY[eventId];
  else if (service === 'security' && eventId === 4688) ls.category = 'process_creation';
  else if (service === 'powershell' && eventId === 4104) ls.category = 'ps_script';
  else if (service === 'powershell' && eventId === 4103) ls.category = 'ps_module';
  else if (service === 'powershell-classic' && eventId === 400) ls.category = 'ps_classic_start';
  else if (service === 'powershell-classic' && eventId === 800) ls.category = 'ps_classic_provider_start';
  return ls;
}

/** Logsource of a Linux syslog event from its program name (SigmaHQ linux services). */
export function linuxLogsource(program: string | undefined): LogSource {
  const p = (program ?? '').toLowerCase();
  if (p === 'sshd') return { product: 'linux', service: 'sshd' };
  if (p === 'sudo') return { product: 'linux', service: 'sudo' };
  if (p === 'cron' || p === 'crond' || p === 'anacron') return { product: 'linux', service: 'cron' };
  if (p === 'su' || p.startsWith('pam') || p === 'login' || p === 'useradd' || p === 'usermod' || p === 'userdel'
    || p === 'groupadd' || p === 'groupdel' || p === 'passwd' || p === 'chpasswd' || p === 'systemd-logind') {
    return { product: 'linux', service: 'auth' };
  }
  return { product: 'linux', service: 'syslog' };
}

/** Convenience: a Fields record's EventID as a number, whatever shape it came in. */
export function eventIdOf(fields: Fields): number | undefined {
  const v = fields.EventID;
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && /^\d+$/.test(v)) return Number(v);
  return undefined;
}
