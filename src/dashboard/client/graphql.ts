/// <reference lib="dom" />
import { createClient, type Client } from 'graphql-ws';
import { authorizationFields, reportUnauthenticated } from './api-key.ts';
import type { Filters, ReviewDraft, StatisticsView, VerdictDetail, VerdictSummary } from './types.ts';

/** A GraphQL error as the service sends it, with the catalogue code. */
export class GraphqlRequestError extends Error {
  constructor(
    message: string,
    readonly code: string | undefined,
    /** The scope the operation needs, from `extensions.details.required` on 401 and 403 errors. */
    readonly requiredScope?: string,
  ) {
    super(message);
    this.name = 'GraphqlRequestError';
  }
}

interface ServiceError {
  readonly message: string;
  readonly extensions?: { code?: string; details?: { required?: string } };
}

/**
 * Converts an error from the service into a GraphqlRequestError. A rejected key is also
 * reported to the page, which then shows the key bar.
 */
function toRequestError(error: ServiceError): GraphqlRequestError {
  const code = error.extensions?.code;
  if (code === 'GUARD_ERR_UNAUTHENTICATED') reportUnauthenticated(error.message);
  return new GraphqlRequestError(error.message, code, error.extensions?.details?.required);
}

/** Builds the message the page shows for a failed request. For a 403 it names the scope the key lacks. */
export function describeFailure(error: Error): string {
  if (error instanceof GraphqlRequestError && error.code === 'GUARD_ERR_FORBIDDEN') {
    const scope = error.requiredScope ? ` Use a key with the "${error.requiredScope}" scope.` : '';
    return `Forbidden: ${error.message}.${scope}`;
  }
  return error.message;
}

/** Returns whether a failure is a rejected key, which the key bar shows instead of an error banner. */
export function isUnauthenticated(error: Error): boolean {
  return error instanceof GraphqlRequestError && error.code === 'GUARD_ERR_UNAUTHENTICATED';
}

async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const response = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorizationFields() },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json().catch(() => ({}))) as { data?: T; errors?: ServiceError[] };
  const error = body.errors?.[0];
  if (error) throw toRequestError(error);
  if (!body.data) throw new GraphqlRequestError(`GraphQL returned HTTP ${response.status} without data`, undefined);
  return body.data;
}

const SUMMARY_FIELDS = `id decision risk confidence created_at
  constitution { id } engine { id decided_by }
  request { action { tool input description } context { user_request } }
  review { outcome corrected_decision }`;

/** Converts the filters to the GraphQL VerdictFilter input, leaving empty fields out. */
function filterInput(filters: Filters): Record<string, unknown> {
  return {
    ...(filters.decision ? { decision: filters.decision } : {}),
    ...(filters.constitution ? { constitution: filters.constitution } : {}),
    ...(filters.tool ? { tool: filters.tool } : {}),
    ...(filters.reviewed ? { reviewed: filters.reviewed === 'reviewed' } : {}),
  };
}

export async function fetchVerdicts(filters: Filters, first: number): Promise<VerdictSummary[]> {
  const data = await request<{ verdicts: { edges: Array<{ node: VerdictSummary }> } }>(
    `query ($first: Int, $filter: VerdictFilter) { verdicts(first: $first, filter: $filter) { edges { node { ${SUMMARY_FIELDS} } } } }`,
    { first, filter: filterInput(filters) },
  );
  return data.verdicts.edges.map((edge) => edge.node);
}

const DETAIL_FIELDS = `${SUMMARY_FIELDS}
  factors { id score rationale evidence { path source raw normalized } }
  benefits { score rationale }
  heuristics { id outcome note shift }
  constraints { id kind hit note }
  findings { kind detail }
  trace { step text }
  constitution { id version sha256 }
  engine { id decided_by tier model latency_ms fail_mode { mode reason detail } }
  training { eligible reason }
  request { action { tool input description } context { user_request agent_id session_id history { role content name } } }
  review { outcome corrected_decision note reviewer_id reviewed_at }
  session { id verdicts(first: 10) { id decision created_at request { action { tool input description } } } }`;

export async function fetchVerdict(id: string): Promise<VerdictDetail | null> {
  const data = await request<{ verdict: VerdictDetail | null }>(`query ($id: ID!) { verdict(id: $id) { ${DETAIL_FIELDS} } }`, { id });
  return data.verdict;
}

export async function fetchStatistics(filters: Filters, since: string, bucket: string): Promise<StatisticsView> {
  const data = await request<{ statistics: StatisticsView }>(
    `query ($filter: VerdictFilter, $bucket: TimeBucket) { statistics(filter: $filter, bucket: $bucket, top: 5) {
      total by_decision { key count share } by_tier { key count share }
      timeline { start decisions { allow deny escalate } } } }`,
    { filter: { ...filterInput(filters), since }, bucket },
  );
  return data.statistics;
}

export async function fetchConstitutionIds(): Promise<string[]> {
  const data = await request<{ constitutions: Array<{ id: string }> }>('{ constitutions { id } }');
  return data.constitutions.map((constitution) => constitution.id);
}

export async function reviewVerdict(id: string, review: ReviewDraft): Promise<VerdictDetail> {
  const data = await request<{ review_verdict: VerdictDetail }>(
    `mutation ($id: ID!, $review: ReviewInput!) { review_verdict(id: $id, review: $review) { ${DETAIL_FIELDS} } }`,
    { id, review },
  );
  return data.review_verdict;
}

/** The websocket client shared by every subscription of the page; it reconnects on its own. */
let socket: Client | undefined;

/**
 * Returns the page's websocket client. The key goes in the connection_init payload, because a
 * browser cannot set headers on a websocket; the service authenticates it there.
 */
export function liveClient(onConnectionChange: (connected: boolean) => void): Client {
  if (socket) return socket;
  // A client closed by closeLiveClient can still report its close after its successor
  // connected, so only the current client reports.
  const client: Client = createClient({
    url: `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`,
    connectionParams: authorizationFields,
    retryAttempts: Infinity,
    on: {
      connected: () => socket === client && onConnectionChange(true),
      closed: () => socket === client && onConnectionChange(false),
    },
  });
  socket = client;
  return client;
}

/** Closes the websocket, so the next liveClient call connects with the current key. */
export function closeLiveClient(): void {
  void socket?.dispose();
  socket = undefined;
}

/**
 * Streams newly committed verdicts that match the decision and constitution filters; returns the
 * unsubscribe function. `onError` gets errors the service sent for the subscription, not lost
 * connections, which the client retries by itself.
 */
export function subscribeVerdicts(
  client: Client,
  filters: Filters,
  onVerdict: (verdict: VerdictSummary) => void,
  onError: (error: GraphqlRequestError) => void,
): () => void {
  return client.subscribe<{ verdict_committed: VerdictSummary }>(
    {
      query: `subscription ($decision: Decision, $constitution: String) {
        verdict_committed(decision: $decision, constitution: $constitution) { ${SUMMARY_FIELDS} } }`,
      variables: { decision: filters.decision || null, constitution: filters.constitution || null },
    },
    {
      next: (message) => {
        if (message.data) onVerdict(message.data.verdict_committed);
      },
      error: (error) => {
        const first = Array.isArray(error) ? (error[0] as ServiceError | undefined) : undefined;
        if (first) onError(toRequestError(first));
      },
      complete: () => undefined,
    },
  );
}
