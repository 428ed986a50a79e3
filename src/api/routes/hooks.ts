import { z } from 'zod';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { DeliberationRequestSchema } from '../../deliberation/request.ts';
import type { Deliberator } from '../../deliberation/deliberator.ts';
import { blockingHookOutput, hookOutputForVerdict } from '../../integrations/claude-code/hook-answer.ts';
import { hookInputToRequest } from '../../integrations/claude-code/hook-request.ts';
import { HookFailureModeSchema, PreToolUseInputSchema, PreToolUseOutputSchema } from '../../integrations/claude-code/hook-schema.ts';
import { toGuardError } from '../error-handler.ts';

const HookQuerySchema = z.object({
  constitution: z.string().min(1).max(128).default('default'),
  explicit_allow: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe('true answers allow on an allow verdict, which skips the permission prompt'),
  on_failure: HookFailureModeSchema.default('deny').describe('The answer when no verdict can be obtained'),
});

/**
 * Answers every failure of this route with 200 and a blocking decision, because Claude Code
 * lets the tool run on a non-2xx answer. The error code is in the reason and in the
 * x-guard-error-code header.
 */
function answerFailure(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const guardError = toGuardError(error);
  if (guardError.status >= 500) request.log.error({ err: error, code: guardError.code }, 'hook could not deliberate, so the failure mode decides');
  else request.log.info({ code: guardError.code, status: guardError.status }, 'hook request rejected, so the failure mode decides');

  const mode = HookFailureModeSchema.safeParse((request.query as Record<string, unknown> | undefined)?.on_failure);
  const toolName = (request.body as Record<string, unknown> | undefined)?.tool_name;
  const tool = typeof toolName === 'string' && toolName.length > 0 ? toolName.slice(0, 256) : 'tool';
  return reply
    .header('x-guard-error-code', guardError.code)
    .status(200)
    .send(blockingHookOutput(tool, `${guardError.code}: ${guardError.message}`, mode.success ? mode.data : 'deny'));
}

export const hookRoutes: FastifyPluginAsyncZod<{ deliberator: Deliberator }> = async (app, { deliberator }) => {
  app.setErrorHandler(answerFailure);

  app.post(
    '/v1/hooks/claude-code',
    {
      config: { scope: 'deliberate' },
      schema: {
        summary: 'Claude Code PreToolUse HTTP hook: deliberate about the tool call and answer the hook output',
        description:
          'Takes the PreToolUse hook input and answers deny (deny verdict), ask (escalate) or no decision (allow). ' +
          'Every failure, including invalid input, is answered with 200 and the on_failure decision, because ' +
          'Claude Code lets the tool run on a non-2xx answer; the x-guard-error-code header then carries the error code. ' +
          'The transcript_path is not read: a request never makes the service open a file.',
        querystring: HookQuerySchema,
        body: PreToolUseInputSchema,
        response: { 200: PreToolUseOutputSchema },
      },
    },
    async (request) => {
      const { body, query } = request;
      const deliberation = DeliberationRequestSchema.parse(hookInputToRequest(body, { constitution: query.constitution }));
      const verdict = await deliberator.deliberate(deliberation, request.log);
      return hookOutputForVerdict(verdict, body.tool_name, { explicitAllow: query.explicit_allow });
    },
  );
};
