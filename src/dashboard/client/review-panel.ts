/// <reference lib="dom" />
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';
import { timeAgo } from './format.ts';
import { describeFailure, reviewVerdict } from './graphql.ts';
import { DECISIONS, type Decision, type ReviewDraft, type VerdictDetail } from './types.ts';

const REVIEWER_KEY = 'deliberation-guard.reviewer';

/** Agree, or correct the decision, with an optional note; calls the review_verdict mutation. */
export function ReviewPanel({ verdict, onReviewed }: { verdict: VerdictDetail; onReviewed: (verdict: VerdictDetail) => void }) {
  const [reviewer, setReviewer] = useState(() => localStorage.getItem(REVIEWER_KEY) ?? '');
  const [note, setNote] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (draft: Omit<ReviewDraft, 'reviewer_id' | 'note'>) => {
    if (!reviewer.trim()) {
      setError('Enter your reviewer id first: it is stored with the review.');
      return;
    }
    setPending(true);
    setError(null);
    try {
      localStorage.setItem(REVIEWER_KEY, reviewer.trim());
      const updated = await reviewVerdict(verdict.id, { ...draft, reviewer_id: reviewer.trim(), ...(note.trim() ? { note: note.trim() } : {}) });
      setNote('');
      onReviewed(updated);
    } catch (failure) {
      setError(describeFailure(failure as Error));
    } finally {
      setPending(false);
    }
  };

  const others = DECISIONS.filter((decision) => decision !== verdict.decision);
  const review = verdict.review;
  return html`
    <section class="review">
      <h3>Human review</h3>
      ${review
        ? html`<p class="review-current" data-testid="review-status">
            <b>${review.outcome === 'agree' ? 'Agreed' : `Corrected to ${review.corrected_decision}`}</b>${` by ${review.reviewer_id}`}${review.reviewed_at ? `, ${timeAgo(review.reviewed_at)}` : ''}
            ${review.note ? html`<q>${review.note}</q>` : ''}
          </p>`
        : html`<p class="muted" data-testid="review-status">Not reviewed yet. Reviewed verdicts become curated training data.</p>`}
      <div class="review-form">
        <input name="reviewer" placeholder="Reviewer id" value=${reviewer} onInput=${(event: Event) => setReviewer((event.target as HTMLInputElement).value)} />
        <input name="note" placeholder="Note (optional)" value=${note} onInput=${(event: Event) => setNote((event.target as HTMLInputElement).value)} />
      </div>
      <div class="review-actions">
        <button class="button primary" disabled=${pending} onClick=${() => submit({ outcome: 'agree' })}>Agree with ${verdict.decision}</button>
        ${others.map(
          (decision: Decision) =>
            html`<button class=${`button outline outline-${decision}`} disabled=${pending} onClick=${() => submit({ outcome: 'correct', corrected_decision: decision })}>
              Should be ${decision}
            </button>`,
        )}
      </div>
      ${error ? html`<p class="error" role="alert">${error}</p>` : ''}
    </section>
  `;
}
