/// <reference lib="dom" />
import { html } from 'htm/preact';
import { useState } from 'preact/hooks';

interface KeyBarProps {
  /** The service's message for the rejected or missing key. */
  readonly problem: string | null;
  readonly hasKey: boolean;
  readonly onSave: (key: string) => void;
  readonly onForget: () => void;
  readonly onCancel: () => void;
}

/**
 * Renders the form that requests an API key. The page shows it when the service returns
 * GUARD_ERR_UNAUTHENTICATED, or when the user changes the key.
 */
export function KeyBar({ problem, hasKey, onSave, onForget, onCancel }: KeyBarProps) {
  const [key, setKey] = useState('');

  const submit = (event: Event) => {
    event.preventDefault();
    if (key.trim()) onSave(key.trim());
  };

  return html`
    <form class="key-bar" data-testid="key-bar" onSubmit=${submit}>
      <div class="key-bar-text">
        <b>${problem ? 'This service needs an API key' : 'Change the API key'}</b>
        ${problem ? html`<span class="error" data-testid="key-problem">${problem}</span>` : ''}
        <span class="muted">
          The dashboard needs the <code>read</code> scope, and <code>review</code> to save reviews. It keeps the key in
          this tab's session storage only. Create one with <code>deliberation-guard keys create --name NAME --scope read --scope review</code>.
        </span>
      </div>
      <div class="key-bar-form">
        <input
          type="password"
          name="api-key"
          aria-label="API key"
          placeholder="dg_…"
          autocomplete="off"
          spellcheck=${false}
          value=${key}
          onInput=${(event: Event) => setKey((event.target as HTMLInputElement).value)}
        />
        <button class="button primary" type="submit" disabled=${!key.trim()}>Use key</button>
        ${hasKey ? html`<button class="button outline" type="button" onClick=${onForget}>Forget key</button>` : ''}
        ${problem ? '' : html`<button class="button outline" type="button" onClick=${onCancel}>Cancel</button>`}
      </div>
    </form>
  `;
}

/** Renders the top bar's note that a key is in use, with buttons to change or forget it. */
export function KeyStatus({ onChange, onForget }: { onChange: () => void; onForget: () => void }) {
  return html`
    <span class="key-status" data-testid="key-status">
      API key set
      <button type="button" class="link" onClick=${onChange}>Change</button>
      <button type="button" class="link" onClick=${onForget}>Forget</button>
    </span>
  `;
}
