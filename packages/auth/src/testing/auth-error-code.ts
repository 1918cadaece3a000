import { expect } from "vitest";
import { AuthError } from "../errors.js";

/** The AuthError code a promise rejects with; fails the test if it resolves or rejects with anything else. */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return (error as AuthError).code;
  }
  throw new Error("expected a rejection");
}
