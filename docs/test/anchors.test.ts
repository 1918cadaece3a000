import { describe, expect, it } from "vitest";
import { deadAnchors, sitePages } from "./anchors.js";

describe("anchors of internal links", () => {
  it("every `page#anchor` link names a heading of its page (VitePress's slugs, {#id} ids included)", async () => {
    const pages = sitePages();
    expect(pages.has("SECURITY.md") && pages.has("operations/configuration.md")).toBe(true);
    expect(await deadAnchors(pages)).toEqual([]);
  }, 60_000);

  it("finds a dead anchor, by absolute and relative link and on the same page", async () => {
    const pages = new Map([
      ["guide/a.md", "# A\n\n## Local part\n\n[ok](#local-part) [dead](#nowhere)\n"],
      [
        "guide/b.md",
        "# B\n\n[ok](/concepts/c#rfc-9700-§4-14-2-x) [ok](../concepts/c.md#kept) [ok](/guide/#start)\n" +
          "[dead](/concepts/c#rfc-9700-4-14-2-kept) [dead](./a#local) [dead](/concepts/missing#x)\n",
      ],
      ["concepts/c.md", "# C\n\n## RFC 9700 §4.14.2, x\n\n## Kept § 2 {#kept}\n"],
      ["guide/index.md", "# Guide\n\n## Start\n"],
    ]);
    expect(await deadAnchors(pages)).toEqual([
      "guide/a.md: #nowhere",
      "guide/b.md: /concepts/c#rfc-9700-4-14-2-kept",
      "guide/b.md: ./a#local",
      "guide/b.md: /concepts/missing#x",
    ]);
  }, 60_000);
});
