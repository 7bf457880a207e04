// Decides the Sigma logsource of an event from its native fields. Parsers call these so every event
// carries {product, service, category} the way SigmaHQ's rules name them; detect/ routes on it.
import { loadDefaultMapping, type Fields, type LogSource } from '../core/index.ts';

/**
 * Logsource of a Windows event from its Channel and EventID: the service and (first) category the
 * logsource mapping (core/logsources.yaml, shared with detect/'s routing) gives that channel and ID.
 */
export function windowsLogsource(channel: string | undefined, eventId: number | undefined): LogSource {
  const ls: LogSource = { product: 'windows' };
  if (!channel) return ls;
  const cls = loadDefaultMapping().windows(channel, eventId);
  if (cls.services[0] !== undefined) ls.service = cls.services[0];
  if (cls.categories[0] !== undefined) ls.category = cls.categories[0];
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
