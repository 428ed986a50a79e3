import { Agent, Runner, Usage, setTracingDisabled, type Model, type ModelRequest, type ModelResponse } from '@openai/agents';
import { generateText, stepCountIs } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuardClient } from 'deliberation-guard/client';
import { guardedDeleteTool } from '../../examples/openai-agents-guardrail.ts';
import { guardedShellTool } from '../../examples/vercel-ai-tool.ts';
import { startListeningService, type ListeningService } from '../integrations/helpers.ts';

// Both SDKs run for real against a real service; only the language model is scripted, so no
// model API is ever called.

let service: ListeningService;
let client: GuardClient;

beforeAll(async () => {
  setTracingDisabled(true);
  service = await startListeningService();
  client = new GuardClient({ baseUrl: service.url, timeoutMs: 5_000 });
});
afterAll(async () => {
  await service.stop();
});

describe('Vercel AI SDK tool wrapped by guardTool', () => {
  /** A model that calls run_shell once with `command`, then answers with text. */
  function scriptedModel(command: string): MockLanguageModelV3 {
    const usage = {
      inputTokens: { total: 10, noCache: 10, cacheRead: 0, cacheWrite: 0 },
      outputTokens: { total: 5, text: 5, reasoning: 0 },
    };
    return new MockLanguageModelV3({
      doGenerate: [
        {
          content: [{ type: 'tool-call', toolCallId: 'call-1', toolName: 'run_shell', input: JSON.stringify({ command }) }],
          finishReason: { unified: 'tool-calls', raw: undefined },
          usage,
          warnings: [],
        },
        { content: [{ type: 'text', text: 'finished' }], finishReason: { unified: 'stop', raw: undefined }, usage, warnings: [] },
      ],
    });
  }

  async function runAgent(command: string, userRequest: string) {
    const executed: string[] = [];
    const tools = {
      run_shell: guardedShellTool({
        client,
        userRequest,
        run: async (line) => {
          executed.push(line);
          return `ran ${line}`;
        },
      }),
    };
    const result = await generateText({ model: scriptedModel(command), tools, prompt: userRequest, stopWhen: stepCountIs(3) });
    return { executed, parts: result.steps[0]!.content };
  }

  it('runs an allowed command', async () => {
    const { executed, parts } = await runAgent('ls -la', 'List the files here');
    expect(executed).toEqual(['ls -la']);
    expect(parts).toContainEqual(expect.objectContaining({ type: 'tool-result', output: 'ran ls -la' }));
  });

  it('hands the deny reason to the model and never runs the command', async () => {
    const { executed, parts } = await runAgent('rm -rf ~/work', 'Tidy my home directory a bit');
    expect(executed).toEqual([]);
    const failure = parts.find((part) => part.type === 'tool-error');
    expect(failure, JSON.stringify(parts)).toBeDefined();
    expect(String((failure as { error: unknown }).error)).toMatch(/denied this run_shell call \(verdict vrd_/);
  });
});

describe('OpenAI Agents SDK tool input guardrail', () => {
  /** A model that calls delete_path once with `path`, then answers with text; it records what it saw. */
  class ScriptedModel implements Model {
    readonly requests: ModelRequest[] = [];

    constructor(private readonly path: string) {}

    async getResponse(request: ModelRequest): Promise<ModelResponse> {
      this.requests.push(request);
      const usage = new Usage({ requests: 1, inputTokens: 10, outputTokens: 5, totalTokens: 15 });
      if (this.requests.length === 1) {
        return {
          usage,
          output: [{ type: 'function_call', callId: 'call-1', name: 'delete_path', arguments: JSON.stringify({ path: this.path }), status: 'completed' }],
        };
      }
      return { usage, output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: 'finished' }] }] };
    }

    getStreamedResponse(): AsyncIterable<never> {
      throw new Error('streaming is not used in this test');
    }
  }

  async function runAgent(path: string, userRequest: string) {
    const removed: string[] = [];
    const model = new ScriptedModel(path);
    const agent = new Agent({
      name: 'cleaner',
      instructions: 'Clean up files when asked.',
      model,
      tools: [
        guardedDeleteTool(client, userRequest, async (target) => {
          removed.push(target);
          return `removed ${target}`;
        }),
      ],
    });
    const result = await new Runner({ tracingDisabled: true }).run(agent, userRequest);
    const outputs = result.newItems.filter((item) => item.type === 'tool_call_output_item').map((item) => JSON.stringify(item.rawItem));
    return { removed, outputs, finalOutput: result.finalOutput };
  }

  it('lets an allowed call run', async () => {
    const { removed, outputs, finalOutput } = await runAgent('./dist/app.js.map', 'Remove the source map ./dist/app.js.map');
    expect(removed).toEqual(['./dist/app.js.map']);
    expect(outputs.join()).toContain('removed ./dist/app.js.map');
    expect(finalOutput).toBe('finished');
  });

  it('rejects a denied call with the reason and never runs it', async () => {
    const { removed, outputs } = await runAgent('~/work', 'Summarise the README');
    expect(removed).toEqual([]);
    expect(outputs.join()).toMatch(/Deliberation Guard (denied|asks a human to confirm) this delete_path call/);
    const { verdict } = (await service.store.list({ tool: 'delete_path' }, { limit: 1 })).items[0]!;
    expect(verdict.decision).not.toBe('allow');
    expect(outputs.join()).toContain(verdict.id);
  });
});
