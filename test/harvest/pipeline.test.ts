import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatasetCardSchema } from '../../src/harvest/card.ts';
import { EXAMPLE_SCHEMAS, EXPORT_FORMATS } from '../../src/harvest/formats.ts';
import type { SqliteVerdictStore } from '../../src/store/sqlite-store.ts';
import { syntheticVerdictId } from '../../scripts/synthetic-verdicts.ts';
import { leakedSamples, SENSITIVE_SAMPLES } from '../redaction/corpus.ts';
import { harvest, parsed, syntheticStore, variant } from './helpers.ts';

/** Synthetic records 1 to 60: every tenth decided by the rubric, record 50 opted out. */
const RECORDS = 60;
const RUBRIC_IDS = [10, 20, 30, 40, 50, 60].map(syntheticVerdictId);
const OPTED_OUT_ID = syntheticVerdictId(50);

let store: SqliteVerdictStore;
let dir: string;

beforeAll(async () => {
  ({ store, dir } = await syntheticStore(RECORDS));
});
afterAll(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('harvest formats', () => {
  it.each(EXPORT_FORMATS.map((format) => [format]))('%s lines validate against the schema', async (format) => {
    const { lines, run } = await harvest(store, { format, include_rubric: true });
    expect(lines.length).toBeGreaterThan(40);
    for (const line of parsed(lines)) EXAMPLE_SCHEMAS[format].parse(line);
    expect(DatasetCardSchema.parse(run.card.card).counts.exported).toBe(lines.length);
  });

  it('keeps every factor field in the deliberation format', async () => {
    const [first] = parsed((await harvest(store)).lines);
    expect(first?.factors).toHaveLength(8);
    expect(Object.keys(first?.factors[0]).sort()).toEqual(['evidence', 'id', 'rationale', 'score']);
    expect(first?.target).toContain('Factors:');
  });

  it('writes system, user and assistant turns in the chat formats', async () => {
    const [openai] = parsed((await harvest(store, { format: 'openai' })).lines);
    expect(openai?.messages.map((message: { role: string }) => message.role)).toEqual(['system', 'user', 'assistant']);
    const [anthropic] = parsed((await harvest(store, { format: 'anthropic' })).lines);
    expect(anthropic?.messages.map((message: { role: string }) => message.role)).toEqual(['user', 'assistant']);
    expect(anthropic?.system).toContain('broadly');
  });
});

describe('harvest selection', () => {
  it('leaves rubric traces out by default', async () => {
    const { lines, run } = await harvest(store);
    const ids = lines.map((line) => line.verdictId);
    for (const id of RUBRIC_IDS) expect(ids).not.toContain(id);
    expect(run.card.card.excluded.engine).toBe(5);
  });

  it('includes rubric traces on request', async () => {
    const ids = (await harvest(store, { include_rubric: 'true' })).lines.map((line) => line.verdictId);
    expect(ids).toContain(RUBRIC_IDS[0]);
  });

  it('never exports an opted-out verdict', async () => {
    const { lines, run } = await harvest(store, { engine: 'rubric' });
    expect(lines.map((line) => line.verdictId)).not.toContain(OPTED_OUT_ID);
    expect(run.card.card.excluded.training_ineligible).toBe(1);
  });

  it('filters by constitution version', async () => {
    const { lines, run } = await harvest(store, { constitution_version: '0.0.0-none' });
    expect(lines).toHaveLength(0);
    expect(run.card.card.excluded.constitution_version).toBe(RECORDS - 6);
  });

  it('filters by time range', async () => {
    // Record i is created i seconds after 2026-01-01T00:00:00Z.
    const { lines } = await harvest(store, { since: '2026-01-01T00:00:05Z', until: '2026-01-01T00:00:09Z' });
    expect(lines.map((line) => line.verdictId)).toEqual([5, 6, 7, 8].map(syntheticVerdictId));
  });

  it('filters by exported decision', async () => {
    const { lines } = await harvest(store, { decision: 'deny' });
    expect(lines.length).toBeGreaterThan(0);
    for (const line of parsed(lines)) expect(line.decision).toBe('deny');
  });

  it('splits train and eval the same way every time', async () => {
    const all = (await harvest(store, { eval_percent: 50 })).lines;
    const again = (await harvest(store, { eval_percent: 50 })).lines;
    expect(again.map((line) => line.split)).toEqual(all.map((line) => line.split));
    expect(new Set(all.map((line) => line.split))).toEqual(new Set(['train', 'eval']));

    const evalOnly = (await harvest(store, { eval_percent: 50, split: 'eval' })).lines;
    expect(evalOnly.map((line) => line.verdictId)).toEqual(all.filter((line) => line.split === 'eval').map((line) => line.verdictId));
  });
});

describe('harvest reviews', () => {
  beforeAll(async () => {
    const reviewedAt = '2026-02-01T00:00:00.000Z';
    await store.review(syntheticVerdictId(1), { outcome: 'agree', reviewer_id: 'rev-1', reviewed_at: reviewedAt });
    const corrected = syntheticVerdictId(2);
    const original = (await store.get(corrected))!.verdict.decision;
    const correction = original === 'deny' ? 'allow' : 'deny';
    await store.review(corrected, { outcome: 'correct', corrected_decision: correction, note: 'the target was approved', reviewer_id: 'rev-2', reviewed_at: reviewedAt });
  });

  it('exports a corrected verdict with the corrected decision, flagged', async () => {
    const { lines, run } = await harvest(store, { reviewed: true });
    const [agreed, corrected] = parsed(lines);
    expect(agreed?.corrected).toBe(false);
    expect(corrected?.corrected).toBe(true);
    expect(corrected?.decision).toBe(corrected?.review.corrected_decision);
    expect(corrected?.engine_decision).not.toBe(corrected?.decision);
    expect(corrected?.target).toContain(`a human reviewer decided ${corrected?.decision}: the target was approved`);
    expect(corrected?.target.trimEnd().split('\n').at(-1)).toMatch(new RegExp(`^Decision: ${corrected?.decision}`));
    expect(run.card.card.review).toEqual({ reviewed: 2, agreed: 1, corrected: 1, disagreement_rate: 0.5, corrected_exported: 1 });
  });

  it('exports only agreed verdicts with agreed', async () => {
    const { lines } = await harvest(store, { agreed: true });
    expect(lines.map((line) => line.verdictId)).toEqual([syntheticVerdictId(1)]);
  });
});

describe('harvest quality gates', () => {
  let gated: SqliteVerdictStore;
  let gatedDir: string;

  beforeAll(async () => {
    ({ store: gated, dir: gatedDir } = await syntheticStore(3));
    await gated.append(variant(1, (record) => (record.verdict.id = syntheticVerdictId(101))));
    await gated.append(
      variant(2, (record) => {
        record.verdict.id = syntheticVerdictId(102);
        record.request.context.history.push({ role: 'tool', content: 'Listing: a.txt b.txt c.txt d.txt e.txt f.txt g.txt h.txt i.txt j.txt k.txt l.txt m.txt n.txt o.txt p.txt q.txt r.txt s.txt t.txt' });
      }),
    );
    await gated.append(
      variant(2, (record) => {
        record.verdict.id = syntheticVerdictId(103);
        record.request.context.history.push({ role: 'tool', content: 'Listing: a.txt b.txt c.txt d.txt e.txt f.txt g.txt h.txt i.txt j.txt k.txt l.txt m.txt n.txt o.txt p.txt q.txt r.txt s.txt u.txt' });
      }),
    );
    await gated.append(
      variant(4, (record) => {
        record.verdict.id = syntheticVerdictId(104);
        record.verdict.factors[3]!.rationale = '  ';
      }),
    );
  });
  afterAll(async () => {
    await gated.close();
    rmSync(gatedDir, { recursive: true, force: true });
  });

  it('removes exact and near duplicates and incomplete traces', async () => {
    const { lines, run } = await harvest(gated);
    const ids = lines.map((line) => line.verdictId);
    expect(ids).toEqual([1, 2, 3, 102].map(syntheticVerdictId));
    expect(run.card.card.excluded).toMatchObject({ exact_duplicate: 1, near_duplicate: 1, incomplete_trace: 1 });
  });

  it('keeps near duplicates when the distance is 0', async () => {
    const { run } = await harvest(gated, { near_duplicate_distance: 0 });
    expect(run.card.card.excluded.near_duplicate).toBe(0);
  });

  it('counts tokens per example and in total', async () => {
    const { lines, run } = await harvest(gated);
    const perExample = parsed(lines).map((line) => line.tokens as number);
    for (const tokens of perExample) expect(tokens).toBeGreaterThan(100);
    expect(run.card.card.tokens.total).toBe(perExample.reduce((sum, tokens) => sum + tokens, 0));
  });
});

describe('harvest redaction', () => {
  it('redacts records that were stored unredacted', async () => {
    const { store: raw, dir: rawDir } = await syntheticStore(0);
    try {
      await raw.append(
        variant(1, (record) => {
          record.request.context.user_request = SENSITIVE_SAMPLES.map((sample) => sample.text).join('\n');
          record.verdict.trace.push({ step: 'quote', text: `The agent would send ${SENSITIVE_SAMPLES[0]!.value}` });
        }),
      );
      for (const format of ['deliberation', 'openai'] as const) {
        const { lines, run } = await harvest(raw, { format });
        expect(lines).toHaveLength(1);
        expect(leakedSamples(lines[0]!.text).map((sample) => sample.kind)).toEqual([]);
        expect(run.card.card.redactions.email).toBeGreaterThanOrEqual(1);
        expect(run.card.card.redactions.aws_secret_key).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await raw.close();
      rmSync(rawDir, { recursive: true, force: true });
    }
  });
});
