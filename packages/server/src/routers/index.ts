import type { AnyTRPCRouter } from "@trpc/server";
import { defaultMethods } from "../methods/defaults.js";
import type { AnySignInMethod, NoRoutes, Routes, SignInMethod } from "../methods/method.js";
import { router } from "../trpc.js";
import { adminRouter } from "./admin/index.js";
import { coreAuthRoutes } from "./auth.js";
import { metaRouter } from "./meta.js";
import { mfaVerify } from "./mfa-verify.js";
import { stepUpRouter } from "./step-up.js";
import { userRouter } from "./user.js";

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
/** The routes of every method in the union `U`, as one object type. */
type Merged<U> = [U] extends [never] ? NoRoutes : Simplify<UnionToIntersection<U>>;
type AuthRoutesOf<M> = M extends SignInMethod<string, infer A extends Routes, Routes> ? A : never;
type MfaRoutesOf<M> = M extends SignInMethod<string, Routes, infer F extends Routes> ? F : never;
/** What tRPC's router() builds of the record `T` (spelled out: inside a generic function tRPC cannot infer it). */
type RouterOf<T> = T extends Parameters<typeof router>[0] ? ReturnType<typeof router<T>> : never;
type MfaRecord<M extends readonly AnySignInMethod[]> = { verify: ReturnType<typeof mfaVerify> } & Merged<
  MfaRoutesOf<M[number]>
>;
type AuthRecord<M extends readonly AnySignInMethod[]> = Simplify<
  typeof coreAuthRoutes &
    Merged<AuthRoutesOf<M[number]>> & { mfa: RouterOf<Simplify<MfaRecord<M>>>; stepUp: ReturnType<typeof stepUpRouter> }
>;

/** The router createTollgateRouter builds for the methods `M`. */
export type TollgateRouter<M extends readonly AnySignInMethod[]> = RouterOf<{
  auth: RouterOf<AuthRecord<M>>;
  user: typeof userRouter;
  meta: typeof metaRouter;
  admin: typeof adminRouter;
}>;

/** Every method's routes for one slot (`auth` or `auth.mfa`), refusing two with one name. */
function mergeRoutes(methods: readonly AnySignInMethod[], slot: "auth" | "mfa", taken: readonly string[]): Routes {
  const merged: Routes = {};
  for (const method of methods) {
    for (const [name, route] of Object.entries((method[slot] ?? {}) as Routes)) {
      if (name in merged || taken.includes(name)) {
        throw new Error(
          `Sign-in method ${method.id} defines auth.${slot === "mfa" ? "mfa." : ""}${name}, which is taken`,
        );
      }
      merged[name] = route;
    }
  }
  return merged;
}

/**
 * Tollgate's router for these sign-in methods: the core's procedures (auth
 * sessions and refresh, auth.mfa.verify, user, meta, admin) and every method's,
 * with their types: `auth.<name>` of a method's procedures is typed on the
 * result, so the client SDK infers them too.
 */
export function createTollgateRouter<const M extends readonly AnySignInMethod[]>(methods: M): TollgateRouter<M> {
  const ids = methods.map((m) => m.id);
  const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
  if (repeated) throw new Error(`Sign-in method ${repeated} is listed twice`);
  const authRoutes = mergeRoutes(methods, "auth", [...Object.keys(coreAuthRoutes), "mfa", "stepUp"]);
  const mfaRoutes = mergeRoutes(methods, "mfa", ["verify"]);
  const built = router({
    auth: router({
      ...coreAuthRoutes,
      ...authRoutes,
      mfa: router({ verify: mfaVerify(methods), ...mfaRoutes }),
      stepUp: stepUpRouter(methods),
    }),
    user: userRouter,
    meta: metaRouter,
    admin: adminRouter,
  });
  // The same value, typed by the methods' routes (the records merged above).
  return built as unknown as TollgateRouter<M>;
}

/**
 * Refuses to serve a router that lacks a procedure of Tollgate's own (for
 * its methods): a host that passed `methods` but merged a router built for
 * others would otherwise answer 404 for a method it configured.
 */
export function refuseRouterWithoutMethods(served: AnyTRPCRouter, tollgate: AnyTRPCRouter): void {
  const missing = Object.keys(tollgate._def.procedures).filter((path) => !(path in served._def.procedures));
  if (missing.length > 0) {
    throw new Error(
      `The router served lacks ${missing.join(", ")}: merge the router built for these methods (createTollgateRouter(methods), or tollgate.router)`,
    );
  }
}

/** Tollgate's router with the default methods: what the standalone server serves. */
export const appRouter = createTollgateRouter(defaultMethods());

/** The API's type: clients infer every procedure's input and output from it. */
export type AppRouter = typeof appRouter;
