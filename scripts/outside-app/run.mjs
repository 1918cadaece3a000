// The outside-app test (`pnpm outside-app`, .ci/run "outside app (Node 22 and 24)"):
// what "Add Tollgate to your app" promises, checked the way a user meets it.
// 1. pack every library with `pnpm pack` (after `pnpm build`);
// 2. copy tests/outside-app into a new temporary directory outside the
//    workspace and `npm install` it: the tarballs (with `overrides`, so their
//    own @tollgate/* dependencies resolve to tarballs too), Express, TypeScript;
//    no workspace links, and engines enforced (--engine-strict) under Node 22;
// 3. build it with tsc (the app's types come from the packed .d.ts files);
// 4. on Node 22 (newest 22.x from the npm registry) and Node 24 (the
//    workspace's), on the embedded database and on a fresh PostgreSQL database:
//    `npx tollgate --help`, `npx tollgate user:create`, start the app, sign in
//    through the SDK, call the app's own procedures, let the access token
//    expire (ACCESS_TOKEN_TTL=1) and see the SDK refresh once and succeed.
// Exits non-zero with a message naming the step on any failure.
import { execFileSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { buildLibraries, packLibraries, root } from "../library-packages.mjs";
import { createDatabase, dropDatabase } from "./postgres.mjs";

const template = join(root, "tests/outside-app");
const keep = process.argv.includes("--keep");

class StepFailed extends Error {}
function step(name) {
  console.log(`\n-- ${name}`);
}
function check(condition, message) {
  if (!condition) throw new StepFailed(message);
}

/** Runs a command to completion; its output is shown; throws StepFailed naming it on a non-zero exit. */
function run(command, args, options = {}) {
  try {
    // A hung step fails the run instead of hanging CI (npm installs get longer).
    return execFileSync(command, args, {
      stdio: ["pipe", "pipe", "inherit"],
      encoding: "utf8",
      timeout: 120_000,
      ...options,
    });
  } catch (error) {
    const why = error.signal ? `killed by ${error.signal}, after a timeout or from outside` : `exit ${error.status}`;
    throw new StepFailed(`${[command, ...args].join(" ")} failed (${why}): ${error.stdout ?? ""}`);
  }
}

/** The app's environment for one run: PATH starts with the chosen Node, so `npx tollgate` runs on it too. */
function appEnv(nodeBin, extra) {
  // The caller's environment (registry, proxy and CA settings npm needs), without Tollgate's own variables.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !TOLLGATE_VARIABLES.test(name) && !name.startsWith("npm_")),
  );
  return { ...inherited, PATH: `${dirname(nodeBin)}${delimiter}${process.env.PATH}`, ...extra };
}

/** Variables the app reads: only what a run sets reaches it. */
const TOLLGATE_VARIABLES =
  /^(PORT|HOST|DATABASE_URL|DATA_DIR|AUTH_SECRET.*|PUBLIC_ORIGIN|TOKEN_.*|ACCESS_TOKEN_.*|REFRESH_.*|SESSION_.*|COOKIE_.*|CORS_ORIGINS|INITIAL_.*|LOGIN_.*|REDIS_URL|TRUST_PROXY|METRICS_.*|SIGNUP|EMAIL_VERIFICATION|SMTP_URL|MAIL_FROM|NODE_ENV)$/;

/** Starts the app; resolves with its URL once it prints `listening <url>`, and a stop() that expects exit 0. */
function startApp(appDir, nodeBin, env) {
  const child = spawn(nodeBin, ["dist/server.js"], { cwd: appDir, env, stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => child.on("close", (code, signal) => resolve({ code, signal })));
  const url = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const match = /^listening (http:\/\/\S+)$/.exec(line);
      if (match) resolve(match[1]);
    });
    exited.then(({ code }) => reject(new StepFailed(`the app exited (${code}) before listening:\n${stderr}`)));
  });
  const stop = async () => {
    child.kill("SIGTERM");
    const { code, signal } = await exited;
    check(code === 0, `the app did not exit 0 on SIGTERM (code ${code}, signal ${signal}):\n${stderr}`);
  };
  return { url, stop, kill: () => child.kill("SIGKILL") };
}

async function exercise(appDir, nodeBin, label, databaseUrl) {
  const password = `outside ${randomBytes(6).toString("hex")}`;
  const env = appEnv(nodeBin, {
    DATA_DIR: join(appDir, `data-${label.replace(/\W+/g, "-")}`),
    AUTH_SECRET: randomBytes(32).toString("base64url"),
    ACCESS_TOKEN_TTL: "1",
    NODE_NO_WARNINGS: "1",
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
  });
  step(`${label}: npx tollgate --help, user:create`);
  const help = run("npx", ["--no-install", "tollgate", "--help"], { cwd: appDir, env });
  check(help.startsWith("Usage: tollgate"), `npx tollgate --help printed: ${help}`);
  const created = run("npx", ["--no-install", "tollgate", "user:create", "--username", "alice", "--password-stdin"], {
    cwd: appDir,
    env,
    input: `${password}\n`,
  });
  check(/^Created user alice /.test(created), `user:create printed: ${created}`);

  step(`${label}: start the app, sign in, own procedures, access token expiry and refresh`);
  const app = startApp(appDir, nodeBin, env);
  try {
    const url = await app.url;
    const out = run(nodeBin, ["dist/client-check.js", url, "alice", password], { cwd: appDir, env });
    const result = JSON.parse(out.trim().split("\n").at(-1));
    console.log(result);
    check(result.username === "alice" && result.me === "alice", "signed in as someone else");
    check(JSON.stringify(result.listed) === JSON.stringify(["from outside"]), "the app's own procedure answered wrong");
    check(
      result.refreshes === 1,
      `the SDK refreshed ${result.refreshes} times after the access token expired (want 1)`,
    );
    check(result.expired === 0, "the SDK reported the session expired");
    await app.stop();
  } catch (error) {
    app.kill();
    throw error;
  }
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "tollgate-outside-"));
  check(!work.startsWith(root), "the temporary directory is inside the workspace");
  const databases = [];
  try {
    step("build and pnpm pack every library");
    buildLibraries();
    const packs = join(work, "packs");
    mkdirSync(packs);
    const tarballs = packLibraries(packs);

    step("Node 22 from the npm registry (newest 22.x)");
    run("npm", ["install", "--prefix", join(work, "node22"), "--no-save", "--no-audit", "--no-fund", "node@22"], {
      timeout: 600_000,
    });
    const node22 = join(work, "node22/node_modules/.bin/node");
    const node24 = join(root, "node_modules/.bin/node");
    const versions = [
      [node22, run(node22, ["--version"]).trim()],
      [node24, run(node24, ["--version"]).trim()],
    ];
    console.log(versions.map(([, v]) => v).join(", "));
    check(versions[0][1].startsWith("v22."), `node@22 gave ${versions[0][1]}`);
    check(versions[1][1].startsWith("v24."), `the workspace's node is ${versions[1][1]}`);

    step("a new app outside the workspace: npm install (tarballs, Express, TypeScript), tsc");
    const appDir = join(work, "app");
    cpSync(template, appDir, { recursive: true, filter: (src) => !/[/\\](node_modules|dist)$/.test(src) });
    const manifest = JSON.parse(readFileSync(join(appDir, "package.template.json"), "utf8"));
    rmSync(join(appDir, "package.template.json"));
    const fileOf = (name) => `file:${tarballs.get(name)}`;
    for (const name of Object.keys(manifest.dependencies)) {
      if (name.startsWith("@tollgate/")) manifest.dependencies[name] = fileOf(name);
    }
    manifest.overrides = Object.fromEntries([...tarballs.keys()].map((name) => [name, fileOf(name)]));
    writeFileSync(join(appDir, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
    const installEnv = appEnv(node22, {});
    run("npm", ["install", "--engine-strict", "--no-audit", "--no-fund"], {
      cwd: appDir,
      env: installEnv,
      timeout: 600_000,
    });
    run("npm", ["run", "build"], { cwd: appDir, env: installEnv });

    for (const [nodeBin, version] of versions) {
      const major = version.split(".")[0];
      await exercise(appDir, nodeBin, `Node ${major.slice(1)}, embedded SQLite`);
      const database = createDatabase(`tollgate_outside_${major.slice(1)}_${randomBytes(4).toString("hex")}`);
      databases.push(database);
      await exercise(appDir, nodeBin, `Node ${major.slice(1)}, PostgreSQL`, database.url);
    }
    console.log(`\noutside app: passed on ${versions.map(([, v]) => v).join(" and ")}, SQLite and PostgreSQL`);
  } finally {
    for (const database of databases) {
      try {
        dropDatabase(database);
      } catch (error) {
        console.error(`could not drop ${database.name}: ${error.message}`);
      }
    }
    if (keep) console.log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(`\noutside app FAILED: ${error instanceof StepFailed ? error.message : (error?.stack ?? error)}`);
  process.exit(1);
});
