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
    // The verdict store opens the SQLite file twice (reads, and appends on a writer thread),
    // and two connections to :memory: would be two separate databases.
    .refine((url) => url !== 'sqlite::memory:', 'sqlite::memory: is not supported; set sqlite:PATH to a file')
    .default('sqlite:./data/verdicts.sqlite'),
  GUARD_ENGINE: EngineIdSchema.default('rubric'),
  GUARD_CONSTITUTIONS_DIR: z.string().min(1).default('./constitutions'),
  ANTHROPIC_API_KEY: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Largest request body in bytes; larger bodies get 413. */
  GUARD_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_048_576),
  /** Deadline for an LLM engine when the request sets none, in milliseconds. */
  GUARD_DEFAULT_DEADLINE_MS: z.coerce.number().int().min(1).default(15_000),
  /** `production` turns GraphiQL off. */
  NODE_ENV: z.string().default('development'),
  /** Deepest field nesting a GraphQL operation may have, introspection fields not counted. */
  GUARD_GRAPHQL_MAX_DEPTH: z.coerce.number().int().min(2).default(10),
  /** Highest estimated cost of a GraphQL operation: 1 per field, and paged fields multiply by their page size. */
  GUARD_GRAPHQL_MAX_COST: z.coerce.number().int().min(10).default(10_000),
  /**
   * Replace secrets and personal data with typed placeholders after deliberation, before the
   * verdict and its request are stored and returned. Exports are redacted whatever this is set to.
   */
  GUARD_REDACT_STORAGE: flag.default(true),
  /** Pass every log line through the same redaction before it is written. */
  GUARD_REDACT_LOGS: flag.default(true),

  /**
   * `auto` enforces API keys once one exists and runs open on a loopback HOST until then;
   * `on` always enforces them; `off` never does and is accepted only on a loopback HOST.
   */
  GUARD_AUTH: z.enum(['auto', 'on', 'off']).default('auto'),
  /**
   * Milliseconds a GraphQL subscription trusts its API key before it checks the key again, so
   * a revoked key stops receiving verdicts within this time. 0 checks on every event.
   */
  GUARD_KEY_RECHECK_MS: z.coerce.number().int().min(0).default(5000),
  /** Database of the API keys. Defaults to DATABASE_URL, where they get a table of their own. */
  GUARD_KEYS_DATABASE_URL: z
    .string()
    .regex(/^(sqlite:.+|postgres(ql)?:\/\/.+)$/, 'must be sqlite:PATH or a postgres:// URL')
    .optional(),
  /** Requests one API key (or, when open, one client address) may send per window; 0 turns the limit off. */
  GUARD_RATE_LIMIT_MAX: z.coerce.number().int().min(0).default(6000),
  GUARD_RATE_LIMIT_WINDOW_MS: z.coerce.number().int().min(1).default(60_000),
  /** Deepest nesting of arrays and objects accepted in a JSON body; deeper bodies get 400. */
  GUARD_MAX_JSON_DEPTH: z.coerce.number().int().min(2).max(1000).default(64),
  /** Longest string value or object key accepted anywhere in a JSON body, in characters. */
  GUARD_MAX_FIELD_CHARS: z.coerce.number().int().min(16).default(200_000),
  /**
   * Shed load with 503 when the mean event-loop delay exceeds this many milliseconds; 0 (the
   * default) turns it off, because a guard that rejects deliberations unasked is a worse default
   * than a slow one.
   */
  GUARD_SHED_EVENT_LOOP_DELAY_MS: z.coerce.number().int().min(0).default(0),
  /** Shed load with 503 when the V8 heap in use exceeds this many bytes; 0 turns it off. */
  GUARD_SHED_HEAP_USED_BYTES: z.coerce.number().int().min(0).default(0),
  /** Time allowed to receive a whole request, in milliseconds (Node's server.requestTimeout). */
  GUARD_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1).default(30_000),
  /** An idle socket is closed after this many milliseconds (Fastify's connectionTimeout). */
  GUARD_CONNECTION_TIMEOUT_MS: z.coerce.number().int().min(1).default(60_000),
  /** How long the store keeps an Idempotency-Key bound to its verdict, in milliseconds. */
  GUARD_IDEMPOTENCY_TTL_MS: z.coerce.number().int().min(1).default(86_400_000),
  /** How long a verdict is reused for an identical request, in milliseconds; 0 turns the cache off. */
  GUARD_VERDICT_CACHE_TTL_MS: z.coerce.number().int().min(0).default(0),
  /** Entries kept by the in-memory verdict cache. */
  GUARD_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(100_000),
  /** Anthropic API base URL; unset means the SDK's default (the public API). */
  ANTHROPIC_BASE_URL: z.url().optional(),
  /** Model of the claude engine. It must accept a forced tool choice with thinking disabled. */
  GUARD_CLAUDE_MODEL: z.string().min(1).default('claude-sonnet-5'),
  /** Base URL of an OpenAI-compatible server (vLLM, llama.cpp, Ollama); setting it enables the engine. */
  GUARD_OPENAI_BASE_URL: z.url().optional(),
  /** Key sent to the OpenAI-compatible server; local servers usually accept any value. */
  GUARD_OPENAI_API_KEY: z.string().min(1).default('unused'),
  /** Model name the OpenAI-compatible server serves; required when GUARD_OPENAI_BASE_URL is set. */
  GUARD_OPENAI_MODEL: z.string().min(1).optional(),
  /** How the OpenAI-compatible engine asks for the verdict: a forced tool call, or JSON-schema output. */
  GUARD_OPENAI_OUTPUT: z.enum(['tools', 'json_schema']).default('tools'),
  /** Largest answer of an LLM engine, in tokens; a longer answer is truncated and retried once. */
  GUARD_LLM_MAX_TOKENS: z.coerce.number().int().min(256).max(128_000).default(4096),
  /** Sampling temperature of the OpenAI-compatible engine; the Anthropic API rejects one since version 2026-10-21. */
  GUARD_LLM_TEMPERATURE: z.coerce.number().min(0).max(2).default(0),
  /** Upper bound of one HTTP attempt to an LLM API in milliseconds; the request's deadline also bounds it. */
  GUARD_LLM_TIMEOUT_MS: z.coerce.number().int().min(1).default(60_000),
  /** SDK retries of 408, 409, 429 and 5xx answers (529 included) and of connection errors, with exponential backoff. */
  GUARD_LLM_MAX_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  /** LLM engine behind the cascade's grey band; unset means claude when configured, else openai-compatible. */
  GUARD_CASCADE_LLM: z.enum(['claude', 'openai-compatible']).optional(),
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
