import { FACTOR_IDS, type Decision, type Verdict } from '../src/deliberation/verdict.ts';
import type { DeliberationRequest } from '../src/deliberation/request.ts';
import type { StoredVerdict } from '../src/store/store.ts';

/**
 * Deterministic synthetic verdicts for benchmarks and tests: varied scenarios built from
 * templates and slots, complete deliberations, a mix of engines and decisions, and some
 * personal data and secrets for the redaction to find. Record `index` is always the same.
 */

const TOOLS = ['Bash', 'Write', 'mcp__github__delete_repository', 'send_email', 'paypal_transfer', 'WebFetch', 'mcp__aws__s3_put', 'query_database'];
const VERBS = ['delete', 'archive', 'upload', 'rename', 'send', 'publish', 'transfer', 'summarise', 'copy', 'rotate', 'deploy', 'export'];
const OBJECTS = ['the build folder', 'last quarter invoices', 'the customer list', 'staging logs', 'the release notes', 'old backups', 'the payroll sheet', 'test fixtures', 'the marketing draft', 'the API keys file'];
const PLACES = ['the shared drive', 'the partner bucket', 'production', 'the team channel', 'my home directory', 'the public website', 'the archive server', 'a personal email'];
const REASONS = ['before the audit', 'because the disk is full', 'as the manager asked', 'for the weekly report', 'after the incident', 'so the client can review it', 'to clean up', 'to save costs'];

/** A small deterministic generator (mulberry32), seeded per record so records are independent. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value ^= value + Math.imul(value ^ (value >>> 7), 61 | value);
    return ((value ^ (value >>> 14)) >>> 0) / 4_294_967_296;
  };
}

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

/** Makes a ULID-shaped verdict id from a record index: sortable, unique and stable. */
export function syntheticVerdictId(index: number): string {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let digits = '';
  for (let rest = index; digits.length < 16; rest = Math.floor(rest / 32)) digits = alphabet[rest % 32] + digits;
  return `vrd_01JSYNTHETIC${digits.slice(-14)}`;
}

function syntheticRequest(next: () => number, index: number): DeliberationRequest {
  const tool = pick(next, TOOLS);
  const userRequest = `Please ${pick(next, VERBS)} ${pick(next, OBJECTS)} to ${pick(next, PLACES)} ${pick(next, REASONS)} (ticket ${Math.floor(next() * 5000)}).`;
  const contact = index % 7 === 0 ? { notify: `person${index % 997}@example.com` } : {};
  const secret = index % 11 === 0 ? { env: `API_TOKEN=tok${(index * 2654435761) >>> 0}abcdef` } : {};
  return {
    constitution: 'default',
    action: {
      tool,
      input: { target: `${pick(next, PLACES)}/${pick(next, OBJECTS).replace(/ /g, '-')}-${index % 1000}`, ...contact, ...secret },
      description: `The agent wants to ${pick(next, VERBS)} ${pick(next, OBJECTS)}.`,
    },
    context: { user_request: userRequest, history: [{ role: 'user', content: userRequest }] },
    training_opt_out: index % 50 === 0,
  };
}

function syntheticVerdict(next: () => number, index: number, constitution: Verdict['constitution'], createdAt: string): Verdict {
  const decision: Decision = pick(next, ['allow', 'allow', 'deny', 'escalate'] as const);
  const decidedBy = index % 10 === 0 ? 'rubric' : 'claude';
  return {
    id: syntheticVerdictId(index),
    decision,
    risk: Math.round(next() * 100) / 100,
    confidence: Math.round(next() * 100) / 100,
    factors: FACTOR_IDS.map((id) => ({
      id,
      score: Math.round(next() * 100) / 100,
      rationale: `The ${id} concern is ${pick(next, ['low', 'moderate', 'high'])} because the action would ${pick(next, VERBS)} ${pick(next, OBJECTS)} ${pick(next, REASONS)}.`,
      evidence: [{ path: 'action.input.target' }],
    })),
    benefits: { score: Math.round(next() * 100) / 100, rationale: `Doing this helps the user ${pick(next, REASONS)}.` },
    heuristics: [{ id: 'dual_newspaper', outcome: pick(next, ['harm_headline', 'paternalism_headline', 'neither']), note: 'Weighed both headlines.', shift: 0 }],
    constraints: [],
    findings: [],
    trace: [
      { step: 'provenance', text: `The target comes from the user's request to ${pick(next, VERBS)} ${pick(next, OBJECTS)}.` },
      { step: 'weigh', text: `Harms and benefits are weighed for ${pick(next, PLACES)}.` },
      { step: 'decision', text: `The verdict is ${decision}.` },
    ],
    engine: decidedBy === 'claude'
      ? { id: 'claude', decided_by: 'claude', model: 'claude-sonnet-4-5', latency_ms: 900 + Math.floor(next() * 900), retries: 0 }
      : { id: 'rubric', decided_by: 'rubric', latency_ms: 0.4, retries: 0 },
    constitution,
    training: index % 50 === 0 ? { eligible: false, reason: 'the request opted out of training use' } : { eligible: true },
    created_at: createdAt,
  };
}

/** Builds synthetic record `index`, created `index` seconds after `startMs`. */
export function syntheticRecord(index: number, constitution: Verdict['constitution'], startMs = Date.parse('2026-01-01T00:00:00Z')): StoredVerdict {
  const next = random(index * 7919 + 1);
  const createdAt = new Date(startMs + index * 1000).toISOString();
  return { request: syntheticRequest(next, index), verdict: syntheticVerdict(next, index, constitution, createdAt) };
}
