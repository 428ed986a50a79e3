import { getSystemErrorMap } from 'node:util';
import { ConfigError } from '../config/config.ts';
import { EXIT, UsageError } from './io.ts';

/** An error the user can fix, as the one line the CLI prints and the exit code. */
export interface CliFailure {
  readonly message: string;
  readonly exitCode: number;
}

/** A Node system error, such as a failed open or listen, with the fields Node sets on it. */
interface SystemError extends Error {
  code: string;
  errno?: number;
  syscall: string;
  path?: string;
  address?: string;
  port?: number;
}

function isSystemError(error: unknown): error is SystemError {
  const fields = error as Partial<SystemError> | null;
  return error instanceof Error && typeof fields?.code === 'string' && typeof fields.syscall === 'string';
}

/**
 * Returns the system's description of a failed system call, such as "no such file or
 * directory", or the error's message for any other error.
 */
export function systemErrorReason(error: unknown): string {
  const errno = (error as Partial<SystemError> | null)?.errno;
  const entry = typeof errno === 'number' ? getSystemErrorMap().get(errno) : undefined;
  return entry ? entry[1] : String((error as Error | null)?.message ?? error);
}

/** Describes a failed system call in one line, naming the settings that choose the address when listening failed. */
function describeSystemError(error: SystemError): CliFailure {
  const reason = systemErrorReason(error);
  if (error.syscall === 'listen' && error.address !== undefined) {
    const host = error.address.includes(':') ? `[${error.address}]` : error.address;
    return { message: `cannot listen on ${host}:${error.port}: ${reason}; set PORT (or HOST) to listen elsewhere`, exitCode: EXIT.failure };
  }
  if (error.path !== undefined) return { message: `${error.syscall} ${error.path}: ${reason} (${error.code})`, exitCode: EXIT.failure };
  return { message: error.message, exitCode: EXIT.failure };
}

/**
 * Turns an error a command raised into the line to print and the exit code, or returns
 * undefined for an unexpected error, which the caller re-raises with its stack. The
 * constitution and deliberation modules are imported on this error path only, because the
 * hook that posts to a running service loads neither.
 */
export async function describeFailure(error: unknown): Promise<CliFailure | undefined> {
  if (error instanceof UsageError || (error as { code?: string } | null)?.code?.startsWith('ERR_PARSE_ARGS')) {
    return { message: (error as Error).message, exitCode: EXIT.usage };
  }
  if (isSystemError(error)) return describeSystemError(error);
  if (error instanceof ConfigError) return { message: error.message, exitCode: EXIT.failure };

  const { ConstitutionFileError } = await import('../constitution/loader.ts');
  if (error instanceof ConstitutionFileError) return { message: error.message, exitCode: EXIT.failure };
  // A request or option named a constitution that is not loaded: a bad argument, as in eval.
  const { UnknownConstitutionError } = await import('../deliberation/deliberator.ts');
  if (error instanceof UnknownConstitutionError) return { message: error.message, exitCode: EXIT.usage };
  return undefined;
}
