import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { isSqliteOutage } from "../src/db/sqlite-errors.js";

/** The error `fn` throws (fails the test if it throws none). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error");
}

describe("isSqliteOutage: node:sqlite errors that mean the database is unavailable", () => {
  const file = () => join(mkdtempSync(join(tmpdir(), "tollgate-sqlite-errors-")), "test.db");

  it("SQLITE_BUSY: another connection holds BEGIN EXCLUSIVE (busy_timeout 0)", () => {
    const path = file();
    const holder = new DatabaseSync(path);
    holder.exec("PRAGMA journal_mode = WAL; CREATE TABLE t (x)");
    const other = new DatabaseSync(path, { timeout: 0 });
    holder.exec("BEGIN EXCLUSIVE");
    const error = thrown(() => other.exec("INSERT INTO t VALUES (1)"));
    expect(error).toMatchObject({ code: "ERR_SQLITE_ERROR", errcode: 5 });
    expect(isSqliteOutage(error)).toBe(true);
    holder.exec("ROLLBACK");
    holder.close();
    other.close();
  });

  it("SQLITE_LOCKED: a table in use by a running statement of the same connection", () => {
    const db = new DatabaseSync(":memory:");
    db.exec("CREATE TABLE t (x); INSERT INTO t VALUES (1), (2)");
    const rows = db.prepare("SELECT x FROM t").iterate();
    rows.next();
    const error = thrown(() => db.exec("DROP TABLE t"));
    expect(error).toMatchObject({ errcode: 6 });
    expect(isSqliteOutage(error)).toBe(true);
    db.close();
  });

  it("SQLITE_FULL: the database reached its size limit", () => {
    const db = new DatabaseSync(":memory:");
    db.exec("PRAGMA max_page_count = 3; CREATE TABLE t (x)");
    const error = thrown(() => {
      for (let i = 0; i < 100; i++) db.prepare("INSERT INTO t VALUES (?)").run("x".repeat(1000));
    });
    expect(error).toMatchObject({ errcode: 13 });
    expect(isSqliteOutage(error)).toBe(true);
    db.close();
  });

  it("SQLITE_CANTOPEN and SQLITE_READONLY", () => {
    const cantOpen = thrown(() => new DatabaseSync(join(tmpdir(), "no-such-dir-tollgate", "x", "test.db")));
    expect(cantOpen).toMatchObject({ errcode: 14 });
    expect(isSqliteOutage(cantOpen)).toBe(true);

    const path = file();
    new DatabaseSync(path).exec("CREATE TABLE t (x)");
    const readOnly = thrown(() => new DatabaseSync(path, { readOnly: true }).exec("INSERT INTO t VALUES (1)"));
    expect(readOnly).toMatchObject({ errcode: 8 });
    expect(isSqliteOutage(readOnly)).toBe(true);
  });

  it("SQLITE_IOERR with its extended codes (classified by the primary code in the low byte)", () => {
    // A disk failing cannot be provoked portably; this is the shape node:sqlite gives it.
    const ioError = Object.assign(new Error("disk I/O error"), {
      code: "ERR_SQLITE_ERROR",
      errcode: 778, // SQLITE_IOERR_WRITE
      errstr: "disk I/O error",
    });
    expect(isSqliteOutage(ioError)).toBe(true);
  });

  it("a closed database ('database is not open'), also as the cause of another error", () => {
    const db = new DatabaseSync(":memory:");
    db.close();
    const error = thrown(() => db.prepare("SELECT 1"));
    expect(error).toMatchObject({ code: "ERR_INVALID_STATE" });
    expect(isSqliteOutage(error)).toBe(true);
    expect(isSqliteOutage(new Error("query failed", { cause: error }))).toBe(true);
  });

  it("is false for bad statements, constraints and anything without a SQLite code", () => {
    const db = new DatabaseSync(":memory:");
    db.exec("CREATE TABLE t (x UNIQUE); INSERT INTO t VALUES (1)");
    const unique = thrown(() => db.exec("INSERT INTO t VALUES (1)"));
    expect(unique).toMatchObject({ code: "ERR_SQLITE_ERROR", errcode: 2067 });
    expect(isSqliteOutage(unique)).toBe(false);
    const syntax = thrown(() => db.exec("SELEC 1"));
    expect(isSqliteOutage(syntax)).toBe(false);
    const finalized = db.prepare("SELECT 1");
    db.close();
    // Node's ERR_INVALID_STATE of something other than a closed database.
    expect(thrown(() => finalized.all())).toMatchObject({ code: "ERR_INVALID_STATE" });
    expect(isSqliteOutage(thrown(() => finalized.all()))).toBe(false);
    // Messages alone never count.
    expect(isSqliteOutage(new Error("database is locked"))).toBe(false);
    expect(isSqliteOutage(Object.assign(new Error("database is locked"), { code: "23505" }))).toBe(false);
    expect(isSqliteOutage(undefined)).toBe(false);
    expect(isSqliteOutage("SQLITE_BUSY")).toBe(false);
  });
});
