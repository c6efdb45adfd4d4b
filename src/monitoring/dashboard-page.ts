import type { Figures } from './figures';
import { heatOption, rankingOption, trendOption, weeksOption, whistleOption } from './chart';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const esc = (s: string | number): string => String(s).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);

/** JSON inside <script type="application/json">: no sequence in the data can close the element. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
  .replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');

type Option = Record<string, unknown>;

/** The page's section headings name each chart, so the chart's own title goes and the rest moves up. */
function panel(o: Option): Option {
  const grid = o.grid as Option;
  return { ...o, title: undefined, ...(o.legend ? { legend: { ...(o.legend as Option), top: 0 } } : {}), grid: { ...grid, top: Number(grid.top) - 30 } };
}

export interface PageLinks {
  week: string;
  month: string;
  lastWeek: string;
  lastMonth: string;
}

/** The dashboard: figures as text (escaped), charts drawn in the browser from plain ECharts options. */
export function dashboardHtml(f: Figures, weeks: Figures[], links: PageLinks): string {
  const whistle = whistleOption(f);
  const options = {
    trend: panel(trendOption(f)), weeks: panel(weeksOption(weeks)), ranking: panel(rankingOption(f)), heat: panel(heatOption(f)), whistle: whistle && panel(whistle),
  };
  const tile = (label: string, value: string | number) => `<div class="tile"><div class="v">${esc(value)}</div><div class="l">${esc(label)}</div></div>`;
  const deptRows = f.departments.map((d, i) => `<tr><td>${i + 1}</td><td>${esc(d.name)}</td><td>${esc(d.score)}</td><td>${d.notices}</td><td>${d.urgent}</td><td>${d.fields}</td><td>${d.offHours}</td><td>${d.held}</td></tr>`).join('');
  const commRows = f.communities.map((c) => `<tr><td>${esc(c.name)}</td><td>${c.received}</td><td>${c.channels.groups}</td><td>${c.channels.apps}</td><td>${esc(c.channels.added.map((a) => `${a.department}：${a.name}`).join('；'))}</td></tr>`).join('');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>减负监测看板</title>
<style>
body{font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f4f5f7;color:#222}
header{background:#c9302c;color:#fff;padding:12px 20px}header h1{font-size:20px;margin:0}header nav a{color:#fff;margin-right:12px;font-size:14px}
main{padding:16px 20px;display:grid;gap:16px;grid-template-columns:repeat(auto-fit,minmax(min(420px,100%),1fr))}
section{min-width:0;overflow-x:auto}
.tiles{display:flex;flex-wrap:wrap;gap:12px;grid-column:1/-1}.tile{background:#fff;border-radius:6px;padding:10px 16px;min-width:110px}
.tile .v{font-size:24px;font-weight:bold}.tile .l{font-size:13px;color:#666}
section{background:#fff;border-radius:6px;padding:12px}section h2{font-size:15px;margin:0 0 8px}.chart{height:320px}
table{border-collapse:collapse;width:100%;font-size:13px}td,th{border-bottom:1px solid #eee;padding:4px 6px;text-align:left}
.none{color:#888;padding:40px 0;text-align:center}.method{grid-column:1/-1;font-size:12px;color:#666}
</style></head><body>
<header><h1>减负监测看板 · ${esc(f.period.label)}</h1>
<nav><a href="${esc(links.week)}">本周</a><a href="${esc(links.lastWeek)}">上周</a><a href="${esc(links.month)}">本月</a><a href="${esc(links.lastMonth)}">上月</a></nav></header>
<main>
<div class="tiles">${tile('收到通知', f.received)}${tile('通过', f.passed)}${tile('拦截', f.held)}${tile('顺延到上班', f.queuedOffHours)}${tile('紧急通道', f.emergencies)}${tile('节省工时（小时）', f.saved.hours)}${tile('匿名反映', f.complaints.filed)}</div>
<section><h2>每日趋势</h2><div class="chart" id="trend"></div></section>
<section><h2>近${weeks.length}周</h2><div class="chart" id="weeks"></div></section>
<section><h2>加负榜</h2><div class="chart" id="ranking"></div></section>
<section><h2>发文时间热力图</h2><div class="chart" id="heat"></div></section>
<section><h2>吹哨响应</h2>${options.whistle ? '<div class="chart" id="whistle"></div>' : '<div class="none">暂无</div>'}</section>
<section><h2>部门负担明细</h2><table id="departments"><thead><tr><th>#</th><th>部门</th><th>负担分</th><th>通知</th><th>急件</th><th>字段</th><th>非工作时间</th><th>被拦截</th></tr></thead><tbody>${deptRows || '<tr><td colspan="8">无</td></tr>'}</tbody></table></section>
<section><h2>社区收到与登记的群、应用</h2><table id="communities"><thead><tr><th>社区</th><th>收到通知</th><th>工作群</th><th>政务APP</th><th>本期新增</th></tr></thead><tbody>${commRows}</tbody></table></section>
<p class="method">口径：按通知提交时间统计；负担分=通知×1+急件×2+索要字段×0.2+非工作时间发文×2；节省工时=避免的事项数×每项分钟数（见周报）。</p>
</main>
<script type="application/json" id="chart-options">${scriptJson(options)}</script>
<script src="/dashboard/echarts.min.js"></script>
<script src="/dashboard/app.js"></script>
</body></html>`;
}

/** Runs in the page: draws each chart whose element exists; no data is ever put into HTML here. */
export const DASHBOARD_JS = `(function () {
  var options = JSON.parse(document.getElementById('chart-options').textContent);
  var charts = [];
  Object.keys(options).forEach(function (id) {
    var el = document.getElementById(id);
    if (!el || !options[id]) return;
    var chart = echarts.init(el);
    chart.setOption(options[id]);
    charts.push(chart);
  });
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-charts', String(charts.length));
})();
`;
