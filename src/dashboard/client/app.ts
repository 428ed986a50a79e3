/// <reference lib="dom" />
import { html } from 'htm/preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { fetchConstitutionIds, fetchStatistics, fetchVerdict, fetchVerdicts, liveClient, subscribeVerdicts } from './graphql.ts';
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
  const now = useNow(5000);
  const client = useMemo(() => liveClient(setConnected), []);
  const statsTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  useEffect(() => {
    fetchConstitutionIds().then(setConstitutions, (error: Error) => setLoadError(error.message));
    const onHash = () => setSelectedId(selectedFromHash());
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  // The list: one page from the query, then every committed verdict from the subscription.
  useEffect(() => {
    let active = true;
    fetchVerdicts(filters, PAGE_SIZE).then(
      (page) => active && setVerdicts(page),
      (error: Error) => setLoadError(error.message),
    );
    const unsubscribe = subscribeVerdicts(client, filters, (verdict) => {
      if (!matchesLocally(verdict, filters)) return;
      setVerdicts((current) => [verdict, ...current.filter((row) => row.id !== verdict.id)].slice(0, MAX_ROWS));
      setFresh((current) => new Set(current).add(verdict.id));
      setTimeout(() => setFresh((current) => new Set([...current].filter((id) => id !== verdict.id))), FRESH_MS);
      // Several verdicts in a burst refresh the statistics once.
      clearTimeout(statsTimer.current);
      statsTimer.current = setTimeout(() => setStatsRevision((revision) => revision + 1), 750);
    });
    return () => {
      active = false;
      unsubscribe();
    };
  }, [filters, client]);

  useEffect(() => {
    const since = new Date(Date.now() - RANGES[range].milliseconds).toISOString();
    fetchStatistics(filters, since, RANGES[range].bucket).then(setStats, (error: Error) => setLoadError(error.message));
  }, [filters, range, statsRevision]);

  useEffect(() => {
    if (!selectedId) {
      setDetail(null);
      return;
    }
    let active = true;
    fetchVerdict(selectedId).then((verdict) => active && setDetail(verdict), (error: Error) => setLoadError(error.message));
    return () => {
      active = false;
    };
  }, [selectedId]);

  const select = useCallback((id: string) => {
    history.replaceState(null, '', `#${id}`);
    setSelectedId(id);
  }, []);

  const onReviewed = useCallback((verdict: VerdictDetail) => {
    setDetail(verdict);
    setVerdicts((current) => current.map((row) => (row.id === verdict.id ? { ...row, review: verdict.review } : row)));
  }, []);

  return html`
    <header class="topbar">
      <div class="brand">
        <svg viewBox="0 0 32 32" aria-hidden="true"><path d="M16 2 4 7v8c0 7.5 5.1 13.4 12 15 6.9-1.6 12-7.5 12-15V7z" /></svg>
        <span>Deliberation Guard</span>
      </div>
      <div class="topbar-right">
        <span class=${connected ? 'live on' : 'live'} data-testid="live-status">${connected ? 'Live' : 'Connecting…'}</span>
        <a href="/graphiql" target="_blank" rel="noopener">GraphiQL</a>
      </div>
    </header>
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
