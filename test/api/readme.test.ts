import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HISTORY_ROLES } from '../../src/deliberation/request.ts';
import { ReviewInputSchema } from '../../src/store/review.ts';

const readme = readFileSync(join(import.meta.dirname, '../../README.md'), 'utf8');

describe('README REST section', () => {
  it('shows a review body the schema accepts', () => {
    const row = readme.split('\n').find((line) => line.startsWith('| `POST /v1/verdicts/{id}/review` |'));
    expect(row).toBeDefined();
    const example = /`(\{.*?\})`/.exec(row!)?.[1];
    expect(example).toBeDefined();
    const parsed = ReviewInputSchema.safeParse(JSON.parse(example!));
    expect(parsed.error?.issues).toBeUndefined();
  });

  it('lists every history role', () => {
    const sentence = /`role` ([^`]+), optional `agent_id`/.exec(readme.replace(/\s+/g, ' '))?.[1];
    expect(sentence).toBeDefined();
    const listed = sentence!.split(/, | or /);
    expect(listed.sort()).toEqual([...HISTORY_ROLES].sort());
  });
});
