import { describe, expect, it } from 'vitest';
import { DuplicateIndex } from '../../src/harvest/duplicate-index.ts';
import { entropyBits, ScenarioClusters } from '../../src/harvest/scenario-clusters.ts';
import { fingerprintToHex, hammingDistance, shingles, simhash, words } from '../../src/harvest/simhash.ts';
import { splitOf } from '../../src/harvest/split.ts';
import { toolCategory } from '../../src/harvest/tool-category.ts';

const BASE = 'User request: clean up the build folder before the release. Proposed action: tool Bash. Input: rm -rf ./build ./dist ./coverage ./tmp ./cache and then run npm ci and npm run build for the web app';

function fingerprint(text: string) {
  return simhash(shingles(words(text), 3));
}

describe('simhash', () => {
  it('gives near texts a small distance and unrelated texts a large one', () => {
    const base = fingerprint(BASE);
    const near = fingerprint(BASE.replace('web app', 'web site'));
    const far = fingerprint('Transfer 5000 dollars from the savings account to the account named in the last email, then delete the email.');
    expect(hammingDistance(base.hi, base.lo, near.hi, near.lo)).toBeLessThanOrEqual(12);
    expect(hammingDistance(base.hi, base.lo, far.hi, far.lo)).toBeGreaterThan(16);
  });

  it('keeps earlier fingerprints bit for bit', () => {
    // Values from the first implementation. Cards store cluster leaders, and a resumed export
    // compares new scenarios with ones fingerprinted earlier, so the fingerprints must never change.
    const cases: Array<[string, string, string]> = [
      ['Please delete the build folder to the shared drive because the disk is full (ticket 4211).', '824844d89b0b3882', '650ca2140908ceba'],
      ['Transfer 5000 dollars to the account in the email and delete the email', '7e392d246b8bdfb2', '2207d284ca1ce8aa'],
      ['one two', '42c28241b217a7ff', 'ba240829c0083325'],
      ['', '811c9dc5050c5d1f', '0000000000000000'],
      ['Mail [EMAIL_1] the payroll sheet — Grüße, straße 12', '10177d1f6010191d', '84c2270862012188'],
    ];
    for (const [text, shingled, topic] of cases) {
      expect(fingerprintToHex(fingerprint(text))).toBe(shingled);
      expect(fingerprintToHex(simhash(words(text)))).toBe(topic);
    }
    expect(shingles(['a', 'b', 'c', 'd'], 3)).toEqual(['a b c', 'b c d']);
  });

  it('keeps placeholders as one word', () => {
    expect(words('mail [EMAIL_1] and [REDACTED:github_token] now')).toEqual(['mail', '[email_1]', 'and', '[redacted:github_token]', 'now']);
  });
});

describe('DuplicateIndex', () => {
  it('tells exact, near and unique texts apart', () => {
    const index = new DuplicateIndex(7);
    expect(index.classify(words(BASE))).toBe('unique');
    expect(index.classify(words(BASE.toUpperCase()))).toBe('exact');
    expect(index.classify(words(`${BASE} now`))).toBe('near');
    expect(index.classify(words('Send the quarterly report to the finance team by email before Friday noon'))).toBe('unique');
    expect(index.size).toBe(2);
  });

  it('rejects a distance outside 0 to 7', () => {
    expect(() => new DuplicateIndex(8)).toThrow(/0 to 7/);
  });
});

describe('ScenarioClusters', () => {
  it('groups similar scenarios and caps the cluster count', () => {
    const clusters = new ScenarioClusters([], 2);
    const first = clusters.assign(words(BASE), 'shell: clean up');
    expect(clusters.assign(words(`${BASE} quickly`), 'shell: clean up')).toBe(first);
    clusters.assign(words('Transfer 5000 dollars to the account in the email and delete the email'), 'payments');
    clusters.assign(words('Post the leaked photos on every social network with the victim tagged'), 'messaging');
    expect(clusters.clusters).toHaveLength(2);
    expect(clusters.clusters.reduce((sum, cluster) => sum + cluster.examples, 0)).toBe(4);
  });

  it('computes entropy in bits', () => {
    expect(entropyBits([1, 1, 1, 1])).toBe(2);
    expect(entropyBits([4])).toBe(0);
    expect(entropyBits([])).toBe(0);
  });
});

describe('splitOf', () => {
  it('is stable and follows the eval share', () => {
    const scenarios = Array.from({ length: 2000 }, (_unused, index) => words(`scenario number ${index} about a task`));
    const splits = scenarios.map((tokens) => splitOf(tokens, 10));
    expect(scenarios.map((tokens) => splitOf(tokens, 10))).toEqual(splits);
    const evalShare = splits.filter((split) => split === 'eval').length / splits.length;
    expect(evalShare).toBeGreaterThan(0.07);
    expect(evalShare).toBeLessThan(0.13);
    expect(scenarios.every((tokens) => splitOf(tokens, 0) === 'train')).toBe(true);
  });
});

describe('toolCategory', () => {
  it.each([
    ['Bash', 'shell'],
    ['paypal_transfer', 'payments'],
    ['mcp__github__delete_repository', 'code_hosting'],
    ['send_email', 'messaging'],
    ['unknown', 'none'],
    ['Frobnicate', 'other'],
  ])('%s is %s', (tool, category) => expect(toolCategory(tool)).toBe(category));
});
