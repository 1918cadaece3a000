import { describeConformance } from "./conformance/describe-conformance.js";
import { honoHost, nodeHost } from "./conformance/hosts.js";

// One suite, every adapter: the same cookies, checks and errors whatever hosts Tollgate.
describeConformance("node:http (nodeHandler)", nodeHost);
describeConformance("the Fetch API (fetchHandler in Hono on @hono/node-server)", honoHost);
