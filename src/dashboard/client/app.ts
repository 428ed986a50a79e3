/// <reference lib="dom" />
import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { forgetApiKey, onUnauthenticated, storeApiKey, storedApiKey } from './api-key.ts';
import {
  closeLiveClient,
  describeFailure,
  fetchConstitutionIds,
  fetchStatistics,
  fetchVerdict,
  fetchVerdicts,
  isUnauthenticated,
  liveClient,
  subscribeVerdicts,
} from './graphql.ts';
import { KeyBar, KeyStatus } from './key-bar.ts';
import { RANGES, Summary, type RangeKey } from './summary.ts';
import type { Filters, StatisticsView, VerdictDetail, VerdictSummary } from './types.ts';
import { FilterBar, VerdictList } from './verdict-list.ts';
import { VerdictView } from './verdict-view.ts';

const PAGE_SIZE = 50;
/** Rows kept in the live list; older rows drop off the end. */
const MAX_ROWS = 200;
/** How long a row that arrived live stays highlighted, in milliseconds. */
const FRESH_MS = 4000;

const NO_FILTERS: Filters = { decision: '', constitution: '', tool: '', reviewed: '' };

/** Applies the filters the subscription lacks (it filters only by decision and constitution). */
function matchesLocally(verdict: VerdictSummary, filters: Filters): boolean {
  if (filters.tool && verdict.request.action.tool !== filters.tool) return false;
  if (filters.reviewed === 'reviewed' && !verdict.review) return false;
  return true;
}

function selectedFromHash(): string | null {
  const id = location.hash.slice(1);
  return id.startsWith('vrd_') ? id : null;
}

function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

export function App() {
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [verdicts, setVerdicts] = useState<VerdictSummary[]>([]);
  const [fresh, setFresh] = useState<ReadonlySet<string>>(new Set());
  const [selectedId, setSelectedId] = useState<string | null>(selectedFromHash());
  const [detail, setDetail] = useState<VerdictDetail | null>(null);
  const [connected, setConnected] = useState(false);
  const [constitutions, setConstitutions] = useState<string[]>([]);
  const [range, setRange] = useState<RangeKey>('24h');
  const [stats, setStats] = useState<StatisticsView | null>(null);
  const [statsRevision, setStatsRevision] = useState(0);
  const [loadError, setLoadError] = useState<string | null>(null);
  // Why the service rejected the key (or its absence); the key bar shows it while it is set.
  const [keyProblem, setKeyProblem] = useState<string | null>(null);
  const [editingKey, setEditingKey] = useState(false);
  // Bumped when the key changes, so every query and the websocket run again with the new key.
  const [keyRevision, setKeyRevision] = useState(0);
  const now = useNow(5000);
  // A new key revision gets a new client: changeKey closed the old one, which sent the old key.
  const client = useMemo(() => liveClient(setConnected), [keyRevision]);
  const statsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /** Shows a failed request in the banner; a rejected key already opened the key bar instead. */
  const showFailure = useCallback((error: Error) => {
    if (!isUnauthenticated(error)) setLoadError(describeFailure(error));
  }, []);

  useEffect(() => onUnauthenticated(setKeyProblem), []);

  const changeKey = useCallback((key: string | null) => {
    if (key === null) forgetApiKey();
    else storeApiKey(key);
    closeLiveClient();
    setConnected(false);
    setKeyProblem(null);
    setLoadError(null);
    setEditingKey(false);
    setKeyRevision((revision) => revision + 1);
  }, []);

  useEffect(() => {
    fetchConstitutionIds().then(setConstitutions, showFailure);
  }, [keyRevision]);

  useEffect(() => {
    const onHash = () => setSelectedId(selectedFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // The list: one page from the query, then every committed verdict from the subscription.
  useEffect(() => {
    let active = true;
    fetchVerdicts(filters, PAGE_SIZE).then((page) => active && setVerdicts(page), showFailure);
    const onVerdict = (verdict: VerdictSummary) => {
      if (!matchesLocally(verdict, filters)) return;
      setVerdicts((current) => [verdict, ...current.filter((row) => row.id !== verdict.id)].slice(0, MAX_ROWS));
      setFresh((current) => new Set(current).add(verdict.id));
      setTimeout(() => setFresh((current) => new Set([...current].filter((id) => id !== verdict.id))), FRESH_MS);
      // Several verdicts in a burst refresh the statistics once.
      clearTimeout(statsTimer.current);
      statsTimer.current = setTimeout(() => setStatsRevision((revision) => revision + 1), 750);
    };
    const unsubscribe = subscribeVerdicts(client, filters, onVerdict, showFailure);
    return () => {
      active = false;
      unsubscribe();
    };
  }, [filters, client]);

  useEffect(() => {
    const since = new Date(Date.now() - RANGES[range].milliseconds).toISOString();
    fetchStatistics(filters, since, RANGES[range].bucket).then(setStats, showFailure);
  }, [filters, range, statsRevision, keyRevision]);

  useEffect(() => {
    if (!selectedId) {
      setDetail(null);
      return;
    }
    let active = true;
    fetchVerdict(selectedId).then((verdict) => active && setDetail(verdict), showFailure);
    return () => {
      active = false;
    };
  }, [selectedId, keyRevision]);

  const select = useCallback((id: string) => {
    history.replaceState(null, '', `#${id}`);
    setSelectedId(id);
  }, []);

  const onReviewed = useCallback((verdict: VerdictDetail) => {
    setDetail(verdict);
    setVerdicts((current) => current.map((row) => (row.id === verdict.id ? { ...row, review: verdict.review } : row)));
  }, []);

  const hasKey = storedApiKey() !== null;
  const showKeyBar = keyProblem !== null || editingKey;
  // The service acknowledges a websocket without a valid key, but streams nothing on it.
  const live = connected && keyProblem === null;
  let liveLabel = 'Connecting…';
  if (live) liveLabel = 'Live';
  else if (keyProblem !== null) liveLabel = 'No access';
  return html`
    <header class="topbar">
      <div class="brand">
        <svg viewBox="0 0 32 32" aria-hidden="true"><path d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z" /></svg>
        <span>Deliberation Guard</span>
      </div>
      <div class="topbar-right">
        ${hasKey && !showKeyBar ? html`<${KeyStatus} onChange=${() => setEditingKey(true)} onForget=${() => changeKey(null)} />` : ''}
        <span class=${live ? 'live on' : 'live'} data-testid="live-status">${liveLabel}</span>
        <a href="/graphiql" target="_blank" rel="noopener">GraphiQL</a>
      </div>
    </header>
    ${showKeyBar
      ? html`<${KeyBar} problem=${keyProblem} hasKey=${hasKey} onSave=${changeKey} onForget=${() => changeKey(null)} onCancel=${() => setEditingKey(false)} />`
      : ''}
    ${loadError ? html`<p class="error banner" role="alert">${loadError}</p>` : ''}
    <main class="layout">
      <div class="column">
        <${Summary} stats=${stats} range=${range} onRange=${setRange} />
        <section class="card list-card">
          <header class="card-header"><h2>Verdicts</h2><span class="muted">${verdicts.length} shown · newest first</span></header>
          <${FilterBar} filters=${filters} constitutions=${constitutions} onChange=${setFilters} />
          <${VerdictList} verdicts=${verdicts} fresh=${fresh} selectedId=${selectedId} now=${now} onSelect=${select} />
        </section>
      </div>
      <div class="column detail-column">
        <section class="card detail-card">
          ${detail
            ? html`<${VerdictView} verdict=${detail} onReviewed=${onReviewed} onSelect=${select} />`
            : html`<div class="placeholder"><h2>Pick a verdict</h2><p class="muted">Its factor scores, heuristics, trace and the original action appear here, with buttons to review it.</p></div>`}
        </section>
      </div>
    </main>
  `;
}
