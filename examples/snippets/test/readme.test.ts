import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";

// A snippet the README quotes, it quotes whole: what it shows is what pnpm typecheck compiled.
// (The documentation site includes every snippet; docs/test/code-samples.test.ts checks that.)
const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const files = readdirSync(new URL("../src/", import.meta.url)).filter((name) => /\.tsx?$/.test(name));
const quoted = files.filter((name) => readme.includes(`// examples/snippets/src/${name}\n`));

it.each(quoted)("README quotes src/%s as it is", (name) => {
  const text = readFileSync(new URL(`../src/${name}`, import.meta.url), "utf8");
  expect(readme).toContain(
    `\`\`\`${name.endsWith(".tsx") ? "tsx" : "ts"}\n// examples/snippets/src/${name}\n${text}\`\`\``,
  );
});
