import { type PermissionLevel, permissionFromRole } from "../core/permissions.js";
import type { GitHubClient, RepoRef } from "./client.js";
import { statusOf } from "./labels.js";

/** A person's role on the repository, once per comment; null when they have none. */
export async function fetchPermission(
  github: GitHubClient,
  repo: RepoRef,
  login: string,
): Promise<PermissionLevel | null> {
  try {
    const { data } = await github.request("GET /repos/{owner}/{repo}/collaborators/{username}/permission", {
      owner: repo.owner,
      repo: repo.repo,
      username: login,
    });
    return permissionFromRole(data.role_name, data.permission);
  } catch (error) {
    if (statusOf(error) === 404) return null;
    throw error;
  }
}
