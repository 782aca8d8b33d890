import type { FastifyInstance, FastifyRequest, RouteOptions } from 'fastify';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Served without a token. Every route is private unless it says `public: true`. */
    public?: boolean;
  }
}

/** One registered route and whether it needs the token. */
export interface RouteAccess {
  method: string;
  url: string;
  public: boolean;
}

const tables = new WeakMap<FastifyInstance, RouteOptions[]>();

/**
 * Records every route registered on `app` from now on (its own and its plugins'), so the routes a
 * server really has can be listed and audited: the security tests request each of them.
 */
export function trackRoutes(app: FastifyInstance): void {
  const routes: RouteOptions[] = [];
  tables.set(app, routes);
  // Kept by reference: a plugin's own onRoute hook (publicScope) may still set its config.
  app.addHook('onRoute', (route) => void routes.push(route));
}

/** The routes recorded by trackRoutes, in registration order, one row per method. */
export function routeTable(app: FastifyInstance): RouteAccess[] {
  return (tables.get(app) ?? []).flatMap((route) =>
    (Array.isArray(route.method) ? route.method : [route.method]).map((method) => ({
      method,
      url: route.url,
      public: route.config?.public === true,
    })),
  );
}

/** Marks every route registered inside `plugin`'s scope public (the dashboard's static files). */
export function publicScope(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    route.config = { ...route.config, public: true };
  });
}

/**
 * Decided on the route the router matched (after it decoded the path), never on the raw URL:
 * `/%761/jobs` matches `/v1/jobs` and is private like it. No match (404) is private too.
 */
export function isPublicRoute(request: FastifyRequest): boolean {
  return request.routeOptions.config?.public === true;
}
