/// <reference lib="dom" />
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';
import type { Decision } from './types.ts';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip, Legend);
Chart.defaults.font.family = getComputedStyle(document.documentElement).getPropertyValue('--font').trim() || 'system-ui';
Chart.defaults.color = '#5b6478';

export const DECISION_COLORS: Record<Decision, string> = { allow: '#16a34a', deny: '#dc2626', escalate: '#d97706' };

/** Colour of a factor score: green for little concern through amber to red. */
export function scoreColor(score: number): string {
  if (score >= 0.7) return '#dc2626';
  if (score >= 0.4) return '#d97706';
  return '#16a34a';
}

/** Keeps one Chart.js chart on a canvas in step with `config`, and destroys it on unmount. */
export function useChart(config: ChartConfiguration<'bar'>) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const chart = useRef<Chart<'bar'> | null>(null);
  useEffect(() => {
    if (!canvas.current) return;
    if (chart.current) {
      chart.current.data = config.data;
      chart.current.update('none');
      return;
    }
    chart.current = new Chart(canvas.current, config);
  }, [config]);
  useEffect(() => () => chart.current?.destroy(), []);
  return canvas;
}
