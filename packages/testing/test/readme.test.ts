import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

// The README's example is a test of this suite, quoted whole: what it shows has run.
it("README quotes test/readme-example.test.ts as it is", () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const example = readFileSync(new URL("readme-example.test.ts", import.meta.url), "utf8");
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});
