import { toHalfWidth } from '../../calendar/cn-text';

/**
 * Traditional forms of the characters the time grammar looks at. Notices pasted from
 * Hong Kong or Taiwan sources (and the Duckling/chrono corpora) use them; mapping
 * one character to one keeps match indexes valid in the original text.
 */
const TRADITIONAL: Record<string, string> = {
  點: '点', 號: '号', 週: '周', 禮: '礼', 後: '后', 鐘: '钟', 時: '时', 個: '个', 內: '内',
  兩: '两', 間: '间', 節: '节', 幾: '几', 這: '这', 於: '于', 準: '准', 報: '报', 歲: '岁',
  樓: '楼', 線: '线', 門: '门', 單: '单', 萬: '万', 億: '亿', 區: '区', 開: '开', 會: '会',
  頭: '头', 過: '过', 國: '国', 慶: '庆', 勞: '劳', 動: '动', 馬: '马', 盡: '尽',
  從: '从', 現: '现', 兒: '儿', 剛: '刚', 際: '际', 歷: '历', 曆: '历', 隻: '只',
};

const TRADITIONAL_RE = new RegExp(`[${Object.keys(TRADITIONAL).join('')}]`, 'g');

export function normalize(text: string): string {
  return toHalfWidth(text).replace(TRADITIONAL_RE, (c) => TRADITIONAL[c] ?? c);
}
