// The stylesheet ships as it is written: `@tollgate/react-ui/styles.css` (tsc copies no CSS).
// Beside it an empty declaration file, so `import "@tollgate/react-ui/styles.css"` type-checks
// under node16 and bundler resolution alike (attw checks every entry point for types).
import { copyFileSync, writeFileSync } from "node:fs";

copyFileSync(new URL("../src/styles.css", import.meta.url), new URL("../dist/styles.css", import.meta.url));
writeFileSync(new URL("../dist/styles.css.d.ts", import.meta.url), "export {};\n");
