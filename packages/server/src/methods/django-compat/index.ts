import type { NoRoutes, SignInMethod } from "../method.js";
import { djangoRoutes } from "./routes.js";
import { createDjangoStore } from "./store.js";
import { djangoMigrations, djangoTables } from "./tables.js";

export type DjangoCompatMethod = SignInMethod<"django", NoRoutes, NoRoutes>;

/**
 * A drop-in for a Django REST Framework + SimpleJWT backend
 * (DJANGO_COMPAT=on): its REST surface under /accounts/ (login, refresh,
 * logout, the current user) in its JSON shapes and cookies, over Tollgate's
 * sessions, limits and Origin checks; and, with DJANGO_SECRET_KEY until
 * DJANGO_CUTOVER_UNTIL, the app's own SimpleJWT tokens for imported users
 * (access tokens accepted, refresh tokens exchanged once for a session).
 * Its tables (django_users, django_tokens, django_exchanged) are filled by
 * `tollgate user:import-django`. See docs/migrating/django.md.
 */
export function djangoCompat(): DjangoCompatMethod {
  return {
    id: "django",
    migrations: djangoMigrations,
    available: (config) => config.djangoCompat,
    http: djangoRoutes,
    async start({ config, logger, now }) {
      // The window is the operator's promise to retire Django's key: say where it stands at every start.
      if (!config.djangoCompat || config.djangoCutoverUntil === undefined) return;
      const until = new Date(config.djangoCutoverUntil).toISOString();
      if (now() >= config.djangoCutoverUntil) {
        logger.warn(
          { until },
          "DJANGO_CUTOVER_UNTIL has passed: SimpleJWT tokens are refused; remove DJANGO_SECRET_KEY",
        );
      } else {
        logger.info(
          { until },
          "accepting the Django app's SimpleJWT tokens for imported users until DJANGO_CUTOVER_UNTIL",
        );
      }
    },
    hooks: {
      // A password change, signing out everywhere, or an operator ending the sessions: a stolen Django cookie dies too.
      async onPasswordChanged({ database, now }, userId) {
        await createDjangoStore(djangoTables(database), now).revokeTokens(userId);
      },
      async onSignOutEverywhere({ database, now }, userId) {
        await createDjangoStore(djangoTables(database), now).revokeTokens(userId);
      },
      async purge({ database, now }, before) {
        return createDjangoStore(djangoTables(database), now).purge(before);
      },
    },
  };
}
