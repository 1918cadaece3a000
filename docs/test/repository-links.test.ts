import { join } from "node:path";
import { createMarkdownRenderer } from "vitepress";
import { describe, expect, it } from "vitest";
import { repositoryLinks } from "../.vitepress/repository-links.js";
import { DOCS } from "./anchors.js";

const REPOSITORY = "https://github.com/example/tollgate";

async function hrefs(page: string, text: string): Promise<string[]> {
  const md = await createMarkdownRenderer(DOCS, { config: (it) => repositoryLinks(it, REPOSITORY) }, "/");
  const tokens = md.parse(text, { path: join(DOCS, page), relativePath: page });
  return tokens.flatMap((token) =>
    (token.children ?? []).flatMap((child) => (child.type === "link_open" ? [child.attrGet("href") ?? ""] : [])),
  );
}

describe("links from the site to the repository", () => {
  it("become links to the file or folder on GitHub; links between pages stay", async () => {
    expect(
      await hrefs(
        "SECURITY.md",
        "[a](../packages/auth/src/sessions.ts#L1) [b](../examples/snippets) [c](ARCHITECTURE.md#x) [d](/guide/api)",
      ),
    ).toEqual([
      `${REPOSITORY}/blob/main/packages/auth/src/sessions.ts#L1`,
      `${REPOSITORY}/tree/main/examples/snippets`,
      "ARCHITECTURE.md#x",
      "/guide/api",
    ]);
  });

  it("fail the build when the file does not exist", async () => {
    await expect(hrefs("guide/app/index.md", "[gone](../../../packages/auth/src/gone.ts)")).rejects.toThrow(
      "guide/app/index.md: the link ../../../packages/auth/src/gone.ts names packages/auth/src/gone.ts, which does not exist",
    );
  });
});
