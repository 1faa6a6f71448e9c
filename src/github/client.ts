import type { Octokit } from "@octokit/core";

/** What firebreak needs of an Octokit: Probot's and @actions/github's both fit. */
export type GitHubClient = Pick<Octokit, "request" | "graphql">;

export interface RepoRef {
  owner: string;
  repo: string;
}

export interface IssueRef extends RepoRef {
  issueNumber: number;
}
