import type { AuthenticationResponseJSON, RegistrationResponseJSON } from "@simplewebauthn/browser";
import { createTollgateClient, type SignedIn, type StepUpProof } from "@tollgate/client-sdk";
import {
  type PasskeyClient,
  passkeySecondFactor,
  passkeyStepUpProof,
  registerPasskey,
  type StepUpOptionsClient,
  signInWithPasskey,
} from "@tollgate/client-sdk/passkey";
import { describe, expectTypeOf, it } from "vitest";

const api = createTollgateClient({ url: "/trpc" });

describe("passkey helpers are typed from the server's router", () => {
  it("take the default client, and resolve with what the procedures return", () => {
    expectTypeOf(api).toExtend<PasskeyClient>();
    expectTypeOf(registerPasskey).returns.resolves.toEqualTypeOf<{ id: string; name: string }>();
    expectTypeOf(signInWithPasskey).returns.resolves.toExtend<SignedIn | { mfaRequired: true }>();
    expectTypeOf(passkeySecondFactor).returns.resolves.toEqualTypeOf<SignedIn>();
    expectTypeOf(api).toExtend<StepUpOptionsClient>();
    expectTypeOf(passkeyStepUpProof).returns.resolves.toEqualTypeOf<StepUpProof>();
    expectTypeOf(registerPasskey)
      .parameter(1)
      .toEqualTypeOf<{ readonly name?: string; readonly password?: string } | undefined>();
    expectTypeOf(signInWithPasskey)
      .parameter(1)
      .toEqualTypeOf<{ readonly username?: string; readonly autofill?: boolean } | undefined>();
  });

  it("the procedures take @simplewebauthn/browser's answers as they are", () => {
    expectTypeOf<RegistrationResponseJSON>().toExtend<
      Parameters<typeof api.auth.passkey.register.mutate>[0]["response"]
    >();
    expectTypeOf<AuthenticationResponseJSON>().toExtend<
      Parameters<typeof api.auth.passkey.login.mutate>[0]["response"]
    >();
    expectTypeOf<{ passkey: AuthenticationResponseJSON }>().toExtend<
      Parameters<typeof api.auth.mfa.verify.mutate>[0]
    >();
  });

  it("list, rename and remove are typed too", () => {
    expectTypeOf(api.auth.passkey.list.query).returns.resolves.toEqualTypeOf<
      {
        id: string;
        name: string;
        createdAt: number;
        lastUsedAt: number | null;
        deviceType: "singleDevice" | "multiDevice";
        backedUp: boolean;
      }[]
    >();
    // @ts-expect-error: a name is required
    void api.auth.passkey.rename.mutate({ id: "x" });
  });
});
