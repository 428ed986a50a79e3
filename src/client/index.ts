// Public entry point of `deliberation-guard/client`: a typed client of the REST API.
export { GuardClient, deadlineWithin, type ActionInput, type CheckOptions, type ContextInput, type GuardClientOptions } from './guard-client.ts';
export { guardTool, type GuardToolOptions } from './guard-tool.ts';
export { GuardClientError, GuardDeniedError, GuardEscalatedError, GuardRequestError, GuardUnavailableError } from './errors.ts';
export { describeVerdict } from '../integrations/verdict-reason.ts';
export { VerdictSchema, type Decision, type Verdict } from '../deliberation/verdict.ts';
export { DeliberationRequestSchema, type DeliberationRequestInput } from '../deliberation/request.ts';
