import type { LoadedConstitution } from '../constitution/schema.ts';
import { renderConstitution } from '../constitution/render.ts';
import { renderScenario } from '../deliberation/scenario.ts';
import type { StoredVerdict } from '../store/store.ts';
import type { Verdict } from '../deliberation/verdict.ts';

/** One supervised fine-tuning example in chat format. */
export interface ChatTrainingExample {
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string }>;
  metadata: {
    verdict_id: string;
    constitution: Verdict['constitution'];
    engine: string;
    decision: Verdict['decision'];
    created_at: string;
  };
}

/** Writes the deliberation the model should learn: the trace, the factor scores, then the decision. */
export function renderDeliberation(verdict: Verdict): string {
  const trace = verdict.trace.map((step) => `${step.step}: ${step.text}`);
  const factors = verdict.factors.map((factor) => `- ${factor.id} ${factor.score.toFixed(2)}: ${factor.rationale}`);
  return [
    ...trace,
    '',
    'Factors:',
    ...factors,
    `Benefits ${verdict.benefits.score.toFixed(2)}: ${verdict.benefits.rationale}`,
    '',
    `Decision: ${verdict.decision} (risk ${verdict.risk.toFixed(2)}, confidence ${verdict.confidence.toFixed(2)})`,
  ].join('\n');
}

/**
 * Builds the chat example for a stored verdict. The system message is the constitution the
 * verdict was decided under, when it is still loaded with the same hash.
 */
export function toChatExample(record: StoredVerdict, constitution: LoadedConstitution | undefined): ChatTrainingExample {
  const { verdict, request } = record;
  const system =
    constitution && constitution.sha256 === verdict.constitution.sha256
      ? renderConstitution(constitution.spec)
      : `Constitution ${verdict.constitution.id} ${verdict.constitution.version} (sha256 ${verdict.constitution.sha256})`;
  return {
    messages: [
      { role: 'system', content: system },
      { role: 'user', content: renderScenario(request) },
      { role: 'assistant', content: renderDeliberation(verdict) },
    ],
    metadata: {
      verdict_id: verdict.id,
      constitution: verdict.constitution,
      engine: verdict.engine.decided_by,
      decision: verdict.decision,
      created_at: verdict.created_at,
    },
  };
}
