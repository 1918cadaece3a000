import { readdirSync, readFileSync } from "node:fs";
import { CREDENTIAL_PROCEDURES } from "@tollgate/auth/protocol";
import { describe, expect, it } from "vitest";
import { PUBLISHED_PACKAGES } from "../scripts/api-reference.js";

/** Lists written by hand on the pages, held to the code they describe. */

const page = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), "utf8");

describe("lists on the pages", () => {
  it("the HTTP API names every procedure refused inside a batch: CREDENTIAL_PROCEDURES, no more", () => {
    const text = page("guide/api.md");
    const paragraph = text.slice(text.indexOf("refused inside a"), text.indexOf("`CREDENTIAL_PROCEDURES`"));
    const named = [...paragraph.matchAll(/`(auth\.[\w.]+)`/g)].map((match) => match[1]);
    expect(named.sort()).toEqual([...CREDENTIAL_PROCEDURES].sort());
  });

  it("getting started's repository list names every package under packages/", () => {
    const text = page("guide/getting-started.md");
    const packages = readdirSync(new URL("../../packages/", import.meta.url));
    for (const name of packages) expect(text, name).toMatch(new RegExp(`^packages/${name} `, "m"));
  });

  it("upgrades count the published packages", () => {
    const words = ["none", "one", "two", "three", "four", "five", "six", "seven", "eight"];
    expect(page("operations/upgrades.md")).toContain(`the ${words[PUBLISHED_PACKAGES.length]} published packages`);
  });
});
