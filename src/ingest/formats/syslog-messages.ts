// Message parsers for the Linux programs whose syslog lines matter for security: sshd, PAM
// (pam_unix and the old "prog(pam_unix)" style), sudo, su, the shadow-utils account tools
// (useradd, usermod, userdel, groupadd, …), systemd-logind and cron, plus a few legacy daemons that
// appear in real honeypot logs (ftpd, klogind, snmpd). Each fills canonical fields:
//   user (the account the event is about), src_ip, src_port, outcome (success|failure),
//   auth_method, and an `action` naming what happened; native extras (target_user, rhost, tty,
//   command, uid …) sit beside them.
// Nothing here throws: a message we do not know simply adds no fields.
import type { Fields } from '../../core/index.ts';

const IPV4 = /^(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^(?:[0-9a-fA-F]{0,4}:){2,7}[0-9a-fA-F]{0,4}(?:%\w+)?$|^::ffff:\d+\.\d+\.\d+\.\d+$/;

/** True for an IPv4 or IPv6 literal. */
export function isIp(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && IPV6.test(s));
}

/** Sets src_ip when `addr` is an IP literal, else records it as a remote host name. */
function setRemote(f: Fields, addr: string | undefined): void {
  if (!addr) return;
  if (isIp(addr)) f.src_ip = addr;
  else f.rhost = addr;
}

function setPort(f: Fields, port: string | undefined): void {
  if (port && /^\d{1,5}$/.test(port)) f.src_port = Number(port);
}

/** "key=value key2= key3=value" (PAM style) → record. Values end at the next space. */
function pamKv(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /(\w+)=(\S*)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null) out[m[1]] = m[2];
  return out;
}

// --- PAM ---------------------------------------------------------------------------------------

const PAM_PREFIX = /^pam_(\w+)\(([\w-]+):(\w+)\):\s*/;
const PAM_SESSION_OPEN = /^session opened for user (\S+?)(?:\(uid=\d+\))? by (?:(\S*?)\()?(?:uid=(\d+))?\)?$/;
const PAM_SESSION_CLOSE = /^session closed for user (\S+)$/;

/** PAM message body (after any "pam_unix(svc:type): " prefix). */
function parsePam(msg: string, f: Fields): void {
  if (msg.startsWith('authentication failure;') || /^\d+ more authentication failures?;/.test(msg)) {
    const kv = pamKv(msg.slice(msg.indexOf(';') + 1));
    f.outcome = 'failure';
    f.action = 'login';
    f.auth_method = 'password';
    if (kv.user) f.user = kv.user;
    if (kv.ruser) f.ruser = kv.ruser;
    if (kv.logname) f.logname = kv.logname;
    if (kv.tty) f.tty = kv.tty;
    if (kv.uid) f.uid = kv.uid;
    setRemote(f, kv.rhost);
    const n = /^(\d+) more/.exec(msg);
    if (n) f.count = Number(n[1]) + 1;
    return;
  }
  let m = PAM_SESSION_OPEN.exec(msg);
  if (m) {
    f.action = 'session_open';
    f.outcome = 'success';
    f.user = m[1];
    if (m[2]) f.by_user = m[2];
    if (m[3] !== undefined) f.by_uid = m[3];
    return;
  }
  m = PAM_SESSION_CLOSE.exec(msg);
  if (m) {
    f.action = 'session_close';
    f.user = m[1];
    return;
  }
  if (msg.startsWith('check pass; user unknown')) {
    f.action = 'login';
    f.outcome = 'failure';
    f.reason = 'user unknown';
    return;
  }
  m = /^password changed for (\S+)$/.exec(msg);
  if (m) {
    f.action = 'password_change';
    f.outcome = 'success';
    f.user = m[1];
    return;
  }
  m = /^account (\S+) has expired/.exec(msg);
  if (m) {
    f.action = 'login';
    f.outcome = 'failure';
    f.user = m[1];
    f.reason = 'account expired';
  }
}

// --- sshd --------------------------------------------------------------------------------------

const SSH_AUTH = /^(Accepted|Failed|Postponed|Partial) (\S+) for (invalid user )?(.*?) from (\S+) port (\d+)(?: (ssh2?))?(?:: (.*))?(?: \[preauth\])?$/;
const SSH_INVALID = /^[Ii]nvalid user (.*?) from (\S+?)(?: port (\d+))?$/;
const SSH_INPUT_INVALID = /^input_userauth_request: invalid user (.*?)(?: \[preauth\])?$/;
const SSH_MAX_ATTEMPTS = /^(?:error: )?maximum authentication attempts exceeded for (invalid user )?(.*?) from (\S+) port (\d+)(?: ssh2)?(?: \[preauth\])?$/;
const SSH_TOO_MANY = /^Disconnecting:? Too many authentication failures(?: for (invalid user )?(.*?))?(?: \[preauth\])?$/;
const SSH_REVERSE = /^reverse mapping checking getaddrinfo for (\S+) \[([^\]]+)\] failed(?: - POSSIBLE BREAK-IN ATTEMPT!)?$/;
const SSH_MAPS = /^Address (\S+) maps to (\S+), but this does not map back to the address(?: - POSSIBLE BREAK-IN ATTEMPT!)?$/;
const SSH_DISCONNECTED = /^(Disconnected from|Connection closed by|Connection reset by) (?:(invalid|authenticating) user (.*?) )?(\S+?)(?: port (\d+))?(?: \[preauth\])?$/;
const SSH_RECEIVED_DISCONNECT = /^(?:error: )?Received disconnect from (\S+?)(?: port (\d+))?:\s*(\d+):\s*(.*?)(?: \[preauth\])?$/;
const SSH_NO_IDENT = /^Did not receive identification string from (\S+?)(?: port (\d+))?$/;
const SSH_CONNECTION_FROM = /^Connection from (\S+) port (\d+)(?: on \S+ port \d+)?(?: rdomain .*)?$/;
const SSH_BAD_PROTOCOL = /^(?:error: )?(?:kex_exchange_identification|Bad protocol version identification|Unable to negotiate with) .*?(?:from )?(\d+\.\d+\.\d+\.\d+|[0-9a-fA-F:]+:[0-9a-fA-F:]+)(?: port (\d+))?/;
const SSH_REPEATED = /^message repeated (\d+) times: \[ ?(.*?)\s*\]$/;

function methodOf(m: string): string {
  // "keyboard-interactive/pam" → "keyboard-interactive"; "publickey", "password", "none", "hostbased", "gssapi-with-mic"
  const slash = m.indexOf('/');
  return slash === -1 ? m : m.slice(0, slash);
}

/** sshd messages (OpenSSH 3.x–9.x wording). */
export function parseSshd(msg: string, f: Fields): void {
  let m: RegExpExecArray | null;
  const c = msg.charCodeAt(0);
  if (c === 112 /* p */ && msg.startsWith('pam_')) {
    const pm = PAM_PREFIX.exec(msg);
    if (pm) {
      f.pam_module = 'pam_' + pm[1];
      parsePam(msg.slice(pm[0].length), f);
      return;
    }
  }
  if ((m = SSH_AUTH.exec(msg))) {
    f.action = 'login';
    f.outcome = m[1] === 'Accepted' ? 'success' : m[1] === 'Failed' ? 'failure' : 'partial';
    f.auth_method = methodOf(m[2]);
    if (m[3]) f.invalid_user = true;
    f.user = m[4];
    setRemote(f, m[5]);
    setPort(f, m[6]);
    if (m[8]) {
      const key = /^(\S+) (SHA256:\S+|[0-9a-f:]{47})/.exec(m[8]);
      if (key) { f.key_type = key[1]; f.key_fingerprint = key[2]; }
    }
    return;
  }
  if ((m = SSH_REPEATED.exec(msg))) {
    parseSshd(m[2], f);
    f.repeated = Number(m[1]);
    return;
  }
  if ((m = SSH_INVALID.exec(msg))) {
    f.action = 'invalid_user';
    f.outcome = 'failure';
    f.invalid_user = true;
    f.user = m[1];
    setRemote(f, m[2]);
    setPort(f, m[3]);
    return;
  }
  if ((m = SSH_INPUT_INVALID.exec(msg))) {
    f.action = 'invalid_user';
    f.outcome = 'failure';
    f.invalid_user = true;
    f.user = m[1];
    return;
  }
  if ((m = SSH_MAX_ATTEMPTS.exec(msg))) {
    f.action = 'max_auth_attempts';
    f.outcome = 'failure';
    if (m[1]) f.invalid_user = true;
    f.user = m[2];
    setRemote(f, m[3]);
    setPort(f, m[4]);
    return;
  }
  if ((m = SSH_TOO_MANY.exec(msg))) {
    f.action = 'max_auth_attempts';
    f.outcome = 'failure';
    if (m[1]) f.invalid_user = true;
    if (m[2]) f.user = m[2];
    return;
  }
  if ((m = SSH_REVERSE.exec(msg))) {
    f.action = 'break_in_attempt';
    f.rhost = m[1];
    if (isIp(m[2])) f.src_ip = m[2];
    return;
  }
  if ((m = SSH_MAPS.exec(msg))) {
    f.action = 'break_in_attempt';
    setRemote(f, m[1]);
    f.rhost = m[2];
    return;
  }
  if ((m = SSH_RECEIVED_DISCONNECT.exec(msg))) {
    f.action = 'disconnect';
    setRemote(f, m[1]);
    setPort(f, m[2]);
    f.reason_code = Number(m[3]);
    f.reason = m[4];
    return;
  }
  if (msg.startsWith('Disconnected from user ')) {
    // OpenSSH ≥ 7.9 after a session: "Disconnected from user alice 10.0.0.5 port 22"
    const u = /^Disconnected from user (\S+) (\S+) port (\d+)$/.exec(msg);
    if (u) { f.action = 'disconnect'; f.user = u[1]; setRemote(f, u[2]); setPort(f, u[3]); return; }
  }
  if ((m = SSH_DISCONNECTED.exec(msg))) {
    f.action = m[1] === 'Disconnected from' ? 'disconnect' : 'connection_closed';
    if (m[2] === 'invalid') f.invalid_user = true;
    if (m[3]) f.user = m[3];
    setRemote(f, m[4]);
    setPort(f, m[5]);
    if (msg.endsWith('[preauth]')) f.preauth = true;
    return;
  }
  if ((m = SSH_NO_IDENT.exec(msg))) {
    f.action = 'no_identification';
    setRemote(f, m[1]);
    setPort(f, m[2]);
    return;
  }
  if ((m = SSH_CONNECTION_FROM.exec(msg))) {
    f.action = 'connect';
    setRemote(f, m[1]);
    setPort(f, m[2]);
    return;
  }
  if (msg.startsWith('PAM ')) {
    // "PAM 2 more authentication failures; logname= …" and "PAM service(sshd) ignoring max retries; 6 > 3"
    const rest = msg.slice(4);
    if (/^\d+ more authentication failures?;/.test(rest)) parsePam(rest, f);
    else if (rest.startsWith('service(')) f.action = 'max_auth_attempts';
    return;
  }
  if ((m = SSH_BAD_PROTOCOL.exec(msg))) {
    f.action = 'bad_protocol';
    setRemote(f, m[1]);
    setPort(f, m[2]);
    return;
  }
  // Old "sshd(pam_unix)" lines arrive here without the pam prefix.
  parsePam(msg, f);
}

// --- sudo --------------------------------------------------------------------------------------

/** "alice : TTY=pts/0 ; PWD=/home/alice ; USER=root ; COMMAND=/bin/bash" and its failure forms. */
export function parseSudo(msg: string, f: Fields): void {
  const pm = PAM_PREFIX.exec(msg);
  if (pm) {
    f.pam_module = 'pam_' + pm[1];
    parsePam(msg.slice(pm[0].length), f);
    if (f.action === 'login') f.action = 'sudo';
    return;
  }
  const m = /^\s*(\S+) : (.*)$/.exec(msg);
  if (!m) return;
  f.action = 'sudo';
  f.user = m[1];
  const parts = m[2].split(' ; ');
  let problem: string | undefined;
  for (const part of parts) {
    const eq = part.indexOf('=');
    const key = eq > 0 ? part.slice(0, eq) : '';
    if (key === 'TTY') f.tty = part.slice(eq + 1);
    else if (key === 'PWD') f.pwd = part.slice(eq + 1);
    else if (key === 'USER') f.target_user = part.slice(eq + 1);
    else if (key === 'GROUP') f.target_group = part.slice(eq + 1);
    else if (key === 'COMMAND') f.command = parts.slice(parts.indexOf(part)).join(' ; ').slice(eq + 1);
    else if (key === 'TSID' || key === 'ENV') continue;
    else if (problem === undefined && key === '') problem = part.trim();
    if (key === 'COMMAND') break;
  }
  if (problem) {
    f.outcome = 'failure';
    f.reason = problem;
    const n = /^(\d+) incorrect password attempts?/.exec(problem);
    if (n) f.count = Number(n[1]);
  } else {
    f.outcome = 'success';
  }
}

// --- su ----------------------------------------------------------------------------------------

export function parseSu(msg: string, f: Fields): void {
  const pm = PAM_PREFIX.exec(msg);
  if (pm) {
    f.pam_module = 'pam_' + pm[1];
    parsePam(msg.slice(pm[0].length), f);
    return;
  }
  let m = /^(FAILED SU|Successful su for|BAD SU)\b/.exec(msg);
  if (m) {
    f.action = 'su';
    if (m[1] === 'Successful su for') {
      const s = /^Successful su for (\S+) by (\S+)/.exec(msg);
      f.outcome = 'success';
      if (s) { f.target_user = s[1]; f.user = s[2]; }
    } else {
      f.outcome = 'failure';
      const s = /\(to (\S+)\) (\S+) on (\S+)/.exec(msg);
      if (s) { f.target_user = s[1]; f.user = s[2]; f.tty = s[3]; }
    }
    return;
  }
  // util-linux: "(to root) alice on pts/0"; shadow: "+ pts/0 alice:root" / "- pts/0 alice:root"
  m = /^\(to (\S+)\) (\S+) on (\S+)$/.exec(msg);
  if (m) {
    f.action = 'su';
    f.outcome = 'success';
    f.target_user = m[1];
    f.user = m[2];
    f.tty = m[3];
    return;
  }
  m = /^([+-]) (\S+) (\S+):(\S+)$/.exec(msg);
  if (m) {
    f.action = 'su';
    f.outcome = m[1] === '+' ? 'success' : 'failure';
    f.tty = m[2];
    f.user = m[3];
    f.target_user = m[4];
    return;
  }
  parsePam(msg, f);
}

// --- shadow-utils account management -----------------------------------------------------------

function kvComma(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of s.split(/,\s*/)) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

/** useradd, usermod, userdel, groupadd, groupdel, groupmod, gpasswd, passwd, chpasswd, chage. */
export function parseAccountTool(program: string, msg: string, f: Fields): void {
  let m: RegExpExecArray | null;
  const pm = PAM_PREFIX.exec(msg);
  if (pm) {
    f.pam_module = 'pam_' + pm[1];
    parsePam(msg.slice(pm[0].length), f);
    return;
  }
  if ((m = /^new user: (.*)$/.exec(msg))) {
    const kv = kvComma(m[1]);
    f.action = 'user_add';
    f.outcome = 'success';
    if (kv.name) f.target_user = kv.name;
    if (kv.UID) f.target_uid = kv.UID;
    if (kv.GID) f.target_gid = kv.GID;
    if (kv.home) f.home = kv.home;
    if (kv.shell) f.shell = kv.shell;
    return;
  }
  if ((m = /^new group: (.*)$/.exec(msg)) || (m = /^group added to \S+: (.*)$/.exec(msg))) {
    const kv = kvComma(m[1]);
    f.action = 'group_add';
    f.outcome = 'success';
    if (kv.name) f.target_group = kv.name;
    if (kv.GID) f.target_gid = kv.GID;
    return;
  }
  if ((m = /^(?:add|adding) '?([^' ]+)'? to (?:shadow )?group '?([^' ]+)'?/.exec(msg))) {
    f.action = 'group_member_add';
    f.outcome = 'success';
    f.target_user = m[1];
    f.target_group = m[2];
    return;
  }
  if ((m = /^(?:delete|remove|removing) '?([^' ]+)'? from (?:shadow )?group '?([^' ]+)'?/.exec(msg))) {
    f.action = 'group_member_remove';
    f.outcome = 'success';
    f.target_user = m[1];
    f.target_group = m[2];
    return;
  }
  if ((m = /^delete user '([^']+)'/.exec(msg))) {
    f.action = 'user_delete';
    f.outcome = 'success';
    f.target_user = m[1];
    return;
  }
  if ((m = /^(?:removed group|delete group|group) '([^']+)'(?: owned by '([^']+)')?(?: removed)?/.exec(msg))) {
    f.action = 'group_delete';
    f.outcome = 'success';
    f.target_group = m[1];
    return;
  }
  if ((m = /^(change|lock|unlock) user '([^']+)' (password|shell|home|name|UID|GID|expiration)/.exec(msg))) {
    f.action = m[3] === 'password' ? (m[1] === 'change' ? 'password_change' : 'user_' + m[1]) : 'user_modify';
    f.outcome = 'success';
    f.target_user = m[2];
    f.change = `${m[1]} ${m[3]}`;
    return;
  }
  if ((m = /^password for '([^']+)' changed by '([^']+)'/.exec(msg))) {
    f.action = 'password_change';
    f.outcome = 'success';
    f.target_user = m[1];
    f.user = m[2];
    return;
  }
  if (program === 'usermod' || program === 'useradd' || program === 'userdel') {
    if ((m = /'([^']+)'/.exec(msg))) f.target_user = m[1];
    f.action = program === 'useradd' ? 'user_add' : program === 'userdel' ? 'user_delete' : 'user_modify';
    if (/fail|error|cannot|unable/i.test(msg)) f.outcome = 'failure';
  }
}

// --- systemd-logind ----------------------------------------------------------------------------

export function parseLogind(msg: string, f: Fields): void {
  let m: RegExpExecArray | null;
  if ((m = /^New session (\S+) of user (\S+?)\.?$/.exec(msg))) {
    f.action = 'session_open';
    f.outcome = 'success';
    f.session = m[1];
    f.user = m[2];
    return;
  }
  if ((m = /^Removed session (\S+?)\.?$/.exec(msg))) {
    f.action = 'session_close';
    f.session = m[1];
    return;
  }
  if ((m = /^Session (\S+) logged out\./.exec(msg))) {
    f.action = 'logout';
    f.session = m[1];
    return;
  }
  if ((m = /^New seat (\S+?)\.?$/.exec(msg))) {
    f.action = 'seat_add';
    f.seat = m[1];
  }
}

// --- cron --------------------------------------------------------------------------------------

export function parseCron(msg: string, f: Fields): void {
  const pm = PAM_PREFIX.exec(msg);
  if (pm) {
    f.pam_module = 'pam_' + pm[1];
    parsePam(msg.slice(pm[0].length), f);
    return;
  }
  let m: RegExpExecArray | null;
  if ((m = /^\((\S+)\) CMD \((.*)\)\s*$/.exec(msg))) {
    f.action = 'cron_command';
    f.user = m[1];
    f.command = m[2];
    return;
  }
  if ((m = /^\((\S+)\) (REPLACE|LIST|BEGIN EDIT|END EDIT|DELETE|RELOAD) \((\S+)\)/.exec(msg))) {
    f.action = 'crontab_' + m[2].toLowerCase().replace(' ', '_');
    f.user = m[1];
    f.target_user = m[3];
  }
}

// --- legacy daemons seen in real logs ----------------------------------------------------------

function parseFtpd(msg: string, f: Fields): void {
  let m: RegExpExecArray | null;
  if ((m = /^connection from (\S+) \(([^)]*)\)/.exec(msg))) {
    f.action = 'connect';
    setRemote(f, m[1]);
    if (m[2]) f.rhost = m[2];
    return;
  }
  if ((m = /^ANONYMOUS FTP LOGIN FROM ([^,\s]+),\s*\(?([^)]*)\)?/.exec(msg))) {
    f.action = 'login';
    f.outcome = 'success';
    f.auth_method = 'anonymous';
    setRemote(f, m[1]);
    f.user = m[2] || 'anonymous';
    return;
  }
  if ((m = /^FTP LOGIN FROM ([^,\s]+)(?: \[[^\]]*\])?,\s*(\S+)/.exec(msg))) {
    f.action = 'login';
    f.outcome = 'success';
    setRemote(f, m[1]);
    f.user = m[2];
    return;
  }
  if ((m = /^FTP LOGIN FAILED FROM ([^,\s]+)(?: \[[^\]]*\])?,\s*(\S+)/.exec(msg))) {
    f.action = 'login';
    f.outcome = 'failure';
    setRemote(f, m[1]);
    f.user = m[2];
  }
}

function parseRemoteAuthFailure(msg: string, f: Fields): void {
  let m: RegExpExecArray | null;
  if ((m = /^Authentication failed from (\S+) \(([^)]*)\)/.exec(msg))) {
    f.action = 'login';
    f.outcome = 'failure';
    setRemote(f, m[1]);
    if (m[2] && m[2] !== m[1]) f.rhost = m[2];
    return;
  }
  if ((m = /^Received SNMP packet\(s\) from (\S+)/.exec(msg))) {
    f.action = 'snmp_request';
    setRemote(f, m[1]);
  }
}

/**
 * Adds the fields a program's message carries. `program` is lower-case; `pamModule` is set for the
 * old "prog(pam_unix)" tag style, whose messages are PAM messages without the "pam_unix(…): " prefix.
 */
export function parseProgramMessage(program: string, msg: string, f: Fields, pamModule?: string): void {
  if (pamModule) {
    f.pam_module = pamModule;
    if (program === 'sshd') parseSshd(msg, f);
    else parsePam(msg, f);
    return;
  }
  switch (program) {
    case 'sshd': parseSshd(msg, f); return;
    case 'sudo': parseSudo(msg, f); return;
    case 'su': parseSu(msg, f); return;
    case 'useradd': case 'usermod': case 'userdel': case 'groupadd': case 'groupdel': case 'groupmod':
    case 'gpasswd': case 'passwd': case 'chpasswd': case 'chage': case 'newusers':
      parseAccountTool(program, msg, f); return;
    case 'systemd-logind': parseLogind(msg, f); return;
    case 'cron': case 'crond': case 'anacron': parseCron(msg, f); return;
    case 'ftpd': case 'vsftpd': case 'proftpd': parseFtpd(msg, f); return;
    case 'klogind': case 'kshd': case 'snmpd': case 'telnetd': case 'rlogind': parseRemoteAuthFailure(msg, f); return;
    case 'login': case 'gdm': case 'gdm-password': case 'lightdm': case 'polkitd': case 'systemd': {
      const pm = PAM_PREFIX.exec(msg);
      if (pm) { f.pam_module = 'pam_' + pm[1]; parsePam(msg.slice(pm[0].length), f); }
      else if (program === 'login') {
        const m = /^(?:ROOT LOGIN|LOGIN) ON (\S+)(?: BY (\S+))?/.exec(msg);
        if (m) { f.action = 'login'; f.outcome = 'success'; f.tty = m[1]; f.user = m[2] ?? 'root'; }
        else if (/^FAILED LOGIN/.test(msg)) {
          f.action = 'login'; f.outcome = 'failure';
          const u = /FOR '?([^',\s]+)'?/.exec(msg);
          if (u) f.user = u[1];
          const h = /FROM '?([^',\s]+)'?/.exec(msg);
          if (h) setRemote(f, h[1]);
        }
      }
      return;
    }
    default: {
      if (msg.startsWith('pam_')) {
        const pm = PAM_PREFIX.exec(msg);
        if (pm) { f.pam_module = 'pam_' + pm[1]; parsePam(msg.slice(pm[0].length), f); }
      }
    }
  }
}
