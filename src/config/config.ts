import { z } from 'zod';
import { EngineIdSchema } from '../deliberation/request.ts';

const port = z.coerce.number().int().min(0).max(65_535);
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');

/** Parses the environment once at start-up. Only this module reads `process.env`. */
export const ConfigSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(8787),
  DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:PATH or a postgres:// URL')
    .default('sqlite:./data/verdicts.sqlite'),
  GUARD_ENGINE: EngineIdSchema.default('rubric'),
  GUARD_CONSTITUTIONS_DIR: z.string().min(1).default('./constitutions'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest request body in bytes; larger bodies get 413. */
  GUARD_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** Deadline for an LLM engine when the request sets none, in milliseconds. */
  GUARD_DEFAULT_DEADLINE_MS: z.coerce.number().int().min(1).default(15_000),
  /**
   * Replace secrets and personal data with typed placeholders after deliberation, before the
   * verdict and its request are stored and returned. Exports are redacted whatever this is set to.
   */
  GUARD_REDACT_STORAGE: flag.default(true),
  /** Pass every log line through the same redaction before it is written. */
  GUARD_REDACT_LOGS: flag.default(true),
});

export type Config = Readonly<z.infer<typeof ConfigSchema>>;

/** Raised when an environment variable has an invalid value; the message names the variable. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Reads the configuration from an environment (default: the process's). */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = ConfigSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join('; ')}`);
  }
  return Object.freeze(parsed.data);
}
