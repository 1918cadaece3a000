import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * Every code sample on the site is a file that pnpm typecheck compiles: pages
 * include it with `<<< @/../examples/snippets/src/…` (VitePress reads the file
 * at build time) and carry no TypeScript of their own.
 */

const DOCS = fileURLToPath(new URL("../", import.meta.url));
const REPO = fileURLToPath(new URL("../../", import.meta.url));
const SNIPPETS = "examples/snippets/src/";
/** Files outside examples/snippets that a page may include: compiled and run by their package's tests. */
const OTHER_COMPILED = ["packages/testing/test/readme-example.test.ts"];
/** Generated pages (git-ignored) and what is not a page. */
const SKIP = ["api", "node_modules", ".vitepress", "scripts", "test"];

function pages(dir = DOCS): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return SKIP.includes(relative(DOCS, path)) ? [] : pages(path);
    return name.endsWith(".md") ? [path] : [];
  });
}

const sources = pages().map((path) => ({ page: relative(DOCS, path), text: readFileSync(path, "utf8") }));
const includes = sources.flatMap(({ page, text }) =>
  // `<<< @/../file.ts`, with an optional `{lang}` or `{lines}`, `#region`, and a code group's `[tab label]`.
  [...text.matchAll(/^<<< @\/\.\.\/([^\s#{]+)(?:\{[^}]*\})?(?:#([\w-]+))?(?:\{[^}]*\})?(?: \[[^\]]+\])?$/gm)].map(
    (match) => ({
      page,
      file: match[1] ?? "",
      region: match[2],
    }),
  ),
);

describe("code samples on the site", () => {
  it("reads the site's pages, the design documents among them", () => {
    expect(sources.map((source) => source.page)).toEqual(
      expect.arrayContaining(["SECURITY.md", "ARCHITECTURE.md", "guide/app/express.md", "guide/client/react.md"]),
    );
    expect(includes.length).toBeGreaterThan(20);
  });

  it("no page carries TypeScript or JavaScript of its own: code comes from compiled files", () => {
    const inline = sources.flatMap(({ page, text }) =>
      [...text.matchAll(/^\s*```\s*(ts|tsx|typescript|js|jsx|javascript|mjs|cjs)\b/gim)].map(() => page),
    );
    expect(inline).toEqual([]);
  });

  it("no fenced block holds a markdown link (it would show as text): links go in the prose", () => {
    const linked = sources.flatMap(({ page, text }) =>
      [...text.matchAll(/^```[^\n]*\n([\s\S]*?)^```/gm)]
        .filter((block) => /\]\((\/|\.|#|https?:)[^)\s]*\)/.test(block[1] ?? ""))
        .map((block) => `${page}: ${(block[1] ?? "").split("\n")[0]}`),
    );
    expect(linked).toEqual([]);
  });

  it("every include names a file pnpm typecheck compiles, and the file exists", () => {
    for (const { page, file } of includes) {
      expect(file.startsWith(SNIPPETS) || OTHER_COMPILED.includes(file), `${page}: ${file}`).toBe(true);
      expect(existsSync(join(REPO, file)), `${page}: ${file}`).toBe(true);
    }
  });

  it("every region an include names (`file.ts#name`) is marked in the file", () => {
    const regions = includes.filter((include) => include.region !== undefined);
    expect(regions.length).toBeGreaterThan(0);
    for (const { page, file, region } of regions) {
      const source = readFileSync(join(REPO, file), "utf8");
      expect(source, `${page}: ${file}#${region}`).toContain(`// #region ${region}\n`);
      expect(source, `${page}: ${file}#${region}`).toContain(`// #endregion ${region}\n`);
    }
  });

  it("every snippet is shown on some page", () => {
    const snippets = readdirSync(join(REPO, SNIPPETS)).filter((name) => /\.tsx?$/.test(name));
    const shown = new Set(includes.map((include) => include.file));
    expect(snippets.filter((name) => !shown.has(`${SNIPPETS}${name}`))).toEqual([]);
  });

  it("examples/snippets and packages/testing typecheck their files", () => {
    const snippetsConfig = JSON.parse(readFileSync(join(REPO, "examples/snippets/tsconfig.json"), "utf8"));
    expect(snippetsConfig.include).toContain("src");
    const testingConfig = JSON.parse(readFileSync(join(REPO, "packages/testing/tsconfig.json"), "utf8"));
    expect(testingConfig.include).toContain("test");
  });
});
