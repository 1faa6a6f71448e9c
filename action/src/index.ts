// The companion Action's entry point: only runs the runner (action/src/runner.ts), which reads the
// inputs and the event and calls into src/. Bundled to action/dist/index.js by `npm run bundle`.
import { run } from "./runner.js";

await run();
