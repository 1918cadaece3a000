import { loginInput } from "../../core/inputs.js";
import { credentialProcedure } from "../../trpc.js";
import { signInWithPassword } from "./sign-in-with-password.js";

export const login = credentialProcedure
  .input(loginInput)
  .mutation(({ ctx, input, signal }) => signInWithPassword(ctx, input, signal));
