// What a command gets to talk to the world. Tests pass their own streams.
import type { Writable } from 'node:stream';

export interface CliIO {
  stdout: Writable;
  stderr: Writable;
  /** Working directory that relative paths resolve against. */
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** True when stderr is a terminal: progress bars are drawn only then. */
  interactive: boolean;
}

export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    interactive: Boolean(process.stderr.isTTY),
  };
}

/** A command module: `src/cli/commands/<name>.ts` exports these. */
export interface Command {
  /** One line for the command list. */
  summary: string;
  /** Full `--help` text. */
  help: string;
  run(argv: string[], io: CliIO): Promise<number>;
}
