import type { VerdictSummary } from './types.ts';

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** "12 s ago", "5 min ago", or the local date and time for anything older than a day. */
export function timeAgo(iso: string, now: number = Date.now()): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)} h ago`;
  return new Date(iso).toLocaleString();
}

/** Returns one line naming what the agent requested to run: the command, path or first string of the tool input. */
export function actionSummary(verdict: { request: { action: VerdictSummary['request']['action'] } }): string {
  const { input, description } = verdict.request.action;
  if (typeof input === 'string') return input;
  if (input && typeof input === 'object') {
    const record = input as Record<string, unknown>;
    for (const key of ['command', 'file_path', 'path', 'url', 'query', 'to']) {
      const value = record[key];
      if (typeof value === 'string') return value;
    }
    const first = Object.values(record).find((value) => typeof value === 'string');
    if (typeof first === 'string') return first;
  }
  return description ?? JSON.stringify(input);
}

/** Turns ids such as `thousand_users` into `Thousand users`. */
export function humanize(id: string): string {
  const words = id.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
