import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { HistoryTurn } from '../../deliberation/request.ts';
import { cutText, toWellFormed } from '../../unicode.ts';

/** Tool results kept per gateway session, newest last. */
const MAX_TURNS = 30;
/** Characters kept of one tool result. */
const MAX_TURN_CHARS = 20_000;

/**
 * The tool results this gateway forwarded in its session. They are the only conversation the
 * gateway sees, and they let the engine notice a call whose target came from tool output.
 */
export class SessionHistory {
  private readonly turns: HistoryTurn[] = [];

  record(tool: string, result: CallToolResult): void {
    const joined = result.content.map((block) => (block.type === 'text' ? block.text : `[${block.type} content]`)).join('\n');
    // The service rejects unpaired surrogates, so the cut keeps pairs whole and the text is made well formed.
    const text = toWellFormed(cutText(joined, MAX_TURN_CHARS));
    this.turns.push({ role: 'tool', name: tool, content: text });
    if (this.turns.length > MAX_TURNS) this.turns.shift();
  }

  snapshot(): HistoryTurn[] {
    return [...this.turns];
  }
}
