/// <reference lib="dom" />
import { html, render } from 'htm/preact';
import { App } from './app.ts';

const root = document.getElementById('app');
if (root) {
  root.textContent = '';
  render(html`<${App} />`, root);
}
