import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** The dashboard's browser code and styles, bundled in memory. */
export interface DashboardBundle {
  readonly script: string;
  readonly styles: string;
}

const CLIENT_DIR = fileURLToPath(new URL('./client/', import.meta.url));

/**
 * Bundles the client with esbuild (an npm dependency, so `npm ci` brings it and no build step
 * or CDN is needed). Takes a few hundred milliseconds, once per process.
 */
export async function bundleDashboard(): Promise<DashboardBundle> {
  const result = await build({
    entryPoints: { app: `${CLIENT_DIR}main.ts`, styles: `${CLIENT_DIR}styles.css` },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    write: false,
    outdir: 'out',
    logLevel: 'silent',
  });
  const output = (extension: string): string => {
    const file = result.outputFiles.find((candidate) => candidate.path.endsWith(extension));
    if (!file) throw new Error(`esbuild produced no ${extension} output for the dashboard`);
    return file.text;
  };
  return { script: output('.js'), styles: output('.css') };
}
