import type { AnyTRPCProcedure, AnyTRPCRouter } from "@trpc/server";
import type { Migration } from "kysely";
import type { z } from "zod";
import type { ServerConfig } from "../config.js";
import type { Context } from "../context.js";
import type { DatabaseHandle } from "../db/client.js";
import type { SqlDialect } from "../db/migrations/dialect-types.js";
import type { HttpAnswer } from "../http/answer.js";
import type { Services } from "../services.js";
import type { UserWithHash } from "../stores/user-store.js";

/** Procedures and routers by name, as tRPC's `router()` takes them. */
export type Routes = Record<string, AnyTRPCProcedure | AnyTRPCRouter>;

/**
 * The names auth.login answers with in `{ mfaRequired: true, methods }`.
 * Each second-factor method adds its own by declaration merging, so the
 * answer's type names every factor whose module the app imports:
 *
 * ```ts
 * declare module "@tollgate/server" { interface SecondFactorNames { passkey: true } }
 * ```
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface SecondFactorNames {}
export type SecondFactorName = keyof SecondFactorNames & string;

/** The inputs auth.mfa.verify takes, one per second factor; added to by declaration merging as SecondFactorNames. */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface SecondFactorInputs {}
export type SecondFactorInput = SecondFactorInputs[keyof SecondFactorInputs];

/**
 * How a user proved who they are (RFC 8176 values): `pwd` a password, `otp`
 * a one-time code, `hwk` a key bound to one device, `swk` a key that may be
 * copied (a synced passkey), `user` the authenticator verified the user
 * (PIN, biometrics), `fed` another provider vouched for the user (OpenID
 * Connect), `mfa` more than one factor.
 */
export type AuthenticationMethodReference = "pwd" | "otp" | "hwk" | "swk" | "fed" | "user" | "mfa";

/** What a second factor proved: how the session it starts was established. */
export interface SecondFactorProof {
  /** Stored with the session (auth.sessions shows it), e.g. "password+totp". */
  readonly authMethod: string;
  /**
   * What this factor alone proved (RFC 8176): TOTP and recovery codes ["otp"],
   * a passkey ["hwk" | "swk", "user"]. The session's amr is the union with the
   * first factor's (or, at step-up, with the session's); its level follows.
   */
  readonly amr: readonly AuthenticationMethodReference[];
  /** Runs once the session has started (audit entries, notices). */
  afterSignIn?(sessionId: string): Promise<void>;
}

/**
 * A second factor: asked by completeSignIn whether a user must give it, and
 * by auth.mfa.verify to check what the user gave.
 */
export interface SecondFactor<Input extends object = object> {
  /** The names to answer with when this factor is on for `user`; undefined when it is not. */
  challenge(ctx: Context, user: UserWithHash): Promise<readonly SecondFactorName[] | undefined>;
  /** The auth.mfa.verify inputs this factor checks: strict objects, told apart from other factors' by their keys. */
  readonly input: z.ZodType<Input>;
  /**
   * Checks `input` for the pending sign-in's user: the proof when right,
   * undefined when wrong (auth.mfa.verify answers MFA_CODE_INVALID). An
   * AuthError thrown before anything was checked (RATE_LIMITED, MFA_LOCKED)
   * gives the pending sign-in's try back.
   */
  verify(ctx: Context, user: UserWithHash, input: Input): Promise<SecondFactorProof | undefined>;
  /**
   * Data the client needs before it can answer (a passkey's request options),
   * for `user`, whether a pending sign-in's or a signed-in one's: whatever
   * `verify` then checks (a challenge) is stored for that user. A method
   * serves it at `auth.<id>.mfaOptions`, where the pending cookie is sent too;
   * auth.stepUp.options() returns it.
   */
  prepare?(ctx: Context, user: UserWithHash): Promise<Record<string, unknown>>;
}

/** What a method's hooks may use outside a request (the CLI runs them too). */
export interface MethodHookServices {
  /** Tollgate's database; a method reaches its own tables with `database.db.withTables<TheirTables>()`. */
  readonly database: DatabaseHandle;
  readonly now: () => number;
}

/** Account events the core tells every method about, so a method's own state follows them. */
export interface MethodHooks {
  /** The password was changed or reset (by the user, a reset link or an operator). */
  onPasswordChanged?(services: MethodHookServices, userId: string): Promise<void>;
  /** The user signed out everywhere (auth.logoutAll, or an operator ended every session). */
  onSignOutEverywhere?(services: MethodHookServices, userId: string): Promise<void>;
  /**
   * An operator turns the user's second factor off (they lost the device and
   * its recovery codes: `tollgate user:mfa-reset`, admin.users.resetSecondFactors);
   * true when one was on.
   */
  resetSecondFactor?(services: MethodHookServices, userId: string): Promise<boolean>;
  /** An operator lifts a lock of the user's second factor (too many wrong codes), keeping the factor. */
  clearLockout?(services: MethodHookServices, userId: string): Promise<void>;
  /** Hourly: delete what expired before `now`; how many rows went. */
  purge?(services: MethodHookServices, now: Date): Promise<number>;
}

/**
 * A sign-in method: one folder under `methods/`, one value passed to
 * `createTollgate({ methods })`. Its procedures are merged into Tollgate's
 * router (their types too), its migrations run after the core's, and the
 * core calls its hooks; nothing outside its folder names it.
 */
/** No procedures: what a method without any of its own under `auth` or `auth.mfa` has. */
export type NoRoutes = Record<never, never>;

export interface SignInMethod<
  Id extends string = string,
  Auth extends Routes = NoRoutes,
  Mfa extends Routes = NoRoutes,
> {
  /** Unique among the methods; names its migrations and, by convention, its router (`auth.<id>`). */
  readonly id: Id;
  /** Procedures merged into `auth` (a new method puts one router at `auth.<id>`). */
  readonly auth?: Auth;
  /** Procedures merged into `auth.mfa` (second factors' own management). */
  readonly mfa?: Mfa;
  /** Present when the method can be a second factor. */
  readonly secondFactor?: SecondFactor;
  /**
   * Its tables, by migration name; each name is stored as `<id>/<name>`, so
   * methods never collide. Tables are named with the method's id as prefix.
   */
  migrations?(dialect: SqlDialect): Record<string, Migration>;
  readonly hooks?: MethodHooks;
  /**
   * Whether the method answers on a server of this configuration (default:
   * always). Its procedures stay in the router either way (the client's
   * types do not depend on the environment); meta.info lists the ids of
   * the available ones, so a page shows only what works.
   */
  available?(config: ServerConfig): boolean;
  /** Its own HTTP routes (see MethodHttpRoutes). */
  readonly http?: MethodHttpRoutes;
  /**
   * Runs once in createTollgate, after the migrations and before anything is
   * served (a provider's discovery). A failure stops the start; its message
   * is the one line the operator reads.
   */
  start?(services: Services): Promise<void>;
}

/** A request to one of a method's own HTTP routes. */
export interface MethodHttpRequest {
  readonly method: string;
  /** The path, already parsed (`/auth/oidc/google/callback`). */
  readonly pathname: string;
  /** The query string's parameters. */
  readonly query: URLSearchParams;
  /** A request header's value (the first, if it came more than once); `name` is lower-case. */
  header(name: string): string | undefined;
  /**
   * The body as text, read when asked (a GET route never reads it), at most
   * 1 MiB as under /trpc: rejects with BodyTooLargeError beyond it,
   * BodyAbortedError when the client leaves, BodyAlreadyReadError when a
   * host app's body parser took it (all from `http/request.ts`).
   */
  readBody(): Promise<string>;
}

/**
 * Plain HTTP routes of a method, outside tRPC: what a browser navigates to
 * rather than calls (a provider's redirect back with `?code=…&state=…`).
 * Served by the same pipeline as /trpc on every adapter (node:http, Express,
 * Fastify, Fetch), with the security headers and a request context as
 * procedures get it (cookies, client address, `setCookies`).
 */
export interface MethodHttpRoutes {
  /** Every path that starts with it is this method's (`/auth/oidc/`); two methods never share one. */
  readonly prefix: `/${string}/`;
  /** `headers`: the answer's (security headers, request id, and the cookies `ctx.setCookies` adds): answer with them. */
  handle(ctx: Context, request: MethodHttpRequest, headers: Headers): Promise<HttpAnswer>;
}

/** Any method, whatever its id and procedures. */
// biome-ignore lint/suspicious/noExplicitAny: the widest method type, for lists of methods of any shape
export type AnySignInMethod = SignInMethod<string, any, any>;
