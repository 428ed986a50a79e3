import type { TraceStep } from '../verdict.ts';
import type { DeliberationContext } from './context.ts';
import type { ConstraintResult, DecisionResult } from './decide.ts';
import type { HeuristicResult } from './heuristics.ts';
import type { NormalisedAction } from './normalise.ts';
import type { Observation } from './observation.ts';
import { quote } from './text.ts';
import type { Weighing } from './weigh.ts';

const PROVENANCE_KINDS = ['follows_tool_output_instruction', 'command_from_tool_output', 'target_from_tool_output', 'user_requested', 'unrequested_action'];

function describeNormalisation(action: NormalisedAction): string {
  const judged = action.leaves.filter((leaf) => leaf.judged);
  const setAside = [...new Set(action.leaves.filter((leaf) => !leaf.judged).map((leaf) => leaf.path))];
  const parts: string[] = [];
  if (action.form === 'json_string') parts.push('The input arrived as a JSON string and was parsed before judging.');
  if (action.form === 'argv') parts.push('The command arrived as an argv array and was joined into one command line.');
  if (judged.length === 0) parts.push(`The tool ${action.tool} was called with no input to judge.`);
  else if (action.shell) {
    for (const leaf of judged.slice(0, 2)) {
      parts.push(
        leaf.text === leaf.raw
          ? `The shell runs ${leaf.path}: "${quote(leaf.text)}".`
          : `The shell runs ${leaf.path}, sent as "${quote(leaf.raw)}", which decodes to "${quote(leaf.text)}".`,
      );
    }
  } else {
    parts.push(`The tool ${action.tool} acts on ${judged.length} input ${judged.length === 1 ? 'value' : 'values'}: ${judged.slice(0, 4).map((leaf) => leaf.path).join(', ')}.`);
  }
  if (setAside.length > 0) parts.push(`Fields that are not executed (${setAside.slice(0, 4).join(', ')}) were set aside: they neither raise nor lower the risk.`);
  return parts.join(' ');
}

function describeProvenance(observations: readonly Observation[], context: DeliberationContext): string {
  const asked = context.user[0] === undefined ? 'The user made no request.' : `The user asked: "${quote(context.user[0].text, 200)}".`;
  const found = observations.filter((observation) => PROVENANCE_KINDS.includes(observation.kind)).map((observation) => observation.detail);
  if (found.length === 0) return `${asked} Nothing in the action traces back to tool output, and no consequential step stands outside the request.`;
  return `${asked} ${[...new Set(found)].join(' ')}`;
}

function describeObservations(observations: readonly Observation[]): string {
  if (observations.length === 0) return 'No detector found anything of concern or of note in the action.';
  const lines = [...new Set(observations.filter((observation) => !PROVENANCE_KINDS.includes(observation.kind)).map((observation) => `${observation.kind}: ${observation.detail}`))];
  const obfuscated = observations.some((observation) => observation.kind === 'obfuscation');
  const tail = obfuscated ? ' The obfuscation itself raises the probability of harm: a legitimate command has no reason to hide what it runs.' : '';
  return `${lines.length === 0 ? 'Only provenance findings.' : lines.join(' | ')}${tail}`;
}

function describeFactors(weighing: Weighing): string {
  const scores = weighing.factors.map((factor) => `${factor.id} ${factor.score}`).join(', ');
  return `${scores}. Likelihood ${weighing.likelihood} and impact ${weighing.impact} give harm ${weighing.harm}; benefit ${weighing.benefit.score} is weighed against it, leaving risk ${weighing.risk}.`;
}

function describeConstraints(constraints: readonly ConstraintResult[]): string {
  const hits = constraints.filter((rule) => rule.hit);
  if (hits.length === 0) return `None of the ${constraints.length} hard constraints and vetoes is hit.`;
  return hits.map((rule) => `${rule.kind === 'veto' ? 'Veto' : 'Hard constraint'} ${rule.id} is hit: ${rule.note}`).join(' ');
}

/** Writes the deliberation as ordered steps, one per stage of the pipeline, in the order they ran. */
export function writeTrace(parts: {
  action: NormalisedAction;
  context: DeliberationContext;
  observations: readonly Observation[];
  weighing: Weighing;
  heuristics: readonly HeuristicResult[];
  risk: number;
  result: DecisionResult;
}): TraceStep[] {
  const shifts = parts.heuristics.reduce((sum, heuristic) => sum + heuristic.shift, 0);
  return [
    { step: 'normalise', text: describeNormalisation(parts.action) },
    { step: 'provenance', text: describeProvenance(parts.observations, parts.context) },
    { step: 'observations', text: describeObservations(parts.observations) },
    { step: 'factors', text: describeFactors(parts.weighing) },
    {
      step: 'heuristics',
      text: `${parts.heuristics.map((heuristic) => `${heuristic.id} (${heuristic.outcome}, shift ${heuristic.shift}): ${heuristic.note}`).join(' ')} Together they move the risk by ${Math.round(shifts * 1000) / 1000} to ${parts.risk}.`,
    },
    { step: 'constraints', text: describeConstraints(parts.result.constraints) },
    { step: 'decision', text: `${parts.result.decision}: ${parts.result.reason}. Confidence ${parts.result.confidence}.` },
  ];
}
