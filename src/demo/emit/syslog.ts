// sshd, sudo and cron lines from the SFTP host, RFC 3164 with a priority, as rsyslog forwards them.
// The host logs in UTC (a cloud VM), so the year-less timestamps are UTC wall-clock times.
import type { Rng } from '../rng.ts';
import type { Sink } from '../sink.ts';
import { rfc3164Time } from '../calendar.ts';

export const SFTP_LOG_FILE = 'linux/sftp01-auth.log';
const HOST = 'sftp01';
/** facility auth (4) × 8 + severity info (6); authpriv (10) for pam session lines. */
const PRI_AUTH_INFO = 38;
const PRI_AUTHPRIV_INFO = 86;
const PRI_AUTHPRIV_NOTICE = 85;
const PRI_CRON_INFO = 78;

export class SyslogEmitter {
  private readonly rng: Rng;
  private readonly sink: Sink;
  private pid = 20_000;

  constructor(rng: Rng, sink: Sink) {
    this.rng = rng;
    this.sink = sink;
  }

  newPid(): number {
    this.pid += this.rng.int(3, 90);
    if (this.pid > 4_000_000) this.pid = 20_000;
    return this.pid;
  }

  line(t: number, pri: number, program: string, pid: number | undefined, msg: string): void {
    this.sink.line(SFTP_LOG_FILE, t, `<${pri}>${rfc3164Time(t)} ${HOST} ${program}${pid !== undefined ? `[${pid}]` : ''}: ${msg}`);
  }

  /** A complete publickey SFTP session: accept, pam open, sftp subsystem, disconnect, pam close. */
  sftpSession(t: number, user: string, uid: number, ip: string, durationMs: number, fingerprint: string): void {
    const pid = this.newPid();
    const port = this.rng.int(32768, 60999);
    this.line(t, PRI_AUTH_INFO, 'sshd', pid, `Accepted publickey for ${user} from ${ip} port ${port} ssh2: ED25519 SHA256:${fingerprint}`);
    this.line(t + 12, PRI_AUTHPRIV_INFO, 'sshd', pid, `pam_unix(sshd:session): session opened for user ${user}(uid=${uid}) by (uid=0)`);
    this.line(t + 40, PRI_AUTH_INFO, 'sshd', pid, `Starting session: subsystem 'sftp' for ${user} from ${ip} port ${port} id 0`);
    this.line(t + durationMs, PRI_AUTH_INFO, 'sshd', pid, `Received disconnect from ${ip} port ${port}:11: disconnected by user`);
    this.line(t + durationMs + 2, PRI_AUTH_INFO, 'sshd', pid, `Disconnected from user ${user} ${ip} port ${port}`);
    this.line(t + durationMs + 5, PRI_AUTHPRIV_INFO, 'sshd', pid, `pam_unix(sshd:session): session closed for user ${user}`);
  }

  /** A failed password attempt; `invalid` when the user does not exist. */
  failedPassword(t: number, user: string, ip: string, invalid: boolean, pid = this.newPid(), port = this.rng.int(32768, 60999)): void {
    if (invalid) this.line(t, PRI_AUTH_INFO, 'sshd', pid, `Invalid user ${user} from ${ip} port ${port}`);
    this.line(t + 1, PRI_AUTHPRIV_NOTICE, 'sshd', pid, `pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= rhost=${ip}${invalid ? '' : `  user=${user}`}`);
    this.line(t + 1900, PRI_AUTH_INFO, 'sshd', pid, `Failed password for ${invalid ? 'invalid user ' : ''}${user} from ${ip} port ${port} ssh2`);
  }

  /** Background internet noise: a probe that never authenticates. */
  probe(t: number, ip: string, kind: 'noident' | 'invalid' | 'kex'): void {
    const pid = this.newPid();
    const port = this.rng.int(32768, 60999);
    if (kind === 'noident') this.line(t, PRI_AUTH_INFO, 'sshd', pid, `Did not receive identification string from ${ip} port ${port}`);
    else if (kind === 'kex') this.line(t, PRI_AUTH_INFO, 'sshd', pid, `error: kex_exchange_identification: Connection closed by remote host`);
    else {
      const user = this.rng.pick(['admin', 'test', 'ubuntu', 'oracle', 'user', 'ftpuser', 'guest']);
      this.line(t, PRI_AUTH_INFO, 'sshd', pid, `Invalid user ${user} from ${ip} port ${port}`);
      this.line(t + 300, PRI_AUTH_INFO, 'sshd', pid, `Connection closed by invalid user ${user} ${ip} port ${port} [preauth]`);
    }
  }

  cronHourly(t: number): void {
    const pid = this.newPid();
    this.line(t, PRI_AUTHPRIV_INFO, 'CRON', pid, 'pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)');
    this.line(t + 1, PRI_CRON_INFO, 'CRON', pid, '(root) CMD (   cd / && run-parts --report /etc/cron.hourly)');
    this.line(t + 60, PRI_AUTHPRIV_INFO, 'CRON', pid, 'pam_unix(cron:session): session closed for user root');
  }

  sudo(t: number, user: string, command: string): void {
    this.line(t, PRI_AUTHPRIV_NOTICE, 'sudo', undefined, `${user} : TTY=pts/0 ; PWD=/home/${user} ; USER=root ; COMMAND=${command}`);
    this.line(t + 2, PRI_AUTHPRIV_INFO, 'sudo', undefined, `pam_unix(sudo:session): session opened for user root(uid=0) by ${user}(uid=1001)`);
    this.line(t + 900, PRI_AUTHPRIV_INFO, 'sudo', undefined, 'pam_unix(sudo:session): session closed for user root');
  }
}
