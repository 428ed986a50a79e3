import { expect } from 'vitest';
import { regressionCase } from './cases.ts';

/** The concurrent step of CASE-18: `repeat` requests over `concurrency` workers, cycling through the bodies. */
export interface BurstStep {
  repeat: number;
  concurrency: number;
  alternate: Array<{ body: Record<string, unknown> }>;
}

export interface BurstResult {
  tag: string;
  status: number;
  id?: string;
  decision?: string;
  expected: string;
}

/** A verdict row as a store keeps it: the request is JSON text or an already parsed object. */
export interface StoredBurstRow {
  id: string;
  decision: string;
  request: string | { context: { metadata?: Record<string, unknown> } };
}

/** Decision expected for each body of the burst, in order: deny for the piped curl, allow for ls. */
const EXPECTED_DECISIONS = ['deny', 'allow'];

export function burstStep(): BurstStep {
  return regressionCase('CASE-18').request.steps.find((step) => 'alternate' in step) as unknown as BurstStep;
}

/**
 * Sends the burst, tagging each request with its own `context.metadata.request_tag`. Worker `w`
 * sends to `baseUrls[w % baseUrls.length]`, so with two instances each one gets both bodies.
 */
export async function sendBurst(burst: BurstStep, baseUrls: string[]): Promise<BurstResult[]> {
  const results: BurstResult[] = [];
  let next = 0;
  async function worker(workerIndex: number): Promise<void> {
    const baseUrl = baseUrls[workerIndex % baseUrls.length]!;
    while (next < burst.repeat) {
      const index = next++;
      const variant = burst.alternate[index % burst.alternate.length]!;
      const tag = `tag-${index}`;
      const body = structuredClone(variant.body) as { context: { metadata?: Record<string, unknown> } };
      body.context.metadata = { request_tag: tag };
      const response = await fetch(`${baseUrl}/v1/deliberations`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await response.json()) as { id?: string; decision?: string };
      results.push({ tag, status: response.status, ...json, expected: EXPECTED_DECISIONS[index % 2]! });
    }
  }
  await Promise.all(Array.from({ length: burst.concurrency }, (_, workerIndex) => worker(workerIndex)));
  return results;
}

/** Checks the burst's responses against the rows the store holds: one row per response, no cross-talk. */
export function expectBurstStored(burst: BurstStep, results: BurstResult[], rows: StoredBurstRow[]): void {
  expect(results).toHaveLength(burst.repeat);
  expect(results.filter((result) => result.status >= 500)).toEqual([]);
  expect(results.filter((result) => result.decision !== result.expected)).toEqual([]);

  expect(new Set(rows.map((row) => row.id)).size).toBe(burst.repeat);
  const byId = new Map(rows.map((row) => [row.id, row]));
  for (const result of results) {
    const row = byId.get(result.id!);
    expect(row?.decision).toBe(result.decision);
    const request = typeof row!.request === 'string' ? JSON.parse(row!.request) : row!.request;
    expect(request.context.metadata.request_tag).toBe(result.tag);
  }
}
