import type { LoadedConstitution } from '../constitution/schema.ts';
import type { VerdictFilter, VerdictStore } from '../store/store.ts';
import { toChatExample } from './training-example.ts';

/**
 * Yields one NDJSON line per training-eligible verdict, oldest first. Verdicts that opted
 * out or were decided by a fail mode are skipped.
 */
export async function* exportTrainingData(
  store: VerdictStore,
  constitutions: ReadonlyMap<string, LoadedConstitution>,
  filter: VerdictFilter = {},
): AsyncGenerator<string> {
  for await (const record of store.scan(filter)) {
    if (!record.verdict.training.eligible) continue;
    const example = toChatExample(record, constitutions.get(record.verdict.constitution.id));
    yield `${JSON.stringify(example)}\n`;
  }
}
