import { authCodeOf, isUnauthorized, TOLLGATE_ERROR_CODES } from "@tollgate/client-sdk";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";

const serverError = (data: Record<string, unknown>) =>
  TRPCClientError.from({ error: { message: "refused", code: -32001, data } });

describe("error helpers", () => {
  it("authCodeOf reads each code the server may send", () => {
    for (const code of TOLLGATE_ERROR_CODES) {
      expect(authCodeOf(serverError({ code: "BAD_REQUEST", httpStatus: 400, authCode: code }))).toBe(code);
    }
  });

  it("authCodeOf is undefined for unknown codes, errors without a code and non-tRPC errors", () => {
    expect(
      authCodeOf(serverError({ code: "BAD_REQUEST", httpStatus: 400, authCode: "SOMETHING_NEW" })),
    ).toBeUndefined();
    expect(authCodeOf(serverError({ code: "UNAUTHORIZED", httpStatus: 401 }))).toBeUndefined();
    expect(authCodeOf(new Error("RATE_LIMITED"))).toBeUndefined();
    expect(authCodeOf(undefined)).toBeUndefined();
  });

  it("isUnauthorized looks at the tRPC code, not the message", () => {
    expect(isUnauthorized(serverError({ code: "UNAUTHORIZED", httpStatus: 401 }))).toBe(true);
    expect(
      isUnauthorized(serverError({ code: "BAD_REQUEST", httpStatus: 400, authCode: "CURRENT_PASSWORD_WRONG" })),
    ).toBe(false);
    expect(isUnauthorized(new Error("UNAUTHORIZED"))).toBe(false);
  });
});
