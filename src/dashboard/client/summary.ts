/// <reference lib="dom" />
import type { ChartConfiguration } from 'chart.js';
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { DECISION_COLORS, useChart } from './charts.ts';
import { humanize, percent } from './format.ts';
import { DECISIONS, type StatisticsView } from './types.ts';

/** Time ranges of the summary, with the bucket width that gives a readable number of bars. */
export const RANGES = {
  '1h': { label: 'Last hour', milliseconds: 3_600_000, bucket: 'minute' },
  '24h': { label: 'Last 24 hours', milliseconds: 86_400_000, bucket: 'hour' },
  '30d': { label: 'Last 30 days', milliseconds: 30 * 86_400_000, bucket: 'day' },
} as const;
export type RangeKey = keyof typeof RANGES;

function bucketLabel(start: string, range: RangeKey): string {
  const date = new Date(start);
  if (range === '30d') return date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
}

const BUCKET_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;

/** Lists every bucket of the range, oldest first, with zero counts where the statistics have none. */
function fillBuckets(stats: StatisticsView, range: RangeKey, now: number): StatisticsView['timeline'] {
  const width = BUCKET_MS[RANGES[range].bucket];
  const counts = new Map(stats.timeline.map((bucket) => [Date.parse(bucket.start), bucket.decisions]));
  const last = Math.floor(now / width) * width;
  const buckets: StatisticsView['timeline'] = [];
  for (let start = last - RANGES[range].milliseconds + width; start <= last; start += width) {
    buckets.push({ start: new Date(start).toISOString(), decisions: counts.get(start) ?? { allow: 0, deny: 0, escalate: 0 } });
  }
  return buckets;
}

function TimelineChart({ stats, range }: { stats: StatisticsView; range: RangeKey }) {
  const config = useMemo<ChartConfiguration<'bar'>>(() => {
    const timeline = fillBuckets(stats, range, Date.now());
    return {
      type: 'bar',
      data: {
        labels: timeline.map((bucket) => bucketLabel(bucket.start, range)),
        datasets: DECISIONS.map((decision) => ({
          label: humanize(decision),
          data: timeline.map((bucket) => bucket.decisions[decision]),
          backgroundColor: DECISION_COLORS[decision],
          borderRadius: 3,
          maxBarThickness: 28,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { position: 'bottom', labels: { boxWidth: 10, boxHeight: 10 } } },
        scales: {
          x: { stacked: true, grid: { display: false }, ticks: { maxTicksLimit: 12, maxRotation: 0 } },
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
        },
      },
    };
  }, [stats, range]);
  const canvas = useChart(config);
  return html`<div class="chart timeline-chart"><canvas ref=${canvas} aria-label="Decisions over time"></canvas></div>`;
}

/** Counts of the selected range, the share of each deciding tier, and decisions over time. */
export function Summary({ stats, range, onRange }: { stats: StatisticsView | null; range: RangeKey; onRange: (range: RangeKey) => void }) {
  return html`
    <section class="summary card">
      <header class="card-header">
        <h2>Decisions</h2>
        <div class="segmented" role="group" aria-label="Time range">
          ${(Object.keys(RANGES) as RangeKey[]).map(
            (key) => html`<button class=${key === range ? 'active' : ''} onClick=${() => onRange(key)}>${RANGES[key].label}</button>`,
          )}
        </div>
      </header>
      ${stats
        ? html`
            <div class="kpis">
              <div class="kpi"><span class="kpi-value" data-testid="total">${stats.total}</span><span class="kpi-label">verdicts</span></div>
              ${stats.by_decision.map(
                (row) => html`<div class=${`kpi kpi-${row.key}`}>
                  <span class="kpi-value">${row.count}</span><span class="kpi-label">${row.key}, ${percent(row.share)}</span>
                </div>`,
              )}
              <div class="kpi kpi-tiers">
                <span class="kpi-label">decided by</span>
                ${stats.by_tier.length === 0
                  ? html`<span class="muted">nothing yet</span>`
                  : stats.by_tier.map((tier) => html`<span class="tier"><b>${percent(tier.share)}</b> ${tier.key}</span>`)}
              </div>
            </div>
            ${stats.timeline.length === 0
              ? html`<p class="empty">No verdicts in this range yet. Send a request to <code>POST /v1/deliberations</code> and watch it arrive.</p>`
              : html`<${TimelineChart} stats=${stats} range=${range} />`}
          `
        : html`<p class="muted">Loading statistics…</p>`}
    </section>
  `;
}
