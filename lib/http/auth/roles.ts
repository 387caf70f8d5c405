// Roles, lowest first: each one can do everything the roles below it can.
// A route states the least role it needs; `public` routes need none (the
// page shell and the login endpoints, which must load before a token exists).

export const ROLES = ['viewer', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export type Access = 'public' | Role;

const RANK: Record<Access, number> = { public: 0, viewer: 1, operator: 2, admin: 3 };

export function isRole(v: unknown): v is Role {
  return typeof v === 'string' && (ROLES as readonly string[]).includes(v);
}

/** True when `role` (null: no credential) may use a route that needs `access`. */
export function permits(role: Role | null, access: Access): boolean {
  return (role ? RANK[role] : 0) >= RANK[access];
}
