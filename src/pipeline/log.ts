// Operator log for long-running processes: one line per message on stderr, prefixed with an ISO time.
// Never log record content (it may hold PHI): errors are logged by code and location only, and
// repeated errors are summarised.
import type { ClaimGuardError } from '../core/index.ts';
import { formatLocation } from '../core/index.ts';

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

export function stderrLogger(stream: NodeJS.WritableStream = process.stderr, prefix = 'claimguard'): Logger {
  const line = (level: string, m: string): void => { stream.write(`${new Date().toISOString()} ${prefix} ${level}: ${m}\n`); };
  return { info: (m) => line('info', m), warn: (m) => line('warn', m) };
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined };

/**
 * Counts rejected records by source and code. The first `perCodeLogged` of each code are logged with
 * their location (no content); the rest only appear in the periodic summary.
 */
export class ErrorTally {
  private readonly log: Logger;
  private readonly perCodeLogged: number;
  private readonly counts = new Map<string, number>();
  total = 0;

  constructor(log: Logger, perCodeLogged = 5) {
    this.log = log;
    this.perCodeLogged = perCodeLogged;
  }

  report = (e: ClaimGuardError, source: string): void => {
    this.total++;
    const k = `${source}\t${e.code}`;
    const n = (this.counts.get(k) ?? 0) + 1;
    this.counts.set(k, n);
    if (n <= this.perCodeLogged) {
      const where = formatLocation(e.location);
      this.log.warn(`source ${source}: rejected a record [${e.code}]${where ? ' at ' + where : ''}${n === this.perCodeLogged ? ' (further ones are only counted)' : ''}`);
    }
  };

  /** "source code ×n, …" for the summary line. */
  summary(): string {
    return [...this.counts].map(([k, n]) => `${k.replace('\t', ' ')} ×${n}`).join(', ');
  }
}
