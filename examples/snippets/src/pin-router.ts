import { createHash, timingSafeEqual } from "node:crypto";
import { credentialProcedure, limitedCheck, router } from "@tollgate/server";
import { TRPCError } from "@trpc/server";
import { z } from "zod";

// Your own secret check under Tollgate's sign-in limit: reserved before the check, counted per
// (name, client network), per network and per name; past LOGIN_MAX_FAILURES, 429 with Retry-After.
const pinHashes = new Map([["front-door", createHash("sha256").update("4711").digest()]]);

export const doorRouter = router({
  // credentialProcedure: never inside a batch, so a batch cannot carry many guesses.
  open: credentialProcedure
    .input(z.object({ door: z.string().max(64), pin: z.string().max(16) }))
    .mutation(async ({ ctx, input }) => {
      const right = await limitedCheck(ctx, { username: `door:${input.door}` }, async () => {
        const expected = pinHashes.get(input.door);
        const given = createHash("sha256").update(input.pin).digest();
        return expected !== undefined && timingSafeEqual(expected, given);
      });
      if (!right) throw new TRPCError({ code: "UNAUTHORIZED", message: "Wrong door or PIN" });
      return { opened: input.door };
    }),
});
