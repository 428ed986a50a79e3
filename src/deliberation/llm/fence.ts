import { randomBytes } from 'node:crypto';

/** One piece of text from the agent's environment, with the request path it came from. */
export interface UntrustedItem {
  /** Request path, for example context.history[3], so evidence can point at it. */
  readonly source: string;
  /** Kind of item, for example "tool output, Read". */
  readonly label: string;
  readonly text: string;
}

/**
 * Picks a random marker id that occurs in none of the texts. Only a closing line that carries
 * the id ends a block, so text inside a block cannot close it early by writing a fake marker.
 */
export function createFenceId(texts: readonly string[]): string {
  for (;;) {
    const id = randomBytes(8).toString('hex');
    if (!texts.some((text) => text.includes(id))) return id;
  }
}

/** Wraps one untrusted item in labelled data markers. */
export function fence(item: UntrustedItem, fenceId: string): string {
  return [
    `<<<DATA ${fenceId} source=${item.source} (${item.label})>>>`,
    item.text,
    `<<<END DATA ${fenceId}>>>`,
  ].join('\n');
}
