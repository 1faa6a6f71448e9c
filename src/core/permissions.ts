// Who may run which command: GitHub's repository roles, in order of what they allow.

export const PERMISSION_LEVELS = ["read", "triage", "write", "maintain", "admin"] as const;
export type PermissionLevel = (typeof PERMISSION_LEVELS)[number];

/** Commands whose permission the configuration can set (`/help` is open to everyone who can read). */
export const GATED_COMMANDS = [
  "status",
  "severity",
  "role",
  "update",
  "notice",
  "note",
  "started",
  "impact",
  "cause",
  "action-item",
  "incident",
  "rollback",
] as const;
export type GatedCommand = (typeof GATED_COMMANDS)[number];

/** The reporter of an incident may always add to its record, whatever their role. */
export const REPORTER_MAY_RUN: readonly GatedCommand[] = ["note", "impact", "update"];

export type Permissions = { default: PermissionLevel } & Record<GatedCommand, PermissionLevel | null>;

export function allows(granted: PermissionLevel | null, needed: PermissionLevel): boolean {
  return granted !== null && PERMISSION_LEVELS.indexOf(granted) >= PERMISSION_LEVELS.indexOf(needed);
}

export function neededFor(command: GatedCommand, permissions: Permissions): PermissionLevel {
  return permissions[command] ?? permissions.default;
}

/** GitHub's collaborator permission answer: `role_name` is precise (triage, maintain); `permission` is coarse. */
export function permissionFromRole(
  roleName: string | null | undefined,
  permission: string | null | undefined,
): PermissionLevel | null {
  const role = (roleName ?? "").toLowerCase();
  if ((PERMISSION_LEVELS as readonly string[]).includes(role)) return role as PermissionLevel;
  const coarse = (permission ?? "").toLowerCase();
  return (PERMISSION_LEVELS as readonly string[]).includes(coarse) ? (coarse as PermissionLevel) : null;
}
