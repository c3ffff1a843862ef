import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { contentSecurityPolicy } from '../../shared-node/contentSecurityPolicy';
import { pagePolicy } from './http';

/** The page paths: the managers' dashboard (token asked for in the page), the hall screen, and the 差评 work queue (sign-in in the page). */
export const DASHBOARD_PAGES = ['/dashboard', '/display', '/work'] as const;

/**
 * Serves the dashboard web app (dashboard.html and its assets from the renderer build) from the
 * intake itself: the pages then call the dashboard API on their own origin, with no CORS and no
 * token crossing origins. The page is public; the data routes check tokens.
 */
export async function registerDashboardPages(app: FastifyInstance, appDir: string): Promise<void> {
  const root = path.resolve(appDir);
  // The renderer's policy (frame-ancestors 'none' among it), sent by helmet with the other headers.
  const policy = pagePolicy(contentSecurityPolicy(undefined));
  // Assets get the intake's default headers (nosniff; a CSP does not apply to scripts and styles).
  await app.register(fastifyStatic, { root: path.join(root, 'assets'), prefix: '/assets/', index: false });
  for (const page of DASHBOARD_PAGES) {
    app.get(page, policy, (_request, reply) => reply.type('text/html').header('cache-control', 'no-cache').sendFile('dashboard.html', root));
  }
}

/**
 * Serves the evaluator itself (index.html, its service worker, manifest, icons, voice clips) from
 * the renderer build at `/`, for host-less tablets: a tablet needs only the intake's address
 * (`https://intake…/`), loads its bundle on the setup screen, and then talks to its own origin
 * (no CORS). The page gets the renderer's policy, allowing nothing but this origin.
 */
export async function registerEvaluatorPages(app: FastifyInstance, appDir: string): Promise<void> {
  const root = path.resolve(appDir);
  const policy = contentSecurityPolicy(undefined);
  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    decorateReply: false,
    index: 'index.html',
    // The page and the service worker are looked at on every start: an update is found at once.
    setHeaders: (reply, file) => {
      reply.header('Content-Security-Policy', policy);
      if (/(?:index\.html|sw\.js|version\.json)$/.test(file)) reply.header('Cache-Control', 'no-cache');
    },
  });
}
