import fs from 'node:fs';
import { Resvg } from '@resvg/resvg-js';
import * as echarts from 'echarts';
import type { Figures } from './figures';

/** Debian's fonts-noto-cjk; without it Chinese labels cannot be drawn, but the chart still renders. */
const CJK_FONTS = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc',
  '/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc',
];
const FONT_FAMILY = 'Noto Sans CJK SC';

export const cjkFontFiles = (): string[] => CJK_FONTS.filter((f) => fs.existsSync(f));

type Option = Record<string, unknown>;
const WEEKDAYS = ['周一', '周二', '周三', '周四', '周五', '周六', '周日'];
const short = (date: string) => `${Number(date.slice(5, 7))}/${Number(date.slice(8, 10))}`;

/** 加负榜: burden score per department, highest on top. Plain data, no functions: the page reuses it. */
export function rankingOption(f: Figures, top = 10): Option {
  const list = f.departments.slice(0, top).reverse();
  return {
    title: { text: '加负榜（负担分）', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    grid: { left: 110, right: 40, top: 40, bottom: 30 },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: list.map((d) => d.name) },
    series: [{ type: 'bar', name: '负担分', data: list.map((d) => d.score), label: { show: true, position: 'right' }, itemStyle: { color: '#d9534f' } }],
  };
}

export function trendOption(f: Figures): Option {
  return {
    title: { text: '每日通知', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 24 },
    grid: { left: 40, right: 20, top: 60, bottom: 30 },
    xAxis: { type: 'category', data: f.daily.map((d) => short(d.date)) },
    yAxis: { type: 'value', minInterval: 1 },
    series: [
      { type: 'line', name: '收到', data: f.daily.map((d) => d.received) },
      { type: 'line', name: '通过', data: f.daily.map((d) => d.passed) },
      { type: 'line', name: '拦截', data: f.daily.map((d) => d.held) },
    ],
  };
}

/** Week over week: how the load and the gate's work move, the first thing a leader asks about. */
export function weeksOption(weeks: Figures[]): Option {
  const label = (f: Figures) => `${Number(f.period.key.slice(5, 7))}/${Number(f.period.key.slice(8, 10))}`;
  return {
    title: { text: '近几周', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 24 },
    grid: { left: 40, right: 40, top: 60, bottom: 30 },
    xAxis: { type: 'category', data: weeks.map(label) },
    yAxis: [{ type: 'value', minInterval: 1 }, { type: 'value', name: '小时', position: 'right' }],
    series: [
      { type: 'bar', name: '收到', data: weeks.map((f) => f.received) },
      { type: 'bar', name: '拦截', data: weeks.map((f) => f.held) },
      { type: 'line', name: '节省工时', yAxisIndex: 1, data: weeks.map((f) => f.saved.hours) },
    ],
  };
}

export function heatOption(f: Figures): Option {
  const data: [number, number, number][] = [];
  let max = 1;
  f.heat.forEach((hours, wd) => hours.forEach((v, h) => {
    data.push([h, wd, v]);
    max = Math.max(max, v);
  }));
  return {
    title: { text: '发文时间分布（周×时）', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { position: 'top', renderMode: 'richText' },
    grid: { left: 50, right: 20, top: 40, bottom: 70 },
    xAxis: { type: 'category', data: Array.from({ length: 24 }, (_, h) => `${h}时`), splitArea: { show: true } },
    yAxis: { type: 'category', data: WEEKDAYS, inverse: true, splitArea: { show: true } },
    visualMap: { min: 0, max, calculable: true, orient: 'horizontal', left: 'center', bottom: 0, inRange: { color: ['#f5f5f5', '#f0ad4e', '#d9534f'] } },
    series: [{ type: 'heatmap', name: '通知数', data, label: { show: true } }],
  };
}

export function whistleOption(f: Figures): Option | null {
  if (!f.whistle) return null;
  const w = f.whistle;
  const pct = (part: number, whole: number) => (whole ? Math.round((100 * part) / whole) : 0);
  return {
    title: { text: '吹哨响应（按时率）', left: 'center', textStyle: { fontSize: 14 } },
    tooltip: { trigger: 'axis', renderMode: 'richText' },
    legend: { top: 24 },
    grid: { left: 40, right: 20, top: 60, bottom: 40 },
    xAxis: { type: 'category', data: w.map((r) => r.department) },
    yAxis: { type: 'value', max: 100, axisLabel: { formatter: '{value}%' } },
    series: [
      { type: 'bar', name: '按时报到', data: w.map((r) => pct(r.reportedOnTime, r.reported)) },
      { type: 'bar', name: '按时办结', data: w.map((r) => pct(r.doneOnTime, r.done)) },
      { type: 'bar', name: '满意率', data: w.map((r) => pct(r.satisfied + r.basicallySatisfied, r.rated)) },
    ],
  };
}

/** The weekly report's picture: ranking on the left, daily trend on the right, one PNG. */
export function reportOption(f: Figures): Option {
  const rank = rankingOption(f);
  const trend = trendOption(f);
  const list = f.departments.slice(0, 10).reverse();
  return {
    animation: false,
    backgroundColor: '#ffffff',
    textStyle: { fontFamily: FONT_FAMILY },
    title: [
      { text: `减负监测 ${f.period.label}`, left: 'center', top: 8, textStyle: { fontSize: 16 } },
      { text: '加负榜（负担分）', left: '24%', top: 40, textAlign: 'center', textStyle: { fontSize: 13 } },
      { text: '每日通知', left: '74%', top: 40, textAlign: 'center', textStyle: { fontSize: 13 } },
    ],
    legend: { top: 62, left: '60%', data: ['收到', '通过', '拦截'] },
    grid: [{ left: 110, width: '32%', top: 90, bottom: 40 }, { left: '58%', right: 30, top: 90, bottom: 40 }],
    xAxis: [{ ...(rank.xAxis as Option), gridIndex: 0 }, { ...(trend.xAxis as Option), gridIndex: 1 }],
    yAxis: [{ ...(rank.yAxis as Option), gridIndex: 0, data: list.map((d) => d.name) }, { ...(trend.yAxis as Option), gridIndex: 1 }],
    series: [
      { ...(rank.series as Option[])[0], xAxisIndex: 0, yAxisIndex: 0 },
      ...(trend.series as Option[]).map((s) => ({ ...s, xAxisIndex: 1, yAxisIndex: 1 })),
    ],
  };
}

/** ECharts' server-side SVG, rasterised by resvg: no browser, no canvas build. */
export function renderPng(option: Option, width = 1000, height = 480): Buffer {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption({ animation: false, textStyle: { fontFamily: FONT_FAMILY }, ...option });
    const svg = chart.renderToSVGString();
    const fonts = cjkFontFiles();
    const resvg = new Resvg(svg, {
      background: '#ffffff',
      font: { fontFiles: fonts, loadSystemFonts: fonts.length === 0, defaultFontFamily: FONT_FAMILY, sansSerifFamily: FONT_FAMILY },
    });
    return resvg.render().asPng();
  } finally {
    chart.dispose();
  }
}
