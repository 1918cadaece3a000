import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { type HttpBindings, serve } from "@hono/node-server";
import { createTestDatabase, type TestClock, testConfig } from "@tollgate/testing";
import express from "express";
import Fastify from "fastify";
import { Hono } from "hono";
import type { ServerConfig } from "../../src/config.js";
import { createTollgate, type Tollgate } from "../../src/tollgate.js";
import { conformanceRouter } from "./fixture-router.js";

export interface ConformanceHost {
  readonly url: string;
  readonly tollgate: Tollgate;
  createUser(username: string, password: string): Promise<void>;
  close(): Promise<void>;
}

export interface HostOptions {
  readonly clock: TestClock;
  readonly config?: Partial<ServerConfig>;
}

/** Serves the conformance router on a free port, through one of Tollgate's adapters. */
export type StartHost = (options: HostOptions) => Promise<ConformanceHost>;

type Listen = (tollgate: Tollgate) => Promise<{ url: string; stop: () => Promise<void> }>;

function hostWith(listen: Listen): StartHost {
  return async ({ clock, config }) => {
    const testDb = await createTestDatabase("sqlite");
    const database = await testDb.open();
    const tollgate = await createTollgate({ config: testConfig(config), database, now: clock.now });
    const { url, stop } = await listen(tollgate);
    return {
      url,
      tollgate,
      async createUser(username, password) {
        const passwordHash = await tollgate.services.auth.passwords.hash(password);
        await tollgate.services.users.create({ username, passwordHash });
      },
      async close() {
        await stop();
        await tollgate.close();
        await database.close();
        await testDb.drop();
      },
    };
  };
}

function urlOf(address: AddressInfo): string {
  return `http://127.0.0.1:${address.port}`;
}

/** node:http, through `tollgate.nodeHandler` (what `pnpm start` serves). */
export const nodeHost: StartHost = hostWith(async (tollgate) => {
  const server = createServer(tollgate.nodeHandler(conformanceRouter));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: urlOf(server.address() as AddressInfo),
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
});

/** The Fetch handler mounted in Hono as middleware for the targets Tollgate answers, served by @hono/node-server. */
export const honoHost: StartHost = hostWith(async (tollgate) => {
  const handle = tollgate.fetchHandler(conformanceRouter);
  const app = new Hono<{ Bindings: HttpBindings }>();
  // As examples/snippets/src/server-hono.ts: every target Tollgate answers (tollgate.handles), the rest to the app.
  app.use(async (c, next) => {
    if (!tollgate.handles(c.req.url)) return next();
    return handle(c.req.raw, { clientAddress: c.env.incoming.socket.remoteAddress });
  });
  app.get("/hello", (c) => c.json({ from: "the app" }));
  let address: AddressInfo | undefined;
  const server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, (info) => {
    address = info;
  });
  await once(server, "listening");
  return {
    url: urlOf(address ?? (server.address() as AddressInfo)),
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        if ("closeAllConnections" in server) server.closeAllConnections();
      }),
  };
});

/** Express 5, with Tollgate's handler as middleware at the root and a route of the app's own. */
export const expressHost: StartHost = hostWith(async (tollgate) => {
  const app = express();
  app.use(tollgate.nodeHandler(conformanceRouter));
  app.get("/hello", (_req, res) => {
    res.json({ from: "the app" });
  });
  const server = app.listen(0, "127.0.0.1");
  await once(server, "listening");
  return {
    url: urlOf(server.address() as AddressInfo),
    stop: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
});

/** Fastify 5: an onRequest hook hands Tollgate's paths to the node handler before Fastify parses a body. */
export const fastifyHost: StartHost = hostWith(async (tollgate) => {
  const handle = tollgate.nodeHandler(conformanceRouter);
  const app = Fastify();
  app.addHook("onRequest", async (request, reply) => {
    if (!tollgate.handles(request.url)) return;
    reply.hijack();
    await handle(request.raw, reply.raw);
  });
  app.get("/hello", async () => ({ from: "the app" }));
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  return { url, stop: () => app.close() };
});
