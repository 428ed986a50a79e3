/// <reference lib="dom" />
import { html } from 'htm/preact';
import { actionSummary, percent, timeAgo } from './format.ts';
import { DECISIONS, type Filters, type VerdictSummary } from './types.ts';

export function DecisionBadge({ decision }: { decision: string }) {
  return html`<span class=${`badge badge-${decision}`}>${decision}</span>`;
}

export function FilterBar({ filters, constitutions, onChange }: { filters: Filters; constitutions: string[]; onChange: (filters: Filters) => void }) {
  const set = (change: Partial<Filters>) => onChange({ ...filters, ...change });
  return html`
    <form class="filters" onSubmit=${(event: Event) => event.preventDefault()}>
      <label>Decision
        <select name="decision" value=${filters.decision} onChange=${(event: Event) => set({ decision: (event.target as HTMLSelectElement).value as Filters['decision'] })}>
          <option value="">Any</option>
          ${DECISIONS.map((decision) => html`<option value=${decision}>${decision}</option>`)}
        </select>
      </label>
      <label>Constitution
        <select name="constitution" value=${filters.constitution} onChange=${(event: Event) => set({ constitution: (event.target as HTMLSelectElement).value })}>
          <option value="">Any</option>
          ${constitutions.map((id) => html`<option value=${id}>${id}</option>`)}
        </select>
      </label>
      <label>Review
        <select name="reviewed" value=${filters.reviewed} onChange=${(event: Event) => set({ reviewed: (event.target as HTMLSelectElement).value as Filters['reviewed'] })}>
          <option value="">Any</option>
          <option value="unreviewed">Not reviewed</option>
          <option value="reviewed">Reviewed</option>
        </select>
      </label>
      <label>Tool
        <input name="tool" placeholder="e.g. Bash" value=${filters.tool} onChange=${(event: Event) => set({ tool: (event.target as HTMLInputElement).value.trim() })} />
      </label>
    </form>
  `;
}

function RiskMeter({ risk }: { risk: number }) {
  let level = 'low';
  if (risk >= 0.7) level = 'high';
  else if (risk >= 0.4) level = 'medium';
  return html`<span class="risk" title=${`risk ${risk.toFixed(2)}`}>
    <span class=${`risk-bar risk-${level}`} style=${{ width: percent(risk) }}></span>
    <span class="risk-value">${risk.toFixed(2)}</span>
  </span>`;
}

interface ListProps {
  readonly verdicts: VerdictSummary[];
  readonly fresh: ReadonlySet<string>;
  readonly selectedId: string | null;
  readonly now: number;
  readonly onSelect: (id: string) => void;
}

/** Newest first; rows that arrived over the subscription are highlighted for a moment. */
export function VerdictList({ verdicts, fresh, selectedId, now, onSelect }: ListProps) {
  if (verdicts.length === 0) {
    return html`<p class="empty">No verdicts match these filters yet. New ones appear here as soon as they are committed.</p>`;
  }
  return html`
    <ol class="verdict-list" data-testid="verdict-list">
      ${verdicts.map(
        (verdict) => html`
          <li key=${verdict.id}>
            <button
              class=${['verdict-row', fresh.has(verdict.id) ? 'fresh' : '', verdict.id === selectedId ? 'selected' : ''].join(' ')}
              data-verdict-id=${verdict.id}
              onClick=${() => onSelect(verdict.id)}
            >
              <${DecisionBadge} decision=${verdict.decision} />
              <span class="row-main">
                <span class="row-action"><b>${verdict.request.action.tool}</b> <code>${actionSummary(verdict)}</code></span>
                <span class="row-meta">${verdict.constitution.id} · ${verdict.engine.decided_by} · ${timeAgo(verdict.created_at, now)}
                  ${verdict.review ? html` · <span class="reviewed">reviewed: ${verdict.review.outcome === 'agree' ? 'agree' : `→ ${verdict.review.corrected_decision}`}</span>` : ''}</span>
              </span>
              <${RiskMeter} risk=${verdict.risk} />
            </button>
          </li>
        `,
      )}
    </ol>
  `;
}
