import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { generateApiReference } from "./api-reference.js";
import { configurationPage } from "./config-reference.js";
import { errorsPage } from "./errors-reference.js";

/**
 * docs:build and docs:dev run this first. The generated pages are git-ignored
 * and made afresh from the code at every build, so they cannot be stale;
 * docs/test checks what the generators produce.
 */
function write(path: string, text: string): void {
  const file = fileURLToPath(new URL(path, import.meta.url));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, text);
}

write("../operations/configuration.md", configurationPage());
write("../reference/errors.md", errorsPage());

const api = fileURLToPath(new URL("../api/", import.meta.url));
rmSync(api, { recursive: true, force: true });
await generateApiReference(api);
