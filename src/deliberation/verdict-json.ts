import type { Verdict } from './verdict.ts';

/** JSON text of the verdicts serialized so far, by object. A verdict is not changed once committed. */
const serialized = new WeakMap<Verdict, string>();

/** Serializes a verdict once per object, so the store row and the HTTP response share one JSON text. */
export function verdictJson(verdict: Verdict): string {
  let json = serialized.get(verdict);
  if (json === undefined) {
    json = JSON.stringify(verdict);
    serialized.set(verdict, json);
  }
  return json;
}
