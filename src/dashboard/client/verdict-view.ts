/// <reference lib="dom" />
import type { ChartConfiguration } from 'chart.js';
import { html } from 'htm/preact';
import { useMemo } from 'preact/hooks';
import { scoreColor, useChart } from './charts.ts';
import { actionSummary, humanize, percent, timeAgo } from './format.ts';
import { ReviewPanel } from './review-panel.ts';
import type { VerdictDetail } from './types.ts';
import { DecisionBadge } from './verdict-list.ts';

function FactorChart({ factors }: { factors: VerdictDetail['factors'] }) {
  const config = useMemo<ChartConfiguration<'bar'>>(
    () => ({
      type: 'bar',
      data: {
        labels: factors.map((factor) => humanize(factor.id)),
        datasets: [
          {
            label: 'Concern',
            data: factors.map((factor) => factor.score),
            backgroundColor: factors.map((factor) => scoreColor(factor.score)),
            borderRadius: 4,
            barThickness: 14,
          },
        ],
      },
      options: {
        indexAxis: 'y',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { display: false } },
        scales: { x: { min: 0, max: 1, ticks: { stepSize: 0.2 } }, y: { grid: { display: false } } },
      },
    }),
    [factors],
  );
  const canvas = useChart(config);
  return html`<div class="chart factor-chart"><canvas ref=${canvas} aria-label="Factor scores"></canvas></div>`;
}

/** Time, constitution and engine of a verdict as one line, after its id. */
function metaLine(verdict: VerdictDetail): string {
  const { engine, constitution } = verdict;
  const parts = [
    new Date(verdict.created_at).toLocaleString(),
    `constitution ${constitution.id} ${constitution.version ?? ''}`.trim(),
    `decided by ${engine.decided_by}${engine.model ? ` (${engine.model})` : ''}${engine.latency_ms !== undefined ? ` in ${engine.latency_ms.toFixed(1)} ms` : ''}`,
  ];
  return ` · ${parts.join(' · ')}`;
}

function Section({ title, children }: { title: string; children: unknown }) {
  return html`<section class="detail-section"><h3>${title}</h3>${children}</section>`;
}

/** Lists the other verdicts of the agent session the request named, newest first. */
function SessionVerdicts({ verdict, onSelect }: { verdict: VerdictDetail; onSelect: (id: string) => void }) {
  const others = verdict.session?.verdicts.filter((other) => other.id !== verdict.id) ?? [];
  if (!verdict.session || others.length === 0) return '';
  return html`<${Section} title=${`Same agent session (${verdict.session.id})`}>
    <ul class="session-verdicts">
      ${others.map(
        (other) => html`<li><button class="link-row" onClick=${() => onSelect(other.id)}>
          <${DecisionBadge} decision=${other.decision} />
          <span><b>${other.request.action.tool}</b> <code>${actionSummary(other)}</code></span>
          <span class="muted">${timeAgo(other.created_at)}</span>
        </button></li>`,
      )}
    </ul>
  <//>`;
}

interface VerdictViewProps {
  readonly verdict: VerdictDetail;
  readonly onReviewed: (verdict: VerdictDetail) => void;
  readonly onSelect: (id: string) => void;
}

/** Everything about one verdict: decision, factor chart, heuristics, trace, the original action and the review. */
export function VerdictView({ verdict, onReviewed, onSelect }: VerdictViewProps) {
  const { action, context } = verdict.request;
  const hits = verdict.constraints.filter((constraint) => constraint.hit);
  return html`
    <article class="verdict-view" data-testid="verdict-view" data-verdict-id=${verdict.id}>
      <header class="verdict-header">
        <div>
          <${DecisionBadge} decision=${verdict.decision} />
          <div class="verdict-title">
            <h2>${action.tool}</h2>
            <code>${actionSummary(verdict)}</code>
          </div>
        </div>
        <dl class="verdict-numbers">
          <div><dt>Risk</dt><dd>${verdict.risk.toFixed(2)}</dd></div>
          <div><dt>Confidence</dt><dd>${percent(verdict.confidence)}</dd></div>
          <div><dt>Benefit</dt><dd>${verdict.benefits.score.toFixed(2)}</dd></div>
        </dl>
      </header>
      <p class="verdict-meta">
        <code>${verdict.id}</code>${metaLine(verdict)}
      </p>
      ${verdict.engine.fail_mode ? html`<p class="warning">Fail mode ${verdict.engine.fail_mode.mode} decided: ${verdict.engine.fail_mode.detail}</p>` : ''}
      ${hits.length > 0 ? html`<p class="warning">${hits.map((hit) => html`<span>${humanize(hit.kind)}: <b>${hit.id}</b>${hit.note ? ` (${hit.note})` : ''} </span>`)}</p>` : ''}

      <${ReviewPanel} verdict=${verdict} onReviewed=${onReviewed} />

      <${Section} title="Original action">
        <p class="user-request"><span class="label">User asked</span> ${context.user_request || html`<span class="muted">(no user request given)</span>`}</p>
        ${action.description ? html`<p><span class="label">Agent says</span> ${action.description}</p>` : ''}
        <pre class="json">${JSON.stringify(action.input, null, 2)}</pre>
        ${context.history && context.history.length > 0
          ? html`<details><summary>History (${context.history.length} turns)</summary>
              <ol class="history">${context.history.map((turn) => html`<li><span class=${`role role-${turn.role}`}>${turn.role}${turn.name ? ` · ${turn.name}` : ''}</span> ${turn.content}</li>`)}</ol>
            </details>`
          : ''}
      <//>

      <${Section} title="Factors">
        <${FactorChart} factors=${verdict.factors} />
        <ul class="factor-notes">
          ${verdict.factors.map(
            (factor) => html`<li><b>${humanize(factor.id)}</b> <span class="score" style=${{ color: scoreColor(factor.score) }}>${factor.score.toFixed(2)}</span> ${factor.rationale}</li>`,
          )}
        </ul>
      <//>

      <${Section} title="Heuristics">
        <ul class="heuristics">
          ${verdict.heuristics.map(
            (heuristic) => html`<li>
              <span class="heuristic-name">${humanize(heuristic.id)}</span>
              <span class="pill">${humanize(heuristic.outcome)}</span>
              ${heuristic.shift !== 0 ? html`<span class=${heuristic.shift > 0 ? 'shift up' : 'shift down'}>${heuristic.shift > 0 ? '+' : ''}${heuristic.shift.toFixed(2)}</span>` : ''}
              <p>${heuristic.note}</p>
            </li>`,
          )}
        </ul>
      <//>

      <${Section} title="Deliberation trace">
        <ol class="trace">
          ${verdict.trace.map((step) => html`<li><span class="step">${humanize(step.step)}</span><p>${step.text}</p></li>`)}
        </ol>
      <//>

      <${SessionVerdicts} verdict=${verdict} onSelect=${onSelect} />
    </article>
  `;
}
