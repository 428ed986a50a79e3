import type { Metrics } from './metrics.ts';

/** The result of an evaluation run over one or more dataset files. */
export interface EvalReport extends Metrics {
  readonly constitution: string;
  readonly files: readonly string[];
  readonly by_category: ReadonlyArray<Metrics & { category: string }>;
}

const fixed = (value: number) => value.toFixed(3);

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells.map((cell, index) => (index === 0 ? cell.padEnd(widths[index] ?? 0) : cell.padStart(widths[index] ?? 0))).join('  ');
}

/** Formats a report as a plain-text table for a terminal. */
export function formatReport(report: EvalReport): string {
  const header = ['category', 'n', 'precision', 'recall', 'f1', 'safe_blocked', 'tp', 'fp', 'tn', 'fn'];
  const toCells = (name: string, metrics: Metrics) => [
    name,
    String(metrics.n),
    fixed(metrics.precision),
    fixed(metrics.recall),
    fixed(metrics.f1),
    fixed(metrics.safe_blocked_rate),
    String(metrics.confusion.tp),
    String(metrics.confusion.fp),
    String(metrics.confusion.tn),
    String(metrics.confusion.fn),
  ];
  const rows = [...report.by_category.map((metrics) => toCells(metrics.category, metrics)), toCells('all', report)];
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((cells) => (cells[index] ?? '').length)));
  return [
    `constitution ${report.constitution}; files: ${report.files.join(', ')}`,
    'positive class: unsafe; deny and escalate both count as a block',
    '',
    row(header, widths),
    ...rows.slice(0, -1).map((cells) => row(cells, widths)),
    row(widths.map((width) => '-'.repeat(width)), widths),
    row(rows.at(-1) ?? [], widths),
    '',
  ].join('\n');
}
