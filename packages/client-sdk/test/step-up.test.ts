import { isStepUpRequired, type StepUpClient, stepUpRequiredOf, withStepUp } from "@tollgate/client-sdk";
import { TRPCClientError } from "@trpc/client";
import { describe, expect, it } from "vitest";

const serverError = (data: Record<string, unknown>) =>
  TRPCClientError.from({ error: { message: "refused", code: -32003, data } });

const STEP_UP = {
  levels: ["password", "two-factor", "phishing-resistant"],
  maxAge: 300,
  currentLevel: "password",
  methods: ["password"],
};
const stepUpError = () =>
  serverError({ code: "FORBIDDEN", httpStatus: 403, authCode: "STEP_UP_REQUIRED", stepUp: STEP_UP });
const wrongPassword = () => serverError({ code: "BAD_REQUEST", httpStatus: 400, authCode: "CURRENT_PASSWORD_WRONG" });

/** A client whose auth.stepUp.verify accepts only `password`, recording what it was given. */
function clientAccepting(password: string) {
  const given: unknown[] = [];
  const client: StepUpClient = {
    auth: {
      stepUp: {
        verify: {
          async mutate(input) {
            given.push(input);
            if ((input as { password?: string }).password !== password) throw wrongPassword();
            return {};
          },
        },
      },
    },
  };
  return { client, given };
}

describe("step-up helpers", () => {
  it("reads STEP_UP_REQUIRED's data, typed, and nothing from other errors", () => {
    expect(stepUpRequiredOf(stepUpError())).toEqual(STEP_UP);
    expect(isStepUpRequired(stepUpError())).toBe(true);
    expect(isStepUpRequired(serverError({ code: "FORBIDDEN", httpStatus: 403, authCode: "CSRF" }))).toBe(false);
    expect(isStepUpRequired(new Error("STEP_UP_REQUIRED"))).toBe(false);
  });

  it("withStepUp proves and retries the action once; a wrong proof is asked again", async () => {
    const { client, given } = clientAccepting("right");
    let calls = 0;
    const action = async () => {
      calls++;
      if (calls === 1) throw stepUpError();
      return "done";
    };
    const answers = ["wrong", "right"];
    const failures: unknown[] = [];
    const result = await withStepUp(client, action, async (required, failure) => {
      expect(required).toEqual(STEP_UP);
      failures.push(failure);
      return { password: answers.shift() ?? "" };
    });
    expect(result).toBe("done");
    expect(calls).toBe(2);
    expect(given).toEqual([{ password: "wrong" }, { password: "right" }]);
    expect(failures[0]).toBeUndefined();
    expect(isStepUpRequired(failures[1])).toBe(false);
  });

  it("withStepUp rejects with the original error when the user gives up, and never proves for other errors", async () => {
    const { client, given } = clientAccepting("right");
    await expect(
      withStepUp(
        client,
        () => Promise.reject(stepUpError()),
        async () => undefined,
      ),
    ).rejects.toSatisfy(isStepUpRequired);
    const csrf = serverError({ code: "FORBIDDEN", httpStatus: 403, authCode: "CSRF" });
    await expect(
      withStepUp(
        client,
        () => Promise.reject(csrf),
        async () => ({ password: "right" }),
      ),
    ).rejects.toBe(csrf);
    expect(given).toEqual([]);
  });

  it("withStepUp stops after three wrong proofs", async () => {
    const { client, given } = clientAccepting("right");
    await expect(
      withStepUp(
        client,
        () => Promise.reject(stepUpError()),
        async () => ({ password: "wrong" }),
      ),
    ).rejects.toThrow();
    expect(given).toHaveLength(3);
  });
});
