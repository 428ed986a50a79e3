import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CaseStep {
  label?: string;
  http?: { method: string; path: string; body?: Record<string, unknown> };
  [key: string]: unknown;
}

export interface RegressionCase {
  id: string;
  kind: string;
  request: { steps: CaseStep[] };
  expected: string;
}

const cases: RegressionCase[] = readFileSync(join(import.meta.dirname, '../fixtures/cases/cases.jsonl'), 'utf8')
  .trimEnd()
  .split('\n')
  .map((line) => JSON.parse(line) as RegressionCase);

/** Returns one regression case by id. */
export function regressionCase(id: string): RegressionCase {
  const found = cases.find((entry) => entry.id === id);
  if (!found) throw new Error(`no regression case ${id} in test/fixtures/cases/cases.jsonl`);
  return found;
}

/** Returns the request body of a case's HTTP step by label. */
export function stepBody(id: string, label: string): Record<string, unknown> {
  const step = regressionCase(id).request.steps.find((entry) => entry.label === label);
  if (!step?.http?.body) throw new Error(`regression case ${id} has no HTTP step labelled ${label}`);
  return step.http.body;
}
