import type { DatasetCard } from './card.ts';

function table(header: [string, string], rows: Array<[string, string | number]>): string[] {
  if (rows.length === 0) return ['(none)'];
  return [`| ${header[0]} | ${header[1]} |`, '| --- | ---: |', ...rows.map(([key, value]) => `| ${key} | ${value} |`)];
}

function sorted(counts: Record<string, number>): Array<[string, number]> {
  return Object.entries(counts).sort((left, right) => right[1] - left[1]);
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Renders a dataset card as Markdown for people; the JSON card is the source. */
export function renderCardMarkdown(card: DatasetCard): string {
  const { counts, diversity, review, tokens } = card;
  const clusters = [...card.clusters].sort((left, right) => right.examples - left.examples);
  return [
    '# Dataset card',
    '',
    `Generated ${card.generated_at} in the \`${card.format}\` format${card.complete ? '' : ' (incomplete: the export stopped early; run it again with --resume)'}.`,
    '',
    '```',
    card.command,
    '```',
    '',
    `${counts.exported} examples (${counts.train} train, ${counts.eval} eval) from ${counts.scanned} scanned verdicts; ${tokens.total} tokens in total, ${tokens.mean} per example on average, ${tokens.max} at most (${tokens.tokenizer}).`,
    '',
    ...(card.files.length > 0 ? ['## Files', '', ...table(['file', 'examples'], card.files.map((file) => [`${file.path} (${file.split})`, file.examples])), ''] : []),
    '## Left out',
    '',
    ...table(['reason', 'verdicts'], sorted(card.excluded).filter(([, value]) => value > 0)),
    '',
    `Duplicates are found with ${card.deduplication.method}; near means at most ${card.deduplication.max_distance} differing bits.`,
    '',
    '## Review',
    '',
    `${review.reviewed} scanned verdicts were reviewed: ${review.agreed} agreed, ${review.corrected} corrected (disagreement rate ${percent(review.disagreement_rate)}). ${review.corrected_exported} exported examples carry a reviewer's corrected decision.`,
    '',
    '## Decisions',
    '',
    ...table(['decision', 'examples'], sorted(card.by_decision)),
    '',
    '## Constitutions',
    '',
    ...table(['constitution (sha256)', 'examples'], card.constitutions.map((entry) => [`${entry.id} ${entry.version} (\`${entry.sha256}\`)`, entry.examples])),
    '',
    '## Tool categories',
    '',
    ...table(['category', 'examples'], sorted(card.by_tool_category)),
    '',
    '## Scenario diversity',
    '',
    `${diversity.clusters} scenario clusters; entropy ${diversity.entropy_bits} bits of at most ${diversity.max_entropy_bits}; the largest cluster holds ${percent(diversity.largest_cluster_share)} of the examples.`,
    '',
    ...table(['cluster', 'examples'], clusters.slice(0, 20).map((cluster) => [`${cluster.id} ${cluster.label.replace(/\|/g, '\\|')}`, cluster.examples])),
    ...(clusters.length > 20 ? ['', `${clusters.length - 20} smaller clusters are listed in the JSON card.`] : []),
    '',
    '## Redactions',
    '',
    ...table(['kind', 'placeholders'], sorted(card.redactions)),
    '',
  ].join('\n');
}
