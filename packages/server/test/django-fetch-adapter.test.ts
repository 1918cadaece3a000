import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/routers/index.js";
import { createTollgate, type Tollgate } from "../src/tollgate.js";
import { backends, createTestDatabase, type TestDatabase, testConfig } from "./support/index.js";

/**
 * The Django surface through the Fetch adapter (Hono, Bun, workers): the
 * method's routes read their JSON body through the same pipeline, with the
 * same 1 MiB limit, as on node:http (django-surface.test.ts).
 */
describe.each(backends())("the Django surface through the Fetch adapter on %s", (backend) => {
  const origin = "http://127.0.0.1:3000";
  let testDb: TestDatabase;
  let tollgate: Tollgate;
  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    tollgate = await createTollgate({
      config: testConfig({ djangoCompat: true, publicOrigin: origin }),
      database: await testDb.open(),
    });
    const passwordHash = await tollgate.services.auth.passwords.hash("fetch password");
    await tollgate.services.users.create({ username: "fiona", passwordHash, firstName: "Fiona" });
  });
  afterAll(async () => {
    await tollgate?.close();
    await testDb?.drop();
  });

  const call = (path: string, init: RequestInit = {}) =>
    tollgate.fetchHandler(appRouter)(new Request(`${origin}${path}`, init), { clientAddress: "127.0.0.1" });
  const post = (path: string, body: string, headers: Record<string, string> = {}) =>
    call(path, { method: "POST", body, headers: { "content-type": "application/json", origin, ...headers } });

  it("signs in, serves the user and refreshes", async () => {
    const login = await post(
      "/accounts/auth/login/",
      JSON.stringify({ username: "fiona", password: "fetch password" }),
    );
    expect(login.status).toBe(200);
    expect(await login.json()).toEqual({});
    const cookies = login.headers.getSetCookie();
    const value = (name: string) =>
      cookies
        .find((line) => line.startsWith(`${name}=`))
        ?.split(";")[0]
        ?.slice(name.length + 1) as string;
    expect(cookies.find((line) => line.startsWith("refresh_token="))).toContain("Path=/accounts/auth/");

    const me = await call("/accounts/user/", { headers: { cookie: `access_token=${value("access_token")}` } });
    expect(await me.json()).toMatchObject({ username: "fiona", first_name: "Fiona", last_name: "" });
    const refreshed = await post("/accounts/auth/refresh_token/", "", {
      cookie: `refresh_token=${value("refresh_token")}`,
    });
    expect(refreshed.status).toBe(200);
  });

  it("answers DRF's validation and size errors", async () => {
    const missing = await post("/accounts/auth/login/", "{}");
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({
      username: ["This field is required."],
      password: ["This field is required."],
    });
    const huge = await post(
      "/accounts/auth/login/",
      JSON.stringify({ username: "x", password: "y".repeat(1_100_000) }),
    );
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ detail: "Request body is over 1048576 bytes." });
  });
});
