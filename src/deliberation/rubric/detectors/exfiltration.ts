import type { Evidence } from '../../verdict.ts';
import type { Observation } from '../observation.ts';
import { quote } from '../text.ts';
import { judgedLeaves, structuralObservation, type DetectorInput } from './detector.ts';
import { extractTargets, hostOf, isLocalHost } from './targets.ts';

/** Shell words that send data out: uploads, posts, copies to another machine or to cloud storage. */
const UPLOAD =
  /\b(?:curl\b[^\n|;]*(?:-d\b|--data|-F\b|--form|-T\b|--upload-file|-X\s*(?:POST|PUT))|wget\b[^\n|;]*--post|scp\b|rsync\b[^\n]*:|nc\b|ncat\b|requests\.(?:post|put)|fetch\([^)]*method|aws\s+s3\s+(?:cp|sync|mv)\b[^\n]*\bs3:\/\/|gsutil\s+(?:-m\s+)?(?:cp|rsync|mv)\b[^\n]*\bgs:\/\/|rclone\s+(?:copy|sync|move)\b|az\s+storage\s+blob\s+upload)/i;

/**
 * Finds sensitive data leaving for somewhere outside: credentials or personal data in an
 * action that also names an external host, an e-mail recipient or an upload.
 */
export function detectExfiltration(input: DetectorInput): Observation[] {
  const sensitive = input.earlier.filter((observation) => observation.kind === 'sensitive_data' || observation.kind === 'credential');
  if (sensitive.length === 0) return [];

  const destinations: Evidence[] = [];
  for (const target of extractTargets(input.action, input.config)) {
    if (target.type === 'url') {
      const host = hostOf(target.value);
      if (host === undefined || isLocalHost(host)) continue;
      destinations.push({ path: target.leaf.path, raw: quote(target.value), normalized: host });
    } else {
      destinations.push({ path: target.leaf.path, raw: quote(target.value) });
    }
  }
  for (const leaf of judgedLeaves(input.action)) {
    const upload = leaf.text.match(UPLOAD);
    if (upload !== null && input.action.shell) destinations.push({ path: leaf.path, raw: quote(upload[0]) });
  }
  if (destinations.length === 0) return [];

  const what = [...new Set(sensitive.map((observation) => observation.detail))].join('; ');
  const where = [...new Set(destinations.map((entry) => entry.normalized ?? entry.raw))].slice(0, 3).join(', ');
  return [
    structuralObservation(input.config, 'exfiltration', `Sensitive data (${what}) flows to ${where}.`, [
      ...sensitive.flatMap((observation) => observation.evidence).slice(0, 2),
      ...destinations.slice(0, 3),
    ]),
  ];
}
