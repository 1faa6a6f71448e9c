// GitHub's published GraphQL schema, built once per process, for the fake GitHubs of the tests,
// the demo and the bench to answer (and so validate) every document firebreak sends.
import { readFileSync } from "node:fs";
import { buildSchema, type GraphQLSchema } from "graphql";

let schemaCache: GraphQLSchema | null = null;

export function githubSchema(): GraphQLSchema {
  if (!schemaCache) {
    // The package exports only its (eagerly parsed, 5 MB) JSON; the SDL sits next to its entry.
    const idl = readFileSync(
      new URL("./schema.graphql", import.meta.resolve("@octokit/graphql-schema")),
      "utf8",
    );
    // The published SDL defines one field twice, which full SDL validation rejects.
    schemaCache = buildSchema(idl, { assumeValidSDL: true });
  }
  return schemaCache;
}
