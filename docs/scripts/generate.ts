import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { generateApiReference } from "./api-reference.js";

/** docs:build and docs:dev run this first: the generated pages are git-ignored and made afresh from the code. */
const api = fileURLToPath(new URL("../api/", import.meta.url));
rmSync(api, { recursive: true, force: true });
await generateApiReference(api);
