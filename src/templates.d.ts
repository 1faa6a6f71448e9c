// Templates are plain .md.hbs files; esbuild and vitest load them as text.
declare module "*.md.hbs" {
  const text: string;
  export default text;
}
