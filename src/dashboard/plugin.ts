import { readFileSync } from 'node:fs';
import type { FastifyPluginAsync } from 'fastify';
import { bundleDashboard, type DashboardBundle } from './bundle.ts';

const PAGE = readFileSync(new URL('./page.html', import.meta.url), 'utf8');

/** Bundled once per process and shared by every app instance. */
let bundle: Promise<DashboardBundle> | undefined;

function loadBundle(): Promise<DashboardBundle> {
  bundle ??= bundleDashboard().catch((error: unknown) => {
    bundle = undefined;
    throw error;
  });
  return bundle;
}

/** Serves the live dashboard at /dashboard; it reads everything through /graphql. */
export const dashboardRoutes: FastifyPluginAsync = async (app) => {
  // The dashboard is a page, not part of the REST contract in openapi.yaml. The page and its
  // bundle contain no data, and a browser cannot send a key when it loads them, so they need
  // none. The page requests a key from the user and sends it with every GraphQL request.
  const hidden = { schema: { hide: true }, config: { public: true } };

  // A listening service bundles right away, so the first page load does not wait for esbuild.
  // Apps that only serve injected requests (most tests) bundle on the first request, if ever.
  app.addHook('onListen', async () => {
    loadBundle().catch((error: unknown) => app.log.error({ err: error }, 'bundling the dashboard failed'));
  });

  app.get('/dashboard', hidden, async (_request, reply) => reply.type('text/html; charset=utf-8').send(PAGE));
  app.get('/dashboard/app.js', hidden, async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'no-cache').send((await loadBundle()).script),
  );
  app.get('/dashboard/app.css', hidden, async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').send((await loadBundle()).styles),
  );
};
