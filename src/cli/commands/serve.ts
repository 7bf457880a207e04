// `claimguard serve`: run the listeners from the configuration until SIGTERM / SIGINT.
import { resolve } from 'node:path';
import { ClaimGuardError, loadConfig, type Config } from '../../core/index.ts';
import { startServer, stderrLogger } from '../../pipeline/index.ts';
import { parseCommandArgs } from '../args.ts';
import type { CliIO, Command } from '../io.ts';

const HELP = `Usage: claimguard serve [--config FILE] [--data-dir DIR]

Receive logs live and store them: syslog over UDP, TCP (RFC 6587 octet counting or LF framing) and
TLS (RFC 5425), HTTP POST /ingest (NDJSON with a bearer token per source), and files followed with
persisted checkpoints. Which listeners run, on which addresses, comes from the configuration
(listeners: in claimguard.yaml; see docs/listeners.md). Listeners bind 127.0.0.1 unless told otherwise.

Options:
  --config FILE     configuration file (default: $CLAIMGUARD_CONFIG, else ./claimguard.yaml if present)
  --data-dir DIR    data directory holding the store (overrides dataDir and CLAIMGUARD_DATA_DIR)
  -h, --help        this text

HTTP batches are answered 200 only after they are committed; syslog messages are committed within
200 ms of arrival (docs/durability.md). The log goes to stderr and never contains record content.
SIGTERM or SIGINT stops the listeners, commits what is buffered and exits 0.`;

/** Configuration for a command: --config file, environment, then --data-dir on top. */
export function commandConfig(io: CliIO, values: { config?: string; 'data-dir'?: string }): Config {
  const config = loadConfig({ cwd: io.cwd, env: io.env, ...(values.config !== undefined ? { file: values.config } : {}) });
  if (values['data-dir'] !== undefined) config.dataDir = resolve(io.cwd, values['data-dir']);
  return config;
}

export const CONFIG_OPTIONS = { config: { type: 'string' }, 'data-dir': { type: 'string' } } as const;

export const command: Command = {
  summary: 'receive logs live (syslog UDP/TCP/TLS, HTTP NDJSON, file tail) and store them',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, { ...CONFIG_OPTIONS });
    if (positionals.length) {
      throw new ClaimGuardError('CLI_USAGE', `unexpected argument "${positionals[0]}"`);
    }
    const config = commandConfig(io, values);
    const log = stderrLogger(io.stderr, 'claimguard serve');
    // Signal handlers go in first: Node arms them only on a later event-loop turn, and a SIGTERM that
    // arrives while the listeners start must still lead to a clean stop.
    let signalled: (signal: string) => void = () => undefined;
    const stopSignal = new Promise<string>((resolve) => { signalled = resolve; });
    const onTerm = (): void => signalled('SIGTERM');
    const onInt = (): void => signalled('SIGINT');
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onInt);
    const keepAlive = setInterval(() => undefined, 1 << 30); // run until signalled, even with no listeners
    try {
      const server = await startServer(config, { log });
      log.info(`store: ${config.dataDir} (tenant ${config.tenant}); ready`);
      const signal = await stopSignal;
      log.info(`${signal}: stopping listeners and committing buffered events`);
      await server.close();
      log.info(`stopped; ${server.pipeline.stats.stored} events stored this run`);
    } finally {
      clearInterval(keepAlive);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onInt);
    }
    return 0;
  },
};
