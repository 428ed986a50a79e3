/**
 * Copies the files that the compiled build reads at run time next to its JavaScript: the
 * dashboard's page and its client sources, which the dashboard bundles with esbuild when the
 * service starts. `npm run build` runs this after tsc.
 */
import { cpSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
cpSync(join(root, 'src/dashboard/page.html'), join(root, 'dist/dashboard/page.html'));
cpSync(join(root, 'src/dashboard/client'), join(root, 'dist/dashboard/client'), { recursive: true });
