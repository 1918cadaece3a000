import { existsSync, readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { entryPoints, PUBLISHED_PACKAGES } from "../scripts/api-reference.js";

it("the API reference documents every subpath each published package exports, from its source file", () => {
  const expected = PUBLISHED_PACKAGES.flatMap((dir) => {
    const manifest = JSON.parse(readFileSync(new URL(`../../packages/${dir}/package.json`, import.meta.url), "utf8"));
    // Stylesheets (`@tollgate/react-ui/styles.css`) have no API.
    return Object.keys(manifest.exports)
      .filter((subpath) => !subpath.endsWith(".css"))
      .map((subpath) => (subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`));
  });
  const entries = entryPoints();
  expect(entries.map((entry) => entry.module).sort()).toEqual(expected.sort());
  expect(entries.map((entry) => entry.module)).toContain("@tollgate/client-sdk/passkey");
  for (const entry of entries) expect(existsSync(entry.file), entry.file).toBe(true);
});

it("the published packages are every package under packages/ that is not private", () => {
  const root = new URL("../../packages/", import.meta.url);
  const published = readdirSync(root).filter((dir) => {
    const file = new URL(`${dir}/package.json`, root);
    return existsSync(file) && JSON.parse(readFileSync(file, "utf8")).private !== true;
  });
  expect([...PUBLISHED_PACKAGES].sort()).toEqual(published.sort());
});
