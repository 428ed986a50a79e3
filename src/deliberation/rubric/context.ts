import type { DeliberationRequest } from '../request.ts';
import { foldText } from './text.ts';

/** A text the engine read, with where it sits in the request. */
export interface TextSource {
  /** For example context.user_request or context.history[3]. */
  readonly source: string;
  readonly text: string;
}

/** The request's context sorted by trust: what the user said, and what tools returned. */
export interface DeliberationContext {
  /** The user's request and every later user turn. */
  readonly user: readonly TextSource[];
  /** Tool and environment turns: untrusted data that may carry injected instructions. */
  readonly toolOutputs: readonly TextSource[];
  /** All user text folded to lower case, for containment checks. */
  readonly userFolded: string;
}

/** Sorts the request's context into user text and tool output. */
export function readContext(request: DeliberationRequest): DeliberationContext {
  const user: TextSource[] = [];
  const toolOutputs: TextSource[] = [];
  if (request.context.user_request.trim() !== '') {
    user.push({ source: 'context.user_request', text: request.context.user_request });
  }
  request.context.history.forEach((turn, index) => {
    const source = `context.history[${index}]`;
    if (turn.role === 'user' && turn.content !== request.context.user_request) user.push({ source, text: turn.content });
    if (turn.role === 'tool' || turn.role === 'environment') toolOutputs.push({ source, text: turn.content });
  });
  return { user, toolOutputs, userFolded: foldText(user.map((entry) => entry.text).join('\n')) };
}

/** Returns the first source whose text contains the needle, compared case-insensitively. */
export function findSource(sources: readonly TextSource[], needle: string): TextSource | undefined {
  const folded = foldText(needle);
  return sources.find((entry) => foldText(entry.text).includes(folded));
}
