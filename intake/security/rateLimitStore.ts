import type { FastifyRateLimitStore, FastifyRateLimitStoreCtor } from '@fastify/rate-limit';
import type { ThrottleStore } from '../store/store';

type Callback = (error: Error | null, result?: { current: number; ttl: number }) => void;
/** What the plugin passes a store about the route it limits (its options, with routeInfo for a route's own limit). */
type RouteInfo = { routeInfo?: { method?: unknown; url?: unknown } };

/**
 * A store for @fastify/rate-limit that counts in the intake's database (ThrottleStore.hit), so
 * the limits hold across a restart and for every intake node that shares the database. Each
 * route limited gets its own counters (the plugin makes a child per route).
 */
export function databaseRateLimitStore(throttles: ThrottleStore, now: () => number): FastifyRateLimitStoreCtor {
  class DatabaseRateLimitStore implements FastifyRateLimitStore {
    readonly prefix: string;

    constructor(options: object = {}) {
      const route = (options as RouteInfo).routeInfo;
      this.prefix = typeof route?.url === 'string' ? `${String(route.method)} ${route.url}` : 'global';
    }

    incr(key: string, callback: Callback, timeWindow: number): void {
      const at = now();
      throttles.hit(`${this.prefix}|${key}`, at, timeWindow).then(
        ({ count, resetAt }) => callback(null, { current: count, ttl: Math.max(0, resetAt - at) }),
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    }

    child(routeOptions: object): DatabaseRateLimitStore {
      return new DatabaseRateLimitStore(routeOptions);
    }
  }
  return DatabaseRateLimitStore;
}
