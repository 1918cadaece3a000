import { router } from "../trpc.js";
import { authRouter } from "./auth.js";
import { metaRouter } from "./meta.js";
import { userRouter } from "./user.js";

export const appRouter = router({
  auth: authRouter,
  user: userRouter,
  meta: metaRouter,
});

/** The API's type: clients infer every procedure's input and output from it. */
export type AppRouter = typeof appRouter;
