import { createTollgateClient } from "@tollgate/client-sdk";
import { createClock, data, startTollgate, type TollgateTestServer } from "@tollgate/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

describe("the SDK on the cookie jar of @tollgate/testing's JarClient", () => {
  const clock = createClock();
  let server: TollgateTestServer;
  beforeAll(async () => {
    server = await startTollgate({ clock });
  });
  afterAll(() => server?.close());

  it("calls as the user the JarClient signed in, and its refresh rotates the cookies both use", async () => {
    const { user, client } = await server.createSignedInUser();
    const api = createTollgateClient({
      url: client.trpcUrl,
      cookieJar: client.cookieJar,
      crossTab: false,
      proactiveRefresh: false,
    });
    expect((await api.user.me.query()).username).toBe(user.username);

    const before = client.cookie("access_token");
    clock.advance(server.config.accessTokenTtl + 1);
    // The SDK refreshes on the 401 and retries; the new cookies land in the shared jar.
    expect((await api.user.me.query()).id).toBe(user.id);
    expect(client.cookie("access_token")).not.toBe(before);
    expect(data<{ id: string }>(await client.query("user.me")).id).toBe(user.id);
  });
});
