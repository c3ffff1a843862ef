import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { CaseLinkRequestSchema, PhoneRatingFormSchema, type PhoneRatingForm } from '../../contract/phoneRating';
import type { SealingKeys } from '../devices/sealingKeys';
import type { Followups } from '../followups/followups';
import type { WorkingDays } from '../followups/workingDays';
import { loadIntakeKeys } from '../phone/intakeKey';
import { renderRatingForm, renderRefusal, renderThanks, PHONE_CSS, PHONE_SCRIPT, type RefusalPage } from '../phone/phonePage';
import { createPhoneRatings, type PhoneRefusal } from '../phone/phoneRatings';
import { pickLanguage, type PhoneLanguage } from '../phone/phoneTexts';
import { fileOutboxSender } from '../phone/smsOutbox';
import { checkWindowFormToken, isBrowserId, newBrowserId, windowFormToken } from '../phone/windowForm';
import { sameSecret } from '../security/secrets';
import { DEFAULT_WINDOW_LIMITS, type WindowLimits } from '../phone/windowLimits';
import type { IntakeStore } from '../store/store';
import { signedByDevice, type Authenticate } from './deviceSignature';
import { pagePolicy, parseBody, sendError } from './http';

/** Hall settings of the phone rating channel (issue 24). */
export interface PhoneOptions {
  /** Working days a case-bound link stays valid, per hall code (default 5). */
  linkWorkingDays?: Record<string, number>;
  /** Window-QR limits (intake/phone/windowLimits.ts defaults). */
  windowLimits?: Partial<WindowLimits>;
  /** The reference SMS sender's outbox: one JSON line per message, owner-only. No text messages without it. */
  smsOutboxFile?: string;
  /** Requests per minute and address on the phone pages (default 60) and their posts (default 20). */
  pagesPerMinute?: number;
  postsPerMinute?: number;
}

/** The citizen pages allow their own style sheet and script, forms to themselves, and nothing else. */
const PHONE_PAGE_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'none'; connect-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

const BROWSER_COOKIE = 'hcp_b';
const FORM_MAX_BYTES = 8 * 1024;

const STATUS: Record<PhoneRefusal | 'rate-limited' | 'cross-site', number> = {
  forged: 404,
  expired: 410,
  used: 410,
  'other-case': 409,
  'already-rated': 409,
  'unknown-window': 404,
  invalid: 400,
  'rate-limited': 429,
  'cross-site': 403,
};

function cookieOf(request: FastifyRequest, name: string): string | undefined {
  for (const part of (request.headers.cookie ?? '').split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return value.join('=');
  }
  return undefined;
}

/** The form's fields as the schema reads them: repeated `tags` become a list. */
function formFields(body: unknown): Record<string, string | string[]> | null {
  if (typeof body !== 'string') return null;
  const fields: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    // Never typed by the page; PostgreSQL's text cannot store it (security/nulText.ts).
    if (key.includes('\0') || value.includes('\0')) return null;
    const known = fields[key];
    if (known === undefined) fields[key] = value;
    else if (key === 'tags') fields[key] = Array.isArray(known) ? [...known, value] : [known, value];
    else return null; // a repeated single field is not something the page sends
  }
  return fields;
}

/**
 * The citizen's phone: a device asks for a case-bound link (signed); the case page `/r/<token>`
 * and the window page `/w/<hall>/<window>` show the form and take its post. A post is accepted
 * only from the page itself: the token in the form is the capability, and a browser that says
 * the post comes from another site (Sec-Fetch-Site, Origin) is refused. Nothing is stored on a refusal.
 */
export async function registerPhoneRoutes(
  app: FastifyInstance,
  deps: { store: IntakeStore; authenticate: Authenticate; sealing: SealingKeys; workingDays: WorkingDays; followups: Followups; timeZone: string; publicUrl: () => string; now: () => number; options?: PhoneOptions },
): Promise<void> {
  const { store, authenticate, now } = deps;
  const options = deps.options ?? {};
  const keys = await loadIntakeKeys(store.phone, now);
  const phone = createPhoneRatings({
    store,
    keys,
    sealingPublicKey: deps.sealing.publicKey,
    workingDays: deps.workingDays,
    linkWorkingDays: options.linkWorkingDays ?? {},
    windowLimits: { ...DEFAULT_WINDOW_LIMITS, ...options.windowLimits },
    publicUrl: deps.publicUrl,
    timeZone: deps.timeZone,
    sms: options.smsOutboxFile ? fileOutboxSender(options.smsOutboxFile) : null,
    followups: deps.followups,
    now,
  });
  const pages = { config: { rateLimit: { max: options.pagesPerMinute ?? 60, timeWindow: 60_000 } } };
  const posts = { config: { rateLimit: { max: options.postsPerMinute ?? 20, timeWindow: 60_000 } } };

  app.post('/v1/devices/:deviceId/case-links', async (request, reply) => {
    const { deviceId } = request.params as { deviceId: string };
    const auth = await signedByDevice(authenticate, request, reply, deviceId);
    if (!auth) return reply;
    const body = parseBody(CaseLinkRequestSchema, request, reply, 'invalid_case_link_request', 'the case-link request');
    if (!body) return reply;
    const issued = await phone.issueLink(deviceId, auth.hallCode, body);
    if (!issued.ok) return sendError(reply, issued.status, issued.code, issued.message);
    return reply.code(201).send({ url: issued.url, expiresAt: issued.expiresAt, serverTimeMs: now() });
  });

  // The public key that verifies phone ratings (a province or an auditor checks them with it).
  app.get('/v1/keys/phone-ratings', async () => ({ keyId: keys.keyId, publicKey: keys.publicKey, algorithm: 'Ed25519' }));

  await app.register(async (scope) => {
    // Forms post url-encoded; parsed only on these routes, and small.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_MAX_BYTES }, (_request, body, done) => done(null, body));
    const page = (reply: FastifyReply, status: number, html: string) => reply.code(status).header('content-type', 'text/html; charset=utf-8').header('cache-control', 'no-store').send(html);
    const refuse = (reply: FastifyReply, language: PhoneLanguage, refusal: RefusalPage) => page(reply, STATUS[refusal], renderRefusal(language, refusal));
    const languageOf = (request: FastifyRequest, chosen?: string) => pickLanguage(chosen ?? (request.query as { lang?: string }).lang, request.headers['accept-language']);
    // The limits answer with a page too, in the citizen's language.
    scope.setErrorHandler((error: { statusCode?: number; message: string }, request, reply) => {
      const status = error.statusCode ?? 500;
      if (status === 429) return refuse(reply, languageOf(request), 'rate-limited');
      if (status >= 500) return page(reply, 500, renderRefusal(languageOf(request), 'invalid'));
      return refuse(reply, languageOf(request), 'invalid');
    });

    /** A post the browser says came from another site is refused before anything is read. */
    const crossSite = (request: FastifyRequest) => {
      const site = request.headers['sec-fetch-site'];
      if (typeof site === 'string' && site !== 'same-origin' && site !== 'none') return true;
      const origin = request.headers.origin;
      if (typeof origin === 'string' && origin !== 'null') {
        const own = [new URL(deps.publicUrl()).origin, `${request.protocol}://${request.headers.host ?? ''}`];
        return !own.includes(origin);
      }
      return false;
    };
    const parseForm = (request: FastifyRequest): PhoneRatingForm | null => {
      const fields = formFields(request.body);
      const parsed = fields && PhoneRatingFormSchema.safeParse(fields);
      return parsed?.success ? parsed.data : null;
    };

    scope.get('/phone/phone.css', async (_request, reply) => reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PHONE_CSS));
    scope.get('/phone/phone.js', async (_request, reply) => reply.header('content-type', 'text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(PHONE_SCRIPT));
    scope.get('/phone/thanks', pagePolicy(PHONE_PAGE_POLICY), async (request, reply) => page(reply, 200, renderThanks(languageOf(request))));

    scope.get('/r/:token', { ...pages, ...pagePolicy(PHONE_PAGE_POLICY) }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const language = languageOf(request);
      const opened = await phone.openCaseLink(token);
      if (!opened.ok) return refuse(reply, language, opened.refusal);
      const { link } = opened;
      return page(reply, 200, renderRatingForm(language, `/r/${token}`, { kind: 'case', window: link.window, case: link.case, event: link.event, staff: link.staff }, token));
    });

    scope.post('/r/:token', { ...posts, ...pagePolicy(PHONE_PAGE_POLICY) }, async (request, reply) => {
      const { token } = request.params as { token: string };
      const form = parseForm(request);
      const language = languageOf(request, form?.lang);
      if (crossSite(request)) return refuse(reply, language, 'cross-site');
      if (!form) return refuse(reply, language, 'invalid');
      if (!sameSecret(form.token, token)) return refuse(reply, language, 'forged');
      const result = await phone.rateCase(form);
      if (!result.ok) return refuse(reply, language, result.refusal);
      // Post/redirect/get: a reload of the thanks page posts nothing again.
      return reply.code(303).header('location', `/phone/thanks?lang=${language}`).send();
    });

    scope.get('/w/:hall/:window', { ...pages, ...pagePolicy(PHONE_PAGE_POLICY) }, async (request, reply) => {
      const { hall, window } = request.params as { hall: string; window: string };
      const language = languageOf(request);
      const known = await phone.openWindow(hall, window);
      if (!known) return refuse(reply, language, 'unknown-window');
      let browser = cookieOf(request, BROWSER_COOKIE);
      if (!isBrowserId(browser)) {
        browser = newBrowserId();
        const secure = deps.publicUrl().startsWith('https:') ? '; Secure' : '';
        reply.header('set-cookie', `${BROWSER_COOKIE}=${browser}; Path=/w; Max-Age=31536000; HttpOnly; SameSite=Strict${secure}`);
      }
      const path = `/w/${encodeURIComponent(hall)}/${encodeURIComponent(window)}`;
      return page(reply, 200, renderRatingForm(language, path, { kind: 'window', window: known.window }, windowFormToken(keys.linkSecret, hall, window, browser, now())));
    });

    scope.post('/w/:hall/:window', { ...posts, ...pagePolicy(PHONE_PAGE_POLICY) }, async (request, reply) => {
      const { hall, window } = request.params as { hall: string; window: string };
      const form = parseForm(request);
      const language = languageOf(request, form?.lang);
      if (crossSite(request)) return refuse(reply, language, 'cross-site');
      if (!form) return refuse(reply, language, 'invalid');
      const browser = cookieOf(request, BROWSER_COOKIE);
      if (!isBrowserId(browser) || !checkWindowFormToken(keys.linkSecret, form.token, hall, window, browser, now())) return refuse(reply, language, 'cross-site');
      const result = await phone.rateWindow(hall, window, form, { address: request.ip, browser });
      if (!result.ok) return refuse(reply, language, result.refusal);
      return reply.code(303).header('location', `/phone/thanks?lang=${language}`).send();
    });
  });
}
