import { existsSync, statSync } from "node:fs";
import { dirname, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import type { MarkdownRenderer } from "vitepress";

/** The site's source folder (docs/) and the repository around it. */
const DOCS_ROOT = fileURLToPath(new URL("..", import.meta.url));
const REPO_ROOT = resolve(DOCS_ROOT, "..");

/**
 * The design documents (SECURITY.md, ARCHITECTURE.md) link to source files and
 * to BENCHMARKS.md with relative paths, which work on GitHub. On the site those
 * files are not pages: such a link becomes a link to the file in the repository.
 * A relative link that stays inside docs/ is left alone, so VitePress still
 * fails the build when it names a page that does not exist; one that leaves
 * docs/ for a file that does not exist fails the build here.
 */
export function repositoryLinks(md: MarkdownRenderer, repository: string): void {
  md.core.ruler.push("tollgate-repository-links", (state) => {
    const page = (state.env as { path?: string }).path;
    if (!page) return;
    for (const block of state.tokens) {
      for (const token of block.children ?? []) {
        if (token.type !== "link_open") continue;
        const href = token.attrGet("href");
        if (!href || /^([a-z][a-z0-9+.-]*:|\/|#)/i.test(href)) continue;
        const [target = "", hash] = href.split("#");
        const file = resolve(dirname(page), decodeURI(target));
        if (file === DOCS_ROOT.replace(/\/$/, "") || file.startsWith(DOCS_ROOT)) continue;
        const path = relative(REPO_ROOT, file).split(sep).join("/");
        if (!existsSync(file))
          throw new Error(`${relative(DOCS_ROOT, page)}: the link ${href} names ${path}, which does not exist`);
        const kind = statSync(file).isDirectory() ? "tree" : "blob";
        token.attrSet("href", `${repository}/${kind}/main/${path}${hash === undefined ? "" : `#${hash}`}`);
      }
    }
  });
}
