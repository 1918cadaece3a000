import { AsyncLocalStorage } from "node:async_hooks";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTollgate, type Tollgate } from "../src/tollgate.js";
import { backends, createTestDatabase, TestBrowser, type TestDatabase, testConfig } from "./support/index.js";

/** Requests per kind: together, the reset limit of one client network per window (20). */
const ROUNDS = 10;

/** Marks the statements a request runs (AsyncLocalStorage follows the request's async work). */
const inRequest = new AsyncLocalStorage<true>();

/** The tables a query node names. */
function tablesOf(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) tablesOf(item, found);
  else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (record.kind === "TableNode") {
      const name = (record.table as { identifier?: { name?: string } } | undefined)?.identifier?.name;
      if (name) found.add(name);
    }
    for (const value of Object.values(record)) tablesOf(value, found);
  }
  return found;
}

/**
 * Every statement run on behalf of a request, as "<kind> <tables>": what a
 * request did, comparable between requests without timing anything.
 * Background work (pollers started with the app) runs outside any request.
 */
class StatementRecorder implements KyselyPlugin {
  readonly statements: string[] = [];
  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (inRequest.getStore()) this.statements.push(`${node.kind} ${[...tablesOf(node)].join(",")}`);
    return node;
  }
  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

// An unknown and a known address must get the same answer after the same
// work: the request path only reserves the rate limit; looking the address
// up, making the token and queueing the mail run after the response. The test
// compares the work (statements run, deferred tasks) rather than wall time,
// which on a shared machine is noise; the timing itself is measured by
// `pnpm bench` ("Password reset timing").
describe.each(backends())("auth.requestPasswordReset does the same work for any address on %s", (backend) => {
  let testDb: TestDatabase;
  let tollgate: Tollgate;
  let server: Server;
  let url: string;
  const recorder = new StatementRecorder();
  /** Deferred tasks, held until the test runs them (after the response). */
  const held: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase(backend);
    const database = await testDb.open();
    tollgate = await createTollgate({
      config: testConfig(),
      database: { ...database, db: database.db.withPlugin(recorder) },
    });
    const handle = tollgate.nodeHandler(tollgate.router);
    server = createServer((req, res) => inRequest.run(true, () => handle(req, res)));
    server.listen(0, "127.0.0.1");
    await once(server, "listening");
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    for (let i = 0; i < ROUNDS; i++) {
      const passwordHash = await tollgate.services.auth.passwords.hash(`timed ${i} passphrase`);
      const user = await tollgate.services.users.create({ username: `timed${i}`, passwordHash });
      await tollgate.services.users.attachEmail(user.id, `timed${i}@example.org`);
    }
    // Deferred work is held: it runs after the answer, on the test's cue and outside the request.
    Object.assign(tollgate.services.mailer, { defer: (task: () => Promise<void>) => held.push(task) });
  });
  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    await tollgate?.close();
    await testDb?.drop();
  });

  async function request(browser: TestBrowser, email: string) {
    const from = recorder.statements.length;
    const res = await browser.mutation("auth.requestPasswordReset", { email });
    const statements = recorder.statements.slice(from);
    const deferred = held.splice(0);
    return { res, statements, deferred };
  }

  it("answers a known and an unknown address alike, running no statement before the answer", async () => {
    const browser = new TestBrowser(url);
    await browser.query("meta.info");
    const outboxRows = () => tollgate.services.database.db.selectFrom("mail_outbox").select("id").execute();
    for (let i = 0; i < ROUNDS; i++) {
      const known = await request(browser, `timed${i}@example.org`);
      const unknown = await request(browser, `absent${i}@example.org`);
      expect(known.res.status).toBe(200);
      expect(unknown.res.status).toBe(200);
      expect(known.res.body).toEqual(unknown.res.body);
      expect([...known.res.headers.keys()].sort()).toEqual([...unknown.res.headers.keys()].sort());
      // Nothing that depends on the address ran before the answer: no statement at all.
      expect(known.statements).toEqual([]);
      expect(unknown.statements).toEqual([]);
      expect(known.deferred).toHaveLength(1);
      expect(unknown.deferred).toHaveLength(1);
      // The deferred work is where they differ: only the known address gets a mail.
      const before = (await outboxRows()).length;
      for (const task of unknown.deferred) await task();
      expect((await outboxRows()).length).toBe(before);
      for (const task of known.deferred) await task();
      expect((await outboxRows()).length).toBe(before + 1);
    }
    // Those were the client network's 20 requests of the window: the next is refused, whatever the address.
    const over = await browser.mutation("auth.requestPasswordReset", { email: "fresh@example.org" });
    expect(over.status).toBe(429);
  });
});
