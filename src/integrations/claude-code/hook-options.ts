import { z } from 'zod';
import { IntegrationEnvSchema } from '../settings.ts';
import { HookFailureModeSchema, type HookFailureMode } from './hook-schema.ts';

const flag = z.enum(['true', 'false', '1', '0', 'on', 'off']).transform((value) => ['true', '1', 'on'].includes(value));

/**
 * The command hook's settings. Claude Code passes its environment to hook commands, so these
 * can be set in settings.json under `env` or in the shell; the CLI writes its flags over them.
 */
export const HookEnvSchema = IntegrationEnvSchema.extend({
  /** Print `allow` on an allow verdict, which skips Claude Code's permission prompt. */
  DELIBERATION_GUARD_EXPLICIT_ALLOW: flag.default(false),
  /** What to answer when no verdict can be obtained. */
  DELIBERATION_GUARD_ON_FAILURE: HookFailureModeSchema.default('deny'),
  /** Read the session transcript for the user's request and the history. */
  DELIBERATION_GUARD_TRANSCRIPT: flag.default(true),
});
export type HookEnv = z.infer<typeof HookEnvSchema>;

/** The failure mode from the environment alone, for answers given before the settings parse. */
export function failureModeFrom(env: NodeJS.ProcessEnv): HookFailureMode {
  const parsed = HookFailureModeSchema.safeParse(env.DELIBERATION_GUARD_ON_FAILURE);
  return parsed.success ? parsed.data : 'deny';
}
