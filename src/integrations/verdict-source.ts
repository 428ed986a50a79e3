import { GuardClient } from '../client/guard-client.ts';
import { loadConfig } from '../config/config.ts';
import { DeliberationRequestSchema, type DeliberationRequestInput } from '../deliberation/request.ts';
import type { Verdict } from '../deliberation/verdict.ts';
import type { LogSink } from '../logger.ts';
import { PACKAGE_ROOT, type IntegrationEnv } from './settings.ts';
import { resolve } from 'node:path';

/** Where an integration gets its verdicts: a running service, or the engine in this process. */
export interface VerdictSource {
  readonly kind: 'service' | 'embedded';
  deliberate(request: DeliberationRequestInput): Promise<Verdict>;
  close(): Promise<void>;
}

/** Asks the service at `url` through the TypeScript client, which validates every verdict. */
export function serviceVerdictSource(url: string, timeoutMs: number, apiKey?: string): VerdictSource {
  const client = new GuardClient({ baseUrl: url, timeoutMs, ...(apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {}) });
  return {
    kind: 'service',
    deliberate: (request) =>
      client.check(request.action, request.context, {
        constitution: request.constitution,
        engine: request.engine,
        ...(request.deadline_ms === undefined ? {} : { deadlineMs: request.deadline_ms }),
        ...(request.training_opt_out === undefined ? {} : { trainingOptOut: request.training_opt_out }),
      }),
    close: async () => {},
  };
}

/**
 * Opens the engine, constitutions and store in this process, like `serve` does but without
 * HTTP. Constitutions default to the package's own folder and verdicts go to
 * DELIBERATION_GUARD_DATABASE_URL, so a hook run from any project folder finds both.
 */
export async function embeddedVerdictSource(env: NodeJS.ProcessEnv, settings: IntegrationEnv, log: LogSink): Promise<VerdictSource> {
  const config = loadConfig({
    ...env,
    GUARD_CONSTITUTIONS_DIR: env.GUARD_CONSTITUTIONS_DIR ?? resolve(PACKAGE_ROOT, 'constitutions'),
    DATABASE_URL: settings.DELIBERATION_GUARD_DATABASE_URL,
  });
  // Imported on this path only, so a hook that posts to a running service loads no server, engine, store or constitution code.
  const { createCore } = await import('../core.ts');
  const { deliberator, store } = await createCore(config);
  return {
    kind: 'embedded',
    deliberate: (request) => deliberator.deliberate(DeliberationRequestSchema.parse(request), log),
    close: () => store.close(),
  };
}

/** Picks the service when DELIBERATION_GUARD_URL is set, the embedded engine otherwise. */
export async function openVerdictSource(env: NodeJS.ProcessEnv, settings: IntegrationEnv, log: LogSink): Promise<VerdictSource> {
  if (settings.DELIBERATION_GUARD_URL) {
    return serviceVerdictSource(settings.DELIBERATION_GUARD_URL, settings.DELIBERATION_GUARD_TIMEOUT_MS, settings.DELIBERATION_GUARD_API_KEY);
  }
  return embeddedVerdictSource(env, settings, log);
}
