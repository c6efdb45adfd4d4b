import { ValueTransformer } from 'typeorm';
import { maskPersonalData } from '../src/privacy/pii';

/** Roles a member can hold. 'guest' is anyone the bot has seen but no admin has registered yet. */
export const ROLES = ['admin', 'dept_staff', 'community_worker', 'guest'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: '管理员',
  dept_staff: '部门工作人员',
  community_worker: '社区工作者',
  guest: '未登记',
};

export const GROUP_KINDS = ['community', 'department', 'admin', 'supervision'] as const;
export type GroupKind = (typeof GROUP_KINDS)[number];

export const GROUP_KIND_LABELS: Record<GroupKind, string> = {
  community: '社区',
  department: '部门',
  admin: '管理组',
  supervision: '纪检监督',
};

/**
 * JSON kept in a TEXT column. TypeORM's simple-json would do, but an explicit transformer
 * keeps the column type identical ('text') in entities and migrations on both databases.
 */
export const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === undefined ? null : JSON.stringify(value)),
  // TypeORM 1.x also runs `from` over the values it has just written (arrays, objects): keep those as they are.
  from: (value: unknown) => (value == null ? null : typeof value === 'string' ? JSON.parse(value) : value),
};

/** Text whose 身份证号 and mobile numbers are masked on the way into the database. */
export const maskedText: ValueTransformer = {
  to: (value: unknown) => (typeof value === 'string' ? maskPersonalData(value) : value),
  from: (value: unknown) => value,
};
