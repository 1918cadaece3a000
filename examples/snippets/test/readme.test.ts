import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";

// The README quotes every snippet whole: what it shows is what pnpm typecheck compiled.
const readme = readFileSync(new URL("../../../README.md", import.meta.url), "utf8");
const files = readdirSync(new URL("../src/", import.meta.url)).filter((name) => /\.tsx?$/.test(name));

it.each(files)("README quotes src/%s as it is", (name) => {
  const text = readFileSync(new URL(`../src/${name}`, import.meta.url), "utf8");
  expect(readme).toContain(
    `\`\`\`${name.endsWith(".tsx") ? "tsx" : "ts"}\n// examples/snippets/src/${name}\n${text}\`\`\``,
  );
});
