// Bundles firebreak with esbuild. Templates are bundled as text, the same way vitest loads them,
// so neither bundle needs anything from templates/ at run time.
//   node scripts/build.mjs         the app, for `npm start` (dependencies stay in node_modules)
//   node scripts/build.mjs action  the Action, self-contained, committed in action/dist
import { build } from "esbuild";

const common = {
  bundle: true,
  platform: "node",
  format: "esm",
  loader: { ".hbs": "text" },
  logLevel: "warning",
};

if (process.argv[2] === "action") {
  await build({
    ...common,
    entryPoints: ["action/src/index.ts"],
    outfile: "action/dist/index.js",
    target: "node24",
    // Bundled CommonJS dependencies call require(); an ESM bundle has none without this.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    legalComments: "none",
  });
} else {
  await build({
    ...common,
    // app.js is the Probot app function; main.js the server `npm start` runs (src/main.ts).
    entryPoints: { app: "src/index.ts", main: "src/main.ts" },
    outdir: "dist",
    target: "node20",
    packages: "external",
    sourcemap: true,
  });
}
