import {
  authCodeOf,
  createTollgateClient,
  type MfaRequired,
  type Profile,
  type PublicUser,
  type SignedIn,
  type SignInResult,
  type TollgateClient,
  type TollgateErrorCode,
} from "@tollgate/client-sdk";
import type { AppRouter } from "@tollgate/server";
import type { inferRouterError, inferRouterOutputs } from "@trpc/server";
import { describe, expectTypeOf, it } from "vitest";

const api: TollgateClient = createTollgateClient({ url: "/trpc" });

describe("client types come from the server's router", () => {
  it("infers inputs and outputs", () => {
    expectTypeOf(api.user.me.query).returns.resolves.toEqualTypeOf<{
      id: string;
      username: string;
      firstName: string;
      email: string | null;
      emailVerified: boolean;
      lastName: string;
      pendingEmail: string | null;
    }>();
    expectTypeOf(api.auth.login.mutate).parameter(0).toEqualTypeOf<{ username: string; password: string }>();
    // auth.login: signed in, or a second factor to give (a union a frontend must handle).
    expectTypeOf(api.auth.login.mutate).returns.resolves.toEqualTypeOf<SignInResult>();
    expectTypeOf<SignedIn>().toHaveProperty("accessTokenExpiresAt").toEqualTypeOf<number>();
    expectTypeOf<MfaRequired>().toEqualTypeOf<{
      mfaRequired: true;
      methods: ("totp" | "recovery_code" | "passkey")[];
    }>();
    expectTypeOf(api.auth.sessions.query)
      .returns.resolves.items.toHaveProperty("revokedReason")
      .toEqualTypeOf<
        "logout" | "logout_all" | "revoked_by_user" | "password_changed" | "refresh_token_reused" | "admin" | null
      >();
  });

  it("never collapses to any", () => {
    expectTypeOf(api.user.me.query).returns.resolves.not.toBeAny();
    expectTypeOf(api.auth.login.mutate).returns.resolves.not.toBeAny();
    expectTypeOf(api.auth.refresh.mutate).returns.resolves.not.toBeAny();
  });

  it("refuses wrong inputs and unknown procedures", () => {
    // @ts-expect-error: username must be a string
    void api.auth.login.mutate({ username: 1, password: "x" });
    // @ts-expect-error: password is required
    void api.auth.login.mutate({ username: "x" });
    // @ts-expect-error: no such procedure
    void api.user.delete;
    // @ts-expect-error: a query has no mutate
    void api.user.me.mutate;
  });
});

describe("error codes", () => {
  it("authCodeOf narrows to the codes the server sends", () => {
    expectTypeOf(authCodeOf).returns.toEqualTypeOf<TollgateErrorCode | undefined>();
    expectTypeOf<"RATE_LIMITED">().toExtend<TollgateErrorCode>();
    expectTypeOf<"Too many">().not.toExtend<TollgateErrorCode>();
  });

  it("knows every code the router's error shape can carry", () => {
    type ServerAuthCode = NonNullable<inferRouterError<AppRouter>["data"]["authCode"]>;
    expectTypeOf<ServerAuthCode>().not.toBeNever();
    // The SDK's list and the server's codes are the same set.
    expectTypeOf<ServerAuthCode>().toEqualTypeOf<TollgateErrorCode>();
  });
});

describe("exported result types", () => {
  type RouterOutputs = inferRouterOutputs<AppRouter>;

  it("PublicUser, Profile and SignedIn are the router's own outputs", () => {
    // user.me adds the pending address to the user of a sign-in.
    expectTypeOf<Profile>().toEqualTypeOf<RouterOutputs["user"]["me"]>();
    expectTypeOf<Profile>().toMatchObjectType<PublicUser>();
    expectTypeOf<Profile>().toHaveProperty("pendingEmail").toEqualTypeOf<string | null>();
    expectTypeOf<SignedIn>().toEqualTypeOf<Extract<RouterOutputs["auth"]["login"], { accessTokenExpiresAt: number }>>();
    expectTypeOf<SignedIn>().toHaveProperty("user").toEqualTypeOf<PublicUser>();
    expectTypeOf<SignedIn>().toHaveProperty("accessTokenExpiresAt").toEqualTypeOf<number>();
    expectTypeOf<PublicUser>().not.toBeAny();
    expectTypeOf<SignedIn>().not.toBeAny();
  });
});
