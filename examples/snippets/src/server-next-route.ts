// app/trpc/[trpc]/route.ts, and the same two lines in each route file of the table above.
// (In the app the import names your lib/tollgate.ts, e.g. "@/lib/tollgate".)

// Tollgate needs Node's APIs (node:sqlite, argon2): not the Edge runtime.
export const runtime = "nodejs";
export { handler as GET, handler as POST } from "./server-next.js";
