import fs from 'node:fs';
import nodePath from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import { projectPath } from '../config';

const duration = z.string().regex(/^\d+(\.\d+)?[mhd]$/, '应为 数字+单位，例如 30m、2h、3d');

const phase = z.object({ limit: duration, warn: duration, escalate: duration }).strict();
const urgency = z.object({
  /** working: counted in working hours of the calendar; clock: around the clock. */
  clock: z.enum(['working', 'clock']),
  ack: phase,
  done: phase,
}).strict();

const settingsSchema = z.object({
  departments: z.string().default('config/departments.yaml'),
  /** Below this the dispatcher (admin group) picks the department. */
  confidenceThreshold: z.coerce.number().min(0).max(1).default(0.45),
  sla: z.object({ normal: urgency, urgent: urgency }).strict(),
}).strict();

export type DeskSettings = z.infer<typeof settingsSchema>;
export type UrgencySla = z.infer<typeof urgency>;
export type PhaseSla = z.infer<typeof phase>;

export const DEFAULT_SETTINGS: DeskSettings = {
  departments: 'config/departments.yaml',
  confidenceThreshold: 0.45,
  sla: {
    normal: { clock: 'working', ack: { limit: '2h', warn: '30m', escalate: '1h' }, done: { limit: '3d', warn: '4h', escalate: '4h' } },
    urgent: { clock: 'clock', ack: { limit: '30m', warn: '10m', escalate: '15m' }, done: { limit: '24h', warn: '2h', escalate: '2h' } },
  },
};

export function parseSettings(raw: unknown): DeskSettings {
  const r = settingsSchema.safeParse(raw ?? DEFAULT_SETTINGS);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = ['whistle', ...issue.path].join('.');
    if (issue.code === 'unrecognized_keys') throw new Error(`未知的配置项 ${issue.keys.map((k) => `${where}.${k}`).join('、')}：请检查拼写`);
    throw new Error(`配置项 ${where} 无效：${issue.message}`);
  }
  return r.data;
}

/** Minutes of a duration; a day is `dayMinutes` long (a working day on the working clock). */
export function minutesOf(d: string, dayMinutes: number): number {
  const n = Number(d.slice(0, -1));
  const unit = d.slice(-1);
  return Math.round(unit === 'm' ? n : unit === 'h' ? n * 60 : n * dayMinutes);
}

export interface DepartmentSpec {
  name: string;
  duties: string[];
  keywords: string[];
  problems: string[];
}

export interface UrgentRule {
  label: string;
  pattern: RegExp;
  /** The department that usually answers it (gas leak → the gas company). */
  department?: string;
}

const fileSchema = z.object({
  departments: z.array(z.object({
    name: z.string().min(1),
    duties: z.array(z.string()).default([]),
    keywords: z.array(z.string()).default([]),
    problems: z.array(z.string()).default([]),
  })).min(1),
  urgent: z.array(z.object({ label: z.string(), pattern: z.string(), department: z.string().optional() })).default([]),
  places: z.array(z.string().min(1)).default([]),
  /** A file of labelled example reports per department, relative to this file. */
  training: z.string().optional(),
});

const trainingSchema = z.object({ examples: z.record(z.string(), z.array(z.string())) });

/** A labelled report the router trains on beside the duties: what a department's problems sound like. */
export interface LabelledText {
  text: string;
  department: string;
}

export interface DepartmentsFile {
  departments: DepartmentSpec[];
  urgent: UrgentRule[];
  /** Words naming where a problem is (学校, 医院, 菜市场…): they locate a report, they do not route it. */
  places: string[];
  examples: LabelledText[];
}

export function loadDepartmentsFile(file: string): DepartmentsFile {
  const path = projectPath(file);
  const r = fileSchema.safeParse(YAML.parse(fs.readFileSync(path, 'utf8')));
  if (!r.success) throw new Error(`${file} 有误：${r.error.issues[0].path.join('.')} ${r.error.issues[0].message}`);
  let examples: LabelledText[] = [];
  if (r.data.training) {
    const training = nodePath.resolve(nodePath.dirname(path), r.data.training);
    const t = trainingSchema.safeParse(YAML.parse(fs.readFileSync(training, 'utf8')));
    if (!t.success) throw new Error(`${r.data.training} 有误：${t.error.issues[0].path.join('.')} ${t.error.issues[0].message}`);
    examples = Object.entries(t.data.examples).flatMap(([department, texts]) => texts.map((text) => ({ text, department })));
  }
  return {
    departments: r.data.departments,
    urgent: r.data.urgent.map((u) => ({ label: u.label, pattern: new RegExp(u.pattern), ...(u.department ? { department: u.department } : {}) })),
    places: r.data.places,
    examples,
  };
}
