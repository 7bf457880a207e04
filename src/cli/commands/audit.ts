// `claimguard audit verify|list`: check the hash chain of the audit log, or print it.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClaimGuardError } from '../../core/index.ts';
import { DB_FILE, openStore } from '../../store/index.ts';
import { choice, parseCommandArgs } from '../args.ts';
import type { Command } from '../io.ts';
import { CONFIG_OPTIONS, commandConfig } from './serve.ts';

const HELP = `Usage: claimguard audit verify [--format text|json] [--expect-head HASH]
       claimguard audit list [--from SEQ] [--limit N] [--format text|json]

Person-made changes (alert status, finding acceptance, configuration) are appended to a hash-chained
audit log: each row holds sha256(previous row's hash + canonical JSON of the row).

  verify   recompute the chain and report every row that was edited, inserted, deleted or reordered,
           naming it by its sequence number. Exit 0 when the chain is intact, 1 when it is broken.
           Prints the chain head (seq and hash): keep it somewhere else (ticket, e-mail, paper) and pass
           it back with --expect-head to detect a log that was rewritten from some row onwards.
  list     print the entries (oldest first).

Options:
  --format text|json   (default text)
  --expect-head HASH   verify: also require the current head hash to be HASH, or to have HASH as an
                       earlier row's hash (the log only grew since)
  --from SEQ           list: start at this sequence number
  --limit N            list: at most N entries
  --config FILE, --data-dir DIR   where the store is
  -h, --help           this text

See docs/store.md for what the chain proves and what it cannot.`;

export const command: Command = {
  summary: 'verify the hash-chained audit log (audit verify) or list it',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...CONFIG_OPTIONS, format: { type: 'string' }, 'expect-head': { type: 'string' }, from: { type: 'string' }, limit: { type: 'string' },
    });
    const [sub, ...extra] = positionals;
    if (sub !== 'verify' && sub !== 'list') throw new ClaimGuardError('CLI_USAGE', sub ? `unknown audit subcommand "${sub}" (expected verify or list)` : 'missing subcommand: claimguard audit verify|list');
    if (extra.length) throw new ClaimGuardError('CLI_USAGE', `unexpected argument "${extra[0]}"`);
    const format = choice('format', values.format, ['text', 'json'] as const, 'text');
    const expectHead = values['expect-head'];
    if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead)) throw new ClaimGuardError('CLI_USAGE', '--expect-head must be a 64-character lower-case hex SHA-256');
    const int = (name: string, v: string | undefined): number | undefined => {
      if (v === undefined) return undefined;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new ClaimGuardError('CLI_USAGE', `--${name} must be a whole number ≥ 0 (got "${v}")`);
      return n;
    };
    const from = int('from', values.from);
    const limit = int('limit', values.limit);
    const config = commandConfig(io, values);
    if (!existsSync(join(config.dataDir, DB_FILE))) {
      throw new ClaimGuardError('INPUT_NOT_FOUND', `no store in ${config.dataDir} (pass --data-dir or --config)`, { file: config.dataDir });
    }
    const store = openStore({ dataDir: config.dataDir });
    try {
      if (sub === 'list') {
        const rows = store.audit.list({ ...(from !== undefined ? { from } : {}), ...(limit !== undefined ? { limit } : {}) });
        if (format === 'json') io.stdout.write(JSON.stringify(rows, null, 2) + '\n');
        else for (const r of rows) io.stdout.write(`${r.seq}\t${new Date(r.time).toISOString()}\t${r.actor}\t${r.action}\t${r.subject}\t${JSON.stringify(r.detail)}\n`);
        return 0;
      }
      const result = store.audit.verify();
      const head = store.audit.head();
      const problems = [...result.problems];
      if (expectHead !== undefined && expectHead !== head.hash) {
        const earlier = store.audit.list().find((r) => r.hash === expectHead);
        if (!earlier) problems.push({ seq: head.seq, kind: 'edited', detail: `the expected head ${expectHead} is not in the log: it was rewritten after that point` });
      }
      const ok = problems.length === 0;
      if (format === 'json') {
        io.stdout.write(JSON.stringify({ ok, checked: result.checked, head, problems }, null, 2) + '\n');
      } else if (ok) {
        io.stdout.write(`audit log intact: ${result.checked} entries verified; head seq ${head.seq} hash ${head.hash}\n`);
      } else {
        for (const p of problems) io.stdout.write(`seq ${p.seq}: ${p.kind}: ${p.detail}\n`);
        io.stdout.write(`audit log BROKEN: ${problems.length} problem${problems.length === 1 ? '' : 's'} in ${result.checked} entries\n`);
      }
      return ok ? 0 : 1;
    } finally {
      store.close();
    }
  },
};
