// Bundles the app for `npm start` (and, later, the Action). Templates are bundled as text, the
// same way vitest loads them, so the server needs nothing from templates/ at run time.
import { build } from "esbuild";

await build({
  entryPoints: ["src/index.ts"],
  outfile: "dist/app.js",
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  loader: { ".hbs": "text" },
  sourcemap: true,
  logLevel: "warning",
});
