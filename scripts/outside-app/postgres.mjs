// A fresh PostgreSQL database per run of the outside app, made and dropped
// with psql on the server TEST_DATABASE_URL names (as the test suites use).
import { execFileSync } from "node:child_process";

const serverUrl = new URL(process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test");

function psql(sql) {
  const admin = new URL(serverUrl);
  admin.pathname = "/postgres";
  execFileSync("psql", [admin.href, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql], {
    stdio: ["ignore", "ignore", "inherit"],
  });
}

/** Creates an empty database; the name is made by the caller from [a-z0-9_] only. */
export function createDatabase(name) {
  if (!/^[a-z0-9_]+$/.test(name)) throw new TypeError(`unsafe database name ${name}`);
  psql(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { name, url: url.href };
}

export function dropDatabase({ name }) {
  psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
