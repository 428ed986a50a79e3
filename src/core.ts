import type { Config } from './config/config.ts';
import { loadConstitutions } from './constitution/loader.ts';
import { Deliberator } from './deliberation/deliberator.ts';
import { createEngines } from './deliberation/engines.ts';
import { instrumentStore } from './metrics/instrumented-store.ts';
import { createMetrics, type GuardMetrics } from './metrics/metrics.ts';
import { openStore } from './store/open-store.ts';
import type { VerdictStore } from './store/store.ts';

export interface Core {
  readonly deliberator: Deliberator;
  readonly store: VerdictStore;
  readonly metrics: GuardMetrics;
}

/** Loads constitutions, creates engines and opens the store; what every entry point shares. */
export async function createCore(config: Config): Promise<Core> {
  const constitutions = loadConstitutions(config.GUARD_CONSTITUTIONS_DIR);
  const engines = createEngines(config);
  const metrics = createMetrics();
  const store = instrumentStore(await openStore(config.DATABASE_URL), metrics);
  const deliberator = new Deliberator({
    constitutions,
    engines,
    store,
    defaultEngine: config.GUARD_ENGINE,
    defaultDeadlineMs: config.GUARD_DEFAULT_DEADLINE_MS,
    redactStorage: config.GUARD_REDACT_STORAGE,
    onVerdict: (verdict) => metrics.observeVerdict(verdict),
  });
  return { deliberator, store, metrics };
}
