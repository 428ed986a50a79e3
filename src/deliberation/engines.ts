import { ConfigError, type Config } from '../config/config.ts';
import type { LogSink } from '../logger.ts';
import { createCascadeEngine } from './cascade.ts';
import type { Engine } from './engine.ts';
import type { JudgeClient } from './llm/judge-client.ts';
import { createLlmEngine, type LlmEngineId } from './llm/llm-engine.ts';
import { ENGINE_IDS, type EngineId } from './request.ts';
import { createRubricEngine } from './rubric/rubric-engine.ts';

/** Lists why each engine is not configured, keyed by engine id. The rubric engine always is. */
function missingSetup(config: Config): Partial<Record<EngineId, string>> {
  const missing: Partial<Record<EngineId, string>> = {};
  if (!config.ANTHROPIC_API_KEY) missing.claude = 'ANTHROPIC_API_KEY is not set';
  if (!config.GUARD_OPENAI_BASE_URL) missing['openai-compatible'] = 'GUARD_OPENAI_BASE_URL is not set';
  const cascadeLlm = cascadeLlmOf(config);
  if (!cascadeLlm) missing.cascade = 'no LLM engine is configured (set ANTHROPIC_API_KEY or GUARD_OPENAI_BASE_URL)';
  else if (missing[cascadeLlm]) missing.cascade = `GUARD_CASCADE_LLM is ${cascadeLlm}, but ${missing[cascadeLlm]}`;
  return missing;
}

/** Picks the LLM engine behind the cascade: the configured one, else claude, else openai-compatible. */
function cascadeLlmOf(config: Config): LlmEngineId | undefined {
  if (config.GUARD_CASCADE_LLM) return config.GUARD_CASCADE_LLM;
  if (config.ANTHROPIC_API_KEY) return 'claude';
  if (config.GUARD_OPENAI_BASE_URL) return 'openai-compatible';
  return undefined;
}

/**
 * Wraps a judge whose module, and the LLM SDK behind it, is imported on its first call. Then a
 * process that runs only the rubric engine, such as the Claude Code hook on a machine with
 * ANTHROPIC_API_KEY set, never loads an SDK. Errors of that import propagate from `ask`.
 */
function lazyJudge(model: string, maxTokens: number, load: () => Promise<JudgeClient>): JudgeClient {
  let judge: JudgeClient | undefined;
  let loading: Promise<JudgeClient> | undefined;
  return {
    model,
    maxTokens,
    ask: async (call) => {
      // NOTE: the first call of a long-running service pays the SDK import, a one-time cost.
      loading ??= load().then((loaded) => (judge = loaded));
      return (await loading).ask(call);
    },
    // Before the import ends, no error can come from the API, so none has a fail reason.
    failReasonOf: (error, signal) => judge?.failReasonOf(error, signal),
  };
}

function createLlmEngines(config: Config): Map<LlmEngineId, Engine> {
  const engines = new Map<LlmEngineId, Engine>();
  const limits = {
    maxTokens: config.GUARD_LLM_MAX_TOKENS,
    timeoutMs: config.GUARD_LLM_TIMEOUT_MS,
    maxRetries: config.GUARD_LLM_MAX_RETRIES,
  };
  if (config.ANTHROPIC_API_KEY) {
    const options = {
      apiKey: config.ANTHROPIC_API_KEY,
      baseURL: config.ANTHROPIC_BASE_URL,
      model: config.GUARD_CLAUDE_MODEL,
      ...limits,
    };
    const judge = lazyJudge(options.model, options.maxTokens, async () => {
      const { createAnthropicJudge } = await import('./llm/anthropic-judge.ts');
      return createAnthropicJudge(options);
    });
    engines.set('claude', createLlmEngine('claude', judge));
  }
  if (config.GUARD_OPENAI_BASE_URL) {
    if (!config.GUARD_OPENAI_MODEL) {
      throw new ConfigError('invalid configuration: GUARD_OPENAI_MODEL: must be set when GUARD_OPENAI_BASE_URL is set');
    }
    const options = {
      baseURL: config.GUARD_OPENAI_BASE_URL,
      apiKey: config.GUARD_OPENAI_API_KEY,
      model: config.GUARD_OPENAI_MODEL,
      output: config.GUARD_OPENAI_OUTPUT,
      temperature: config.GUARD_LLM_TEMPERATURE,
      ...limits,
    };
    const judge = lazyJudge(options.model, options.maxTokens, async () => {
      const { createOpenAiJudge } = await import('./llm/openai-judge.ts');
      return createOpenAiJudge(options);
    });
    engines.set('openai-compatible', createLlmEngine('openai-compatible', judge));
  }
  return engines;
}

/**
 * Creates every engine the configuration allows: the rubric engine always, an LLM engine for
 * each configured API, and the cascade when one of them can serve its grey band. Raises a
 * ConfigError when GUARD_ENGINE names an engine that is not configured.
 */
export function createEngines(config: Config): Map<EngineId, Engine> {
  const missing = missingSetup(config);
  const defaultMissing = missing[config.GUARD_ENGINE];
  if (defaultMissing) {
    throw new ConfigError(
      `invalid configuration: GUARD_ENGINE: the ${config.GUARD_ENGINE} engine is not configured because ${defaultMissing}; ` +
        'configure it or set GUARD_ENGINE=rubric',
    );
  }

  const rubric = createRubricEngine();
  const engines = new Map<EngineId, Engine>([[rubric.id, rubric], ...createLlmEngines(config)]);
  const cascadeLlm = cascadeLlmOf(config);
  const llm = cascadeLlm && engines.get(cascadeLlm);
  if (llm) engines.set('cascade', createCascadeEngine(rubric, llm));
  return engines;
}

/** Logs at start-up which engines serve requests and, for each one that is off, why. */
export function logEngineSetup(log: LogSink, config: Config): void {
  const missing = missingSetup(config);
  const available = ENGINE_IDS.filter((id) => !missing[id]);
  log.info({ engines: available, defaultEngine: config.GUARD_ENGINE }, `engines ready: ${available.join(', ')}; default ${config.GUARD_ENGINE}`);
  for (const id of ENGINE_IDS) {
    if (missing[id]) log.info({ engine: id }, `the ${id} engine is off: ${missing[id]}`);
  }
}
