import { LRUCache } from 'lru-cache';
import type { DeliberationRequest } from '../../deliberation/request.ts';
import type { Verdict } from '../../deliberation/verdict.ts';
import { canonicalHash } from './canonical-hash.ts';

export interface CacheKeyParts {
  readonly constitutionSha256: string;
  readonly engine: string;
  readonly request: DeliberationRequest;
}

/**
 * Maps an identical deliberation input to the id of the verdict already committed for it. The
 * key is the constitution's content hash, the engine, and a canonical hash of the action, the
 * context and the training opt-out (which changes what the stored record allows). Verdicts that
 * a fail mode decided are never cached, because they reflect a passing LLM failure.
 */
export class VerdictCache {
  private readonly entries: LRUCache<string, string>;

  constructor(ttlMs: number, maxEntries: number) {
    this.entries = new LRUCache({ max: maxEntries, ttl: ttlMs });
  }

  static key({ constitutionSha256, engine, request }: CacheKeyParts): string {
    return canonicalHash({
      constitution: constitutionSha256,
      engine,
      action: request.action,
      context: request.context,
      training_opt_out: request.training_opt_out,
    });
  }

  /** Returns the id of the cached verdict for this key, if one is live. */
  lookup(key: string): string | undefined {
    return this.entries.get(key);
  }

  remember(key: string, verdict: Verdict): void {
    if (!verdict.engine.fail_mode) this.entries.set(key, verdict.id);
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
