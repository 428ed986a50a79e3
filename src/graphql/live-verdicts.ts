import type { FastifyBaseLogger } from 'fastify';
// Mercurius is CommonJS, and Node's ESM loader cannot see its helpers as named exports.
import mercurius, { type MercuriusContext, type PubSub } from 'mercurius';
import { GuardError } from '../api/errors.ts';
import type { Decision } from '../deliberation/verdict.ts';
import type { CommittedVerdict, VerdictStore } from '../store/store.ts';
import { toVerdictNode, type VerdictNode } from './verdict-node.ts';

/** Pubsub topic of committed verdicts. */
export const VERDICT_COMMITTED = 'VERDICT_COMMITTED';

interface VerdictCommittedPayload {
  readonly verdict_committed: CommittedVerdict;
}

interface SubscriptionFilter {
  readonly decision?: Decision | null;
  readonly constitution?: string | null;
}

/** Sends a committed verdict to every subscriber; a failed publish is logged, never thrown at the deliberator. */
export function publishVerdict(pubsub: PubSub, verdict: CommittedVerdict, log: FastifyBaseLogger): void {
  const payload: VerdictCommittedPayload = { verdict_committed: verdict };
  try {
    pubsub.publish({ topic: VERDICT_COMMITTED, payload });
  } catch (error) {
    log.error({ err: error, verdictId: verdict.id }, 'publishing a verdict to subscribers failed');
  }
}

function matches(verdict: CommittedVerdict, filter: SubscriptionFilter): boolean {
  if (filter.decision && verdict.decision !== filter.decision) return false;
  if (filter.constitution && verdict.constitution.id !== filter.constitution) return false;
  return true;
}

type SubscriptionContext = { pubsub: PubSub };
type FilteredSubscribe = ReturnType<typeof mercurius.withFilter<VerdictCommittedPayload, unknown, SubscriptionContext, SubscriptionFilter>>;

/**
 * Creates the `verdict_committed` subscription field. The payload carries the verdict's id,
 * decision and constitution only, enough to filter, so each delivered event reads the whole
 * record back.
 */
export function verdictCommittedResolver(store: VerdictStore): {
  subscribe: FilteredSubscribe;
  resolve: (payload: VerdictCommittedPayload, args: unknown, context: MercuriusContext) => Promise<VerdictNode>;
} {
  return {
    subscribe: mercurius.withFilter<VerdictCommittedPayload, unknown, SubscriptionContext, SubscriptionFilter>(
      (_root, _args, { pubsub }) => pubsub.subscribe(VERDICT_COMMITTED),
      (payload, args) => matches(payload.verdict_committed, args),
    ),
    resolve: async (payload: VerdictCommittedPayload, _args: unknown, context: MercuriusContext): Promise<VerdictNode> => {
      // The connection authenticated once, so a key revoked since then must stop it here.
      await context.app.assertKeyActive(context.principal);
      const { id } = payload.verdict_committed;
      const record = await store.get(id);
      // Verdicts are published after their commit and never deleted, so this is a store fault.
      if (!record) throw new GuardError('GUARD_ERR_VERDICT_NOT_FOUND', `committed verdict "${id}" could not be read back`);
      return toVerdictNode(record);
    },
  };
}
