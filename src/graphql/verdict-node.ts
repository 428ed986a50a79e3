import type { DeliberationRequest } from '../deliberation/request.ts';
import type { Verdict } from '../deliberation/verdict.ts';
import type { Review } from '../store/review.ts';
import type { StoredVerdict } from '../store/store.ts';

/** The parent object of the GraphQL Verdict type: the verdict JSON with its request and review. */
export type VerdictNode = Verdict & { readonly request: DeliberationRequest; readonly review?: Review };

export function toVerdictNode({ verdict, request, review }: StoredVerdict): VerdictNode {
  return review ? { ...verdict, request, review } : { ...verdict, request };
}
