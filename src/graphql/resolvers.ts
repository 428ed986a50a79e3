import type { IResolvers, MercuriusLoaders } from 'mercurius';
import { GuardError } from '../api/errors.ts';
import type { LoadedConstitution } from '../constitution/schema.ts';
import type { Deliberator } from '../deliberation/deliberator.ts';
import { VerdictSchema } from '../deliberation/verdict.ts';
import { ReviewInputSchema } from '../store/review.ts';
import { MAX_BREAKDOWN_KEYS, type TimeBucket } from '../store/statistics.ts';
import { VerdictFilterSchema, type VerdictFilter, type VerdictStore } from '../store/store.ts';
import { parseArgument } from './arguments.ts';
import type { GuardContext } from './context.ts';
import { checkPageSize, MAX_PAGE_SIZE, MAX_SESSION_VERDICTS } from './limits.ts';
import { verdictCommittedResolver } from './live-verdicts.ts';
import { scalarResolvers } from './scalars.ts';
import { toVerdictNode, type VerdictNode } from './verdict-node.ts';

export interface ResolverDependencies {
  readonly store: VerdictStore;
  readonly deliberator: Deliberator;
}

interface ConnectionArgs {
  first: number;
  after?: string | null;
  filter?: unknown;
}

interface StatisticsArgs {
  filter?: unknown;
  bucket: TimeBucket;
  top: number;
}

interface AgentSessionNode {
  readonly id: string;
  /** Up to MAX_SESSION_VERDICTS, newest first; `verdicts(first)` slices them. */
  readonly verdicts: VerdictNode[];
}

const CursorSchema = VerdictSchema.shape.id;

function notFound(id: string): GuardError {
  return new GuardError('GUARD_ERR_VERDICT_NOT_FOUND', `no verdict has the id "${id}"`);
}

function toConstitutionNode({ spec, sha256 }: LoadedConstitution) {
  return {
    id: spec.id,
    version: spec.version,
    title: spec.title,
    description: spec.description,
    sha256,
    principles: spec.principles,
    thresholds: spec.thresholds,
    fail_mode: spec.fail_mode,
    factors: Object.entries(spec.factors).map(([id, definition]) => ({ id, ...definition })),
  };
}

/** Query, mutation, subscription and field resolvers over the same store and deliberator as REST. */
export function createResolvers({ store, deliberator }: ResolverDependencies): IResolvers {
  return {
    ...scalarResolvers,

    Query: {
      verdict: async (_root: unknown, { id }: { id: string }) => {
        const record = await store.get(id);
        return record ? toVerdictNode(record) : null;
      },

      verdicts: async (_root: unknown, { first, after, filter }: ConnectionArgs) => {
        checkPageSize('first', first, MAX_PAGE_SIZE);
        const cursor = after ? parseArgument(CursorSchema, 'after', after) : undefined;
        const page = await store.list(parseArgument(VerdictFilterSchema, 'filter', filter), {
          limit: first,
          ...(cursor ? { cursor } : {}),
        });
        return {
          edges: page.items.map((record) => ({ cursor: record.verdict.id, node: toVerdictNode(record) })),
          pageInfo: { hasNextPage: page.nextCursor !== undefined, endCursor: page.items.at(-1)?.verdict.id ?? null },
        };
      },

      statistics: async (_root: unknown, { filter, bucket, top }: StatisticsArgs) => {
        checkPageSize('top', top, MAX_BREAKDOWN_KEYS);
        const verdictFilter = parseArgument(VerdictFilterSchema, 'filter', filter);
        const statistics = await store.statistics(verdictFilter, { bucket, top });
        return { ...statistics, filter: verdictFilter };
      },

      constitutions: () => [...deliberator.constitutions.values()].map(toConstitutionNode),

      constitution: (_root: unknown, { id }: { id: string }) => {
        const loaded = deliberator.constitutions.get(id);
        return loaded ? toConstitutionNode(loaded) : null;
      },
    },

    Mutation: {
      review_verdict: async (_root: unknown, args: { id: string; review: unknown }, context: GuardContext) => {
        const input = parseArgument(ReviewInputSchema, 'review', args.review);
        const review = { ...input, reviewed_at: new Date().toISOString() };
        const record = await store.review(args.id, review);
        if (!record) throw notFound(args.id);
        context.log.info({ verdictId: args.id, outcome: review.outcome }, 'review recorded');
        return toVerdictNode(record);
      },
    },

    Subscription: {
      verdict_committed: verdictCommittedResolver(store),
    },

    Statistics: {
      // Reading every factor score costs more than counting, so it runs only when selected.
      factors: (parent: { filter: VerdictFilter }) => store.factorDistributions(parent.filter),
    },

    AgentSession: {
      verdicts: (session: AgentSessionNode, { first }: { first: number }) => {
        checkPageSize('first', first, MAX_SESSION_VERDICTS);
        return session.verdicts.slice(0, first);
      },
    },
  };
}

/**
 * Batched field reads. `Verdict.session` runs once per list of verdicts, so a page of 100
 * verdicts reads their sessions with one store query instead of 100.
 */
export function createLoaders({ store }: ResolverDependencies): MercuriusLoaders {
  return {
    Verdict: {
      session: async (queries: Array<{ obj: VerdictNode }>): Promise<Array<AgentSessionNode | null>> => {
        const sessionIds = [...new Set(queries.map(({ obj }) => obj.request.context.session_id).filter((id) => id !== undefined))];
        const bySession = await store.listBySession(sessionIds, MAX_SESSION_VERDICTS);
        return queries.map(({ obj }) => {
          const id = obj.request.context.session_id;
          return id === undefined ? null : { id, verdicts: (bySession.get(id) ?? []).map(toVerdictNode) };
        });
      },
    },
  };
}
