// The companion Action's entry point: only runs the runner (action/src/runner.ts), which reads the
// inputs and the event and calls into src/. Bundled to action/dist/index.js by `npm run bundle`.
// `mode: app` runs the firebreak app itself on the event instead (Actions-only mode: app-mode.ts).
import { getInput } from "@actions/core";
import { runApp } from "./app-mode.js";
import { run } from "./runner.js";

if (getInput("mode").trim().toLowerCase() === "app") await runApp();
else await run();
