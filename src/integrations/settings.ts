import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config/config.ts';

/** The package folder, which contains constitutions/ both for the sources and for the build in dist/. */
export const PACKAGE_ROOT = resolve(import.meta.dirname, '../..');

/**
 * Settings every integration reads from its environment. They carry a DELIBERATION_GUARD_
 * prefix because the hook and the gateway run inside the agent's environment, where generic
 * names such as DATABASE_URL often belong to the user's own project.
 */
export const IntegrationEnvSchema = z.object({
  /** A running service to ask; unset means the embedded engine runs in-process. */
  DELIBERATION_GUARD_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** Time budget of one deliberation in milliseconds, connection included. */
  DELIBERATION_GUARD_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(20_000),
  DELIBERATION_GUARD_CONSTITUTION: z.string().min(1).max(128).default('default'),
  /** API key with the `deliberate` scope, for a service that enforces keys; sent as a bearer token. */
  DELIBERATION_GUARD_API_KEY: z.string().min(1).optional(),
  /** The store the embedded engine commits verdicts to: `sqlite:PATH`. */
  DELIBERATION_GUARD_DATABASE_URL: z
    .string()
    .regex(/^sqlite:.+$/, 'must be sqlite:PATH')
    .default(`sqlite:${resolve(PACKAGE_ROOT, 'data/verdicts.sqlite')}`),
});
export type IntegrationEnv = z.infer<typeof IntegrationEnvSchema>;

/** Raised for an invalid integration setting; the message names the variable. */
export class IntegrationSettingsError extends ConfigError {
  override name = 'IntegrationSettingsError';
}

/** Parses integration settings from an environment with one of the schemas above. */
export function parseSettings<Schema extends z.ZodType>(schema: Schema, env: NodeJS.ProcessEnv): z.infer<Schema> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new IntegrationSettingsError(`invalid setting: ${issues.join('; ')}`);
  }
  return parsed.data;
}
