// `claimguard <command>`: dispatch to one module per command (loaded lazily so start-up stays fast).
import { ClaimGuardError, isClaimGuardError } from '../core/index.ts';
import { processIO, type CliIO, type Command } from './io.ts';

// Each name has a module `./commands/<name>.ts` exporting `command: Command`.
const COMMAND_NAMES = ['demo', 'ingest', 'serve', 'events', 'audit', 'hunt', 'rules', 'evtx', 'x12'] as const;

function loadCommand(name: string): Promise<{ command: Command }> {
  return import(new URL(`./commands/${name}.ts`, import.meta.url).href) as Promise<{ command: Command }>;
}

const USAGE = `Usage: claimguard <command> [options]

ClaimGuard finds the signs of attack in a medical billing company's logs and billing data.

Commands:
{commands}

Run \`claimguard <command> --help\` for a command's options.
Exit codes: 0 ok, 1 findings or failure, 2 bad input.
`;

async function listCommands(): Promise<string> {
  const rows: string[] = [];
  for (const name of COMMAND_NAMES) {
    try {
      const { command } = await loadCommand(name);
      rows.push(`  ${name.padEnd(10)} ${command.summary}`);
    } catch {
      // A command whose module is not present yet is simply not listed.
    }
  }
  return rows.join('\n');
}

export async function main(argv: string[], io: CliIO = processIO()): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(USAGE.replace('{commands}', await listCommands()));
    return name ? 0 : 2;
  }
  if (name === '--version') {
    io.stdout.write('claimguard 0.1.0\n');
    return 0;
  }
  try {
    if (!(COMMAND_NAMES as readonly string[]).includes(name)) throw new ClaimGuardError('CLI_UNKNOWN_COMMAND', `unknown command "${name}"; run \`claimguard --help\``);
    const { command } = await loadCommand(name);
    if (rest.includes('--help') || rest.includes('-h')) {
      io.stdout.write(command.help.endsWith('\n') ? command.help : command.help + '\n');
      return 0;
    }
    return await command.run(rest, io);
  } catch (e) {
    if (isClaimGuardError(e)) {
      io.stderr.write(`claimguard ${name}: ${e.format()}\n`);
      return e.exitCode;
    }
    io.stderr.write(`claimguard ${name}: internal error: ${(e as Error)?.stack ?? String(e)}\n`);
    return 1;
  }
}
