import { corsAnswer } from "../../http/cors.js";
import type { MethodHttpRoutes } from "../method.js";
import { drf, methodNotAllowed, NOT_FOUND } from "./answers.js";
import { currentUser } from "./current-user.js";
import { login } from "./login.js";
import { logout } from "./logout.js";
import { refresh } from "./refresh.js";
import { refuseForeignOrigin } from "./request-checks.js";

/** The reference app's endpoints and the one method each answers. */
const ENDPOINTS = {
  "/accounts/auth/login/": "POST",
  "/accounts/auth/refresh_token/": "POST",
  "/accounts/auth/logout/": "POST",
  "/accounts/user/": "GET",
} as const;

type Endpoint = keyof typeof ENDPOINTS;

function isEndpoint(pathname: string): pathname is Endpoint {
  return Object.hasOwn(ENDPOINTS, pathname);
}

/**
 * The Django REST surface under /accounts/ (DJANGO_COMPAT=on; otherwise
 * methodRoutesFor never routes here). CORS as under /trpc (CORS_ORIGINS);
 * every POST passes the Origin check first; answers are never cached.
 */
export const djangoRoutes: MethodHttpRoutes = {
  prefix: "/accounts/",
  async handle(ctx, request, headers) {
    headers.set("Cache-Control", "no-store");
    const cors = corsAnswer(request.header("origin"), request.method, ctx.services.config.corsOrigins);
    for (const [name, value] of cors.headers) headers.set(name, value);
    if (cors.preflightStatus !== undefined) return { status: cors.preflightStatus, headers, body: null };

    const { pathname } = request;
    if (!isEndpoint(pathname)) return drf(404, NOT_FOUND, headers);
    const allowed = ENDPOINTS[pathname];
    if (request.method !== allowed) return methodNotAllowed(request.method, `${allowed}, OPTIONS`, headers);
    if (allowed === "POST") {
      const refused = refuseForeignOrigin(ctx, headers);
      if (refused) return refused;
    }
    switch (pathname) {
      case "/accounts/auth/login/":
        return login(ctx, request, headers);
      case "/accounts/auth/refresh_token/":
        return refresh(ctx, headers);
      case "/accounts/auth/logout/":
        return logout(ctx, headers);
      case "/accounts/user/":
        return currentUser(ctx, headers);
    }
  },
};
