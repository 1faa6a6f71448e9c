// Runs a TypeScript entry point (a benchmark, the demo) by bundling it with esbuild first, so
// that templates load as text exactly as in the app bundle. Usage: node scripts/run-ts.mjs FILE [ARGS…]
import { spawnSync } from "node:child_process";
import { basename, join } from "node:path";
import { build } from "esbuild";

const [entry, ...args] = process.argv.slice(2);
if (!entry) {
  console.error("usage: node scripts/run-ts.mjs FILE [ARGS…]");
  process.exit(2);
}
const outfile = join(process.cwd(), "node_modules", ".cache", "firebreak", `${basename(entry, ".ts")}.mjs`);
await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "esm",
  packages: "external",
  loader: { ".hbs": "text" },
  sourcemap: "inline",
  logLevel: "warning",
});
const result = spawnSync(process.execPath, ["--enable-source-maps", outfile, ...args], { stdio: "inherit" });
process.exitCode = result.status ?? 1;
