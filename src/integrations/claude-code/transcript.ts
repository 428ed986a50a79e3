import { open } from 'node:fs/promises';
import { z } from 'zod';
import type { HistoryTurn } from '../../deliberation/request.ts';
import type { ConversationContext } from './hook-request.ts';
import { toWellFormed } from '../../unicode.ts';

// Claude Code writes the transcript as JSON lines; its format is not formally documented, so
// this reader takes only the widely used fields (type, message.role, message.content with text,
// tool_use and tool_result blocks) and skips every line it does not recognise.

/** Bytes read from the end of the transcript; older turns matter less than the latest ones. */
const TAIL_BYTES = 2 * 1024 * 1024;
/** Turns kept for the deliberation, newest last. */
const MAX_TURNS = 60;
/** Characters kept of one turn. */
const MAX_TURN_CHARS = 20_000;

const BlockSchema = z.looseObject({
  type: z.string(),
  text: z.string().optional(),
  id: z.string().optional(),
  name: z.string().optional(),
  tool_use_id: z.string().optional(),
  content: z.unknown().optional(),
});
type Block = z.infer<typeof BlockSchema>;

const LineSchema = z.looseObject({
  type: z.string(),
  isMeta: z.boolean().optional(),
  message: z.looseObject({ role: z.string().optional(), content: z.union([z.string(), z.array(z.unknown())]) }).optional(),
});

function blocksOf(content: string | unknown[]): Block[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return content.flatMap((entry) => {
    const block = BlockSchema.safeParse(entry);
    return block.success ? [block.data] : [];
  });
}

/** The text of a tool_result's content: a string, or text blocks. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return blocksOf(content)
    .flatMap((block) => (block.text === undefined ? [] : [block.text]))
    .join('\n');
}

function turn(role: HistoryTurn['role'], content: string, name?: string): HistoryTurn {
  return { role, content: content.slice(0, MAX_TURN_CHARS), ...(name ? { name } : {}) };
}

/** Turns one transcript line into history turns; `toolNames` maps tool_use ids to tool names. */
function turnsOfLine(line: string, toolNames: Map<string, string>): HistoryTurn[] {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return [];
  }
  const parsed = LineSchema.safeParse(json);
  if (!parsed.success || !parsed.data.message || parsed.data.isMeta) return [];
  const { type, message } = parsed.data;
  if (type !== 'user' && type !== 'assistant') return [];

  const turns: HistoryTurn[] = [];
  for (const block of blocksOf(message.content)) {
    if (block.type === 'text' && block.text && block.text.trim() !== '') turns.push(turn(type, block.text));
    if (block.type === 'tool_use' && block.id && block.name) toolNames.set(block.id, block.name);
    if (block.type === 'tool_result') {
      const name = block.tool_use_id ? toolNames.get(block.tool_use_id) : undefined;
      turns.push(turn('tool', resultText(block.content), name));
    }
  }
  return turns;
}

/** Reads the last TAIL_BYTES of a file as text, dropping a first line that was cut. */
async function readTail(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const start = Math.max(0, size - TAIL_BYTES);
    const buffer = Buffer.alloc(size - start);
    await file.read(buffer, 0, buffer.length, start);
    const text = buffer.toString('utf8');
    return start === 0 ? text : text.slice(text.indexOf('\n') + 1);
  } finally {
    await file.close();
  }
}

/**
 * Reads the conversation from a Claude Code transcript: the user's latest prompt as the
 * request, and the latest turns (user prompts, assistant text, tool results) as history, so
 * the engine can tell what the user asked for from what a tool output said.
 */
export async function readTranscript(path: string): Promise<ConversationContext> {
  const toolNames = new Map<string, string>();
  const turns = (await readTail(path))
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => turnsOfLine(line, toolNames));
  // A turn cut at MAX_TURN_CHARS, or a transcript line with a lone \uD800 escape, can contain an
  // unpaired surrogate, and the service would reject the whole request for it.
  const history = turns.slice(-MAX_TURNS).map((entry) => ({ ...entry, content: toWellFormed(entry.content) }));
  const lastUserTurn = [...turns].reverse().find((entry) => entry.role === 'user');
  return { user_request: toWellFormed(lastUserTurn?.content ?? ''), history };
}
