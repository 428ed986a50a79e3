/** Shapes of the GraphQL results the dashboard selects; field names follow schema/guard.graphql. */

export type Decision = 'allow' | 'deny' | 'escalate';

export const DECISIONS: readonly Decision[] = ['allow', 'deny', 'escalate'];

export interface Filters {
  readonly decision: Decision | '';
  readonly constitution: string;
  readonly tool: string;
  readonly reviewed: '' | 'reviewed' | 'unreviewed';
}

export interface Review {
  outcome: 'agree' | 'correct';
  corrected_decision?: Decision | null;
  note?: string | null;
  reviewer_id?: string;
  reviewed_at?: string;
}

export interface ReviewDraft {
  outcome: 'agree' | 'correct';
  corrected_decision?: Decision;
  note?: string;
  reviewer_id: string;
}

export interface VerdictSummary {
  id: string;
  decision: Decision;
  risk: number;
  confidence: number;
  created_at: string;
  constitution: { id: string; version?: string; sha256?: string };
  engine: { id: string; decided_by: string; tier?: string | null; model?: string | null; latency_ms?: number };
  request: {
    action: { tool: string; input: unknown; description?: string | null };
    context: { user_request: string; agent_id?: string | null; session_id?: string | null; history?: Array<{ role: string; content: string; name?: string | null }> };
  };
  review: Review | null;
}

export interface Evidence {
  path: string;
  source?: string | null;
  raw?: string | null;
  normalized?: string | null;
}

export interface VerdictDetail extends VerdictSummary {
  factors: Array<{ id: string; score: number; rationale: string; evidence: Evidence[] }>;
  benefits: { score: number; rationale: string };
  heuristics: Array<{ id: string; outcome: string; note: string; shift: number }>;
  constraints: Array<{ id: string; kind: string; hit: boolean; note?: string | null }>;
  findings: Array<{ kind: string; detail: string }>;
  trace: Array<{ step: string; text: string }>;
  engine: VerdictSummary['engine'] & { fail_mode?: { mode: string; reason: string; detail: string } | null };
  training: { eligible: boolean; reason?: string | null };
  session: { id: string; verdicts: Array<Pick<VerdictSummary, 'id' | 'decision' | 'created_at'> & { request: { action: VerdictSummary['request']['action'] } }> } | null;
}

export interface StatisticsView {
  total: number;
  by_decision: Array<{ key: Decision; count: number; share: number }>;
  by_tier: Array<{ key: string; count: number; share: number }>;
  timeline: Array<{ start: string; decisions: Record<Decision, number> }>;
}
