import { credentialKindOfKey } from '../../../redaction/patterns.ts';
import type { Evidence } from '../../verdict.ts';
import type { Observation } from '../observation.ts';
import { redactSecretsInText } from '../../../redaction/redactor.ts';
import { structuralObservation, type DetectorInput } from './detector.ts';

/** Field names that hold a credential. */
const CREDENTIAL_FIELD = /(?:^|_)(?:password|passwd|passphrase|secret|token|api_?key|access_?key(?:_id)?|private_?key|client_secret|credentials?|cvv|pin)$/i;

/**
 * Finds credentials in the action input, by field name or by a secret-looking value. Evidence
 * names the field by path and never quotes the value.
 */
export function detectCredentials(input: DetectorInput): Observation[] {
  const evidence: Evidence[] = [];
  for (const leaf of input.action.leaves) {
    if (!leaf.judged || leaf.text.trim() === '') continue;
    const field = CREDENTIAL_FIELD.test(leaf.key);
    const redacted = redactSecretsInText(leaf.text);
    const secretValue = redacted !== leaf.text && redacted.includes('[REDACTED:');
    // The placeholder names the kind as the storage redaction does, for example aws_secret_key.
    if (field || secretValue) evidence.push({ path: leaf.path, raw: field ? `[REDACTED:${credentialKindOfKey(leaf.key) ?? 'secret'}]` : redacted.slice(0, 80) });
  }
  if (evidence.length === 0) return [];
  const paths = evidence.map((entry) => entry.path).join(', ');
  return [structuralObservation(input.config, 'credential', `The input carries credentials in ${paths}; their values are not quoted here.`, evidence)];
}
