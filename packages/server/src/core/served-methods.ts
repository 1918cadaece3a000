import type { AnySignInMethod, MethodHookServices, MethodHttpRoutes } from "../methods/method.js";
import type { Services } from "../services.js";

/**
 * The sign-in methods each instance serves, by its services. Kept beside
 * Services rather than in it: a method's types name the request context,
 * which names Services.
 */
const registry = new WeakMap<Services, readonly AnySignInMethod[]>();

/** Records the methods an instance serves (createTollgate, once). */
export function registerMethods(services: Services, methods: readonly AnySignInMethod[]): void {
  registry.set(services, methods);
}

/** The methods the instance of `services` serves: completeSignIn asks their second factors, events reach their hooks. */
export function methodsOf(services: Services): readonly AnySignInMethod[] {
  return registry.get(services) ?? [];
}

/** What the methods' hooks get of an instance's services. */
export function hookServices(services: Services): MethodHookServices {
  return { database: services.database, now: services.now };
}

/**
 * The method whose own HTTP routes (`http.prefix`) cover `pathname`, if any.
 * A method not available on this configuration serves nothing: its paths
 * stay the account page's or 404 (the Django surface's /accounts/ is off by default).
 */
export function methodRoutesFor(services: Services, pathname: string | undefined): MethodHttpRoutes | undefined {
  if (pathname === undefined) return undefined;
  for (const method of methodsOf(services)) {
    if (method.available && !method.available(services.config)) continue;
    if (method.http && pathname.startsWith(method.http.prefix)) return method.http;
  }
  return undefined;
}
