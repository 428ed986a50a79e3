import type { RubricConfig } from '../../../constitution/rubric-config.ts';
import type { Leaf, NormalisedAction } from '../normalise.ts';
import { compilePattern } from '../text.ts';

/** A value the action sends something to: a person, an account, a host. */
export interface Target {
  readonly value: string;
  readonly leaf: Leaf;
  readonly type: 'email' | 'url' | 'phone' | 'recipient';
}

// The lookbehinds let a match start only where a run of such characters starts, which keeps
// the scan linear: without them a long run with no `@` was retried from every position.
const EMAIL = /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g;
const URL = /\b(?:https?|ftp|wss?):\/\/[^\s'"|;)<>`]+/gi;
const PHONE = /(?<![\d+])\+?\d[\d\s().-]{7,}\d/g;
const WHOLE_EMAIL = /^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+$/;

/** Extracts the recipients, hosts and accounts an action's judged leaves name. */
export function extractTargets(action: NormalisedAction, config: RubricConfig): Target[] {
  const recipientFields = config.recipient_fields.map(compilePattern);
  const targets: Target[] = [];
  for (const leaf of action.leaves) {
    if (!leaf.judged) continue;
    for (const match of leaf.text.matchAll(EMAIL)) targets.push({ value: match[0], leaf, type: 'email' });
    for (const match of leaf.text.matchAll(URL)) targets.push({ value: match[0], leaf, type: 'url' });
    const isRecipientField = leaf.key !== '' && recipientFields.some((pattern) => pattern.test(leaf.key));
    if (!isRecipientField) continue;
    for (const match of leaf.text.matchAll(PHONE)) targets.push({ value: match[0], leaf, type: 'phone' });
    const value = leaf.text.trim();
    if (value.length >= 3 && !WHOLE_EMAIL.test(value) && !targets.some((target) => target.value === value)) {
      targets.push({ value, leaf, type: 'recipient' });
    }
  }
  return targets;
}

/** Returns the host of a URL, or undefined when it does not parse. */
export function hostOf(url: string): string | undefined {
  try {
    return new globalThis.URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/** Checks whether a host is this machine or a private network name. */
export function isLocalHost(host: string): boolean {
  return /^(?:localhost|127\.\d+\.\d+\.\d+|\[?::1\]?|0\.0\.0\.0|.*\.(?:local|internal|localhost))$/.test(host);
}
