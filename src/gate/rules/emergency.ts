import { z } from 'zod';
import { finding, type Rule } from './types';

const CATEGORIES = ['防汛', '防台', '疫情', '安全生产', '火灾', '地震', '突发事件', '森林防火', '极端天气', '公共卫生'];

/** 紧急通道: real emergencies pass at once, day or night; each use is recorded and reported. */
export const emergency: Rule<string[]> = {
  id: 'emergency',
  name: '紧急通道',
  summary: '写明类别和理由即立即发送，记录在案',
  enabledByDefault: true,
  value: {
    schema: z.array(z.string().trim().min(1).max(16)).min(1, '至少一个类别'),
    default: CATEGORIES,
    unit: '',
    hint: '紧急类别，用顿号分隔，如 防汛、火灾',
    fromText: (raw) => raw.split(/[、,，\s]+/).filter(Boolean),
  },
  grantsUrgency(n, ctx) {
    return !!n.emergency && ctx.value.includes(n.emergency.category) && n.emergency.reason.trim().length > 0;
  },
  check(n, ctx) {
    if (!n.emergency) return null;
    const cats = ctx.value;
    if (!cats.includes(n.emergency.category)) {
      return finding(this, 'hold', `「${n.emergency.category}」不是紧急类别（可用：${cats.join('、')}）。`, { fixes: [{ label: '改为紧急类别', command: '/紧急 {id}' }] });
    }
    if (!n.emergency.reason.trim()) {
      return finding(this, 'hold', '申请紧急须写明理由，例如：紧急:防汛 今晚有暴雨。', { fixes: [{ label: '补写理由', command: '/紧急 {id}' }] });
    }
    return finding(this, 'warn', `按紧急（${n.emergency.category}）立即发送，已记录备查。`);
  },
  checkReceived: () => null,
};

/** The categories in force, for prompts that list them. */
export const emergencyCategories = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : CATEGORIES);
