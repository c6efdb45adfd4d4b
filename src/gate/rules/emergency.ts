import type { Rule } from './types';

export const emergencyCategories = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/** 紧急通道: real emergencies pass at once, day or night; each use is recorded and reported. */
export const emergency: Rule = {
  id: 'emergency',
  name: '紧急通道',
  valueHint: '类别，用顿号分隔',
  parseValue: (raw) => raw.split(/[、,，\s]+/).filter(Boolean),
  check(n, ctx) {
    if (!n.emergency) return null;
    const cats = emergencyCategories(ctx.value);
    if (!cats.includes(n.emergency.category)) {
      return { ruleId: this.id, ruleName: this.name, outcome: 'hold', reason: `「${n.emergency.category}」不是紧急类别（可用：${cats.join('、')}）。` };
    }
    if (!n.emergency.reason.trim()) {
      return { ruleId: this.id, ruleName: this.name, outcome: 'hold', reason: '申请紧急须写明理由，例如：紧急:防汛 今晚有暴雨。' };
    }
    return { ruleId: this.id, ruleName: this.name, outcome: 'warn', reason: `按紧急（${n.emergency.category}）立即送达，已记录备查。` };
  },
};
