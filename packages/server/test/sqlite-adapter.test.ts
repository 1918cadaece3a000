import { DatabaseSync } from "node:sqlite";
import { describe, expect, it } from "vitest";
import { createSqliteAdapter } from "../src/db/sqlite-adapter.js";
import { isSqliteOutage } from "../src/db/sqlite-errors.js";

describe("the node:sqlite adapter's prepared statements", () => {
  const open = () => {
    const sqlite = new DatabaseSync(":memory:");
    sqlite.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT); INSERT INTO t (x) VALUES ('a'), ('b'), ('c')");
    return { sqlite, adapter: createSqliteAdapter(sqlite) };
  };

  it("prepares one SQL text once and reuses it, with fresh parameters each time", () => {
    const { sqlite, adapter } = open();
    const select = adapter.prepare("SELECT x FROM t WHERE id = ?");
    expect(adapter.prepare("SELECT x FROM t WHERE id = ?")).toBe(select);
    expect(select.reader).toBe(true);
    expect(select.all([1])).toEqual([{ x: "a" }]);
    expect(adapter.prepare("SELECT x FROM t WHERE id = ?").all([3])).toEqual([{ x: "c" }]);
    const update = adapter.prepare("UPDATE t SET x = ? WHERE id = ?");
    expect(update.reader).toBe(false);
    expect(update.run(["z", 2])).toMatchObject({ changes: 1 });
    expect(select.all([2])).toEqual([{ x: "z" }]);
    adapter.close();
    expect(sqlite.isOpen).toBe(false);
  });

  it("gives an iteration a statement of its own: the cached one still runs meanwhile", () => {
    const { adapter } = open();
    const sql = "SELECT id FROM t ORDER BY id";
    const rows = adapter.prepare(sql).iterate([]);
    expect(rows.next().value).toEqual({ id: 1 });
    expect(adapter.prepare(sql).all([])).toHaveLength(3);
    expect([...rows]).toEqual([{ id: 2 }, { id: 3 }]);
  });

  it("keeps a statement failing as a constraint would, and usable afterwards", () => {
    const { adapter } = open();
    const insert = adapter.prepare("INSERT INTO t (id, x) VALUES (?, ?)");
    expect(() => insert.run([1, "dup"])).toThrow(/UNIQUE/);
    expect(insert.run([9, "new"])).toMatchObject({ changes: 1 });
  });

  it("on a closed database, throws the error that reads as an outage", () => {
    const { sqlite, adapter } = open();
    adapter.prepare("SELECT x FROM t");
    sqlite.close();
    let error: unknown;
    try {
      adapter.prepare("SELECT x FROM t").all([]);
    } catch (caught) {
      error = caught;
    }
    expect(isSqliteOutage(error)).toBe(true);
  });
});
