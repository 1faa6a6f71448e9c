import { defineConfig, type Plugin } from "vitest/config";

// Templates are imported as text, the same way esbuild's `text` loader bundles them.
const hbsAsText: Plugin = {
  name: "hbs-as-text",
  transform(code, id) {
    if (id.endsWith(".md.hbs")) return { code: `export default ${JSON.stringify(code)};`, map: null };
    return null;
  },
};

export default defineConfig({
  plugins: [hbsAsText],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
  },
});
