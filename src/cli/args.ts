// Argument parsing shared by every command: node:util parseArgs, strict, with usage errors as
// ClaimGuardError(CLI_USAGE) so they exit 2 with a message.
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { ClaimGuardError } from '../core/index.ts';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseCommandArgs<O extends Options>(argv: string[], options: O) {
  try {
    return parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new ClaimGuardError('CLI_USAGE', (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ''));
  }
}

/** Check a string option against a closed set of choices. */
export function choice<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new ClaimGuardError('CLI_USAGE', `--${name} must be one of ${choices.join(', ')} (got "${value}")`);
}
