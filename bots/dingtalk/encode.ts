import { bodyText, type CardButton, type ChatType, type OutgoingBody } from '../types';

/**
 * DingTalk refuses request bodies over 20 000 bytes. The outbox splits on the message text, so
 * keep room for the JSON envelope, the title and card buttons.
 */
export const DINGTALK_BODY_LIMIT = 20_000;
export const DINGTALK_MAX_TEXT_BYTES = 18_000;

/** Bytes a line takes on the wire inside msgParam (JSON inside JSON), with its escaped newline. */
function wireBytes(line: string): number {
  return Buffer.byteLength(JSON.stringify(JSON.stringify(line))) - 6 + 3;
}

/**
 * Text budget for one part. Quotes and backslashes grow up to fourfold inside msgParam, so the
 * budget shrinks by the worst line's growth: the outbox splits on whole lines, and a part can
 * grow no more than its worst line does.
 */
export function textBudget(body: OutgoingBody): number {
  let worst = 1;
  for (const line of bodyText(body).split('\n')) worst = Math.max(worst, wireBytes(line) / (Buffer.byteLength(line) + 1));
  return Math.floor(DINGTALK_MAX_TEXT_BYTES / worst);
}

/** The sampleActionCard templates stop at five buttons. */
const MAX_BUTTONS = 5;

/** A click on this link makes the user's client send the command as an ordinary message. */
export function commandUrl(command: string): string {
  return `dtmd://dingtalkclient/sendMessage?content=${encodeURIComponent(command)}`;
}

/** The robot's display name as users @ it; DingTalk removes "@name" before the bot sees the text. */
export const DEFAULT_BOT_NAME = '减负助手';

function commandsLine(buttons: CardButton[]): string {
  return buttons.length ? `也可直接发送：${buttons.map((b) => b.command).join('、')}` : '';
}

/**
 * In a group a dtmd:// button makes the client send its text without an @, and group robots
 * only receive @-messages (docs/platforms.md), so group cards carry no such buttons: each
 * action is spelt out as the line to send instead.
 */
function groupCardText(body: Extract<OutgoingBody, { kind: 'card' }>, botName: string): string {
  const lines = body.buttons.map((b) => `- ${b.label}：发送「@${botName} ${b.command}」`);
  return [`### ${body.title}`, body.body, lines.length ? `在群里请@我操作：\n${lines.join('\n')}` : ''].filter(Boolean).join('\n\n');
}

/** Markdown messages need a title (shown in the chat list); fall back to the first line. */
function titleOf(body: OutgoingBody): string {
  if (body.kind !== 'text' && body.title) return body.title;
  const first = (body.kind === 'card' ? body.body : body.text).split('\n')[0].replace(/[#*>`_[\]]/g, '').trim();
  return [...first].slice(0, 20).join('') || '减负助手';
}

function cardText(body: Extract<OutgoingBody, { kind: 'card' }>): string {
  return [`### ${body.title}`, body.body, commandsLine(body.buttons)].filter(Boolean).join('\n\n');
}

/** Body for a sessionWebhook POST. */
export function sessionBody(body: OutgoingBody, chatType: ChatType = 'direct', botName = DEFAULT_BOT_NAME): Record<string, unknown> {
  if (body.kind === 'card' && chatType === 'group') return { msgtype: 'markdown', markdown: { title: body.title, text: groupCardText(body, botName) } };
  switch (body.kind) {
    case 'text':
      return { msgtype: 'text', text: { content: body.text } };
    case 'markdown':
      return { msgtype: 'markdown', markdown: { title: titleOf(body), text: body.text } };
    case 'card':
      return {
        msgtype: 'actionCard',
        actionCard: {
          title: body.title,
          text: cardText(body),
          btnOrientation: '0',
          btns: body.buttons.slice(0, MAX_BUTTONS).map((b) => ({ title: b.label, actionURL: commandUrl(b.command) })),
        },
      };
  }
}

/** msgKey + msgParam (a JSON string) for the robot OpenAPI sends. */
export function openApiMessage(body: OutgoingBody, chatType: ChatType = 'direct', botName = DEFAULT_BOT_NAME): { msgKey: string; msgParam: string } {
  if (body.kind === 'card' && chatType === 'group') return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: body.title, text: groupCardText(body, botName) }) };
  switch (body.kind) {
    case 'text':
      return { msgKey: 'sampleText', msgParam: JSON.stringify({ content: body.text }) };
    case 'markdown':
      return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: titleOf(body), text: body.text }) };
    case 'card': {
      const buttons = body.buttons.slice(0, MAX_BUTTONS);
      const text = cardText(body);
      if (buttons.length === 0) return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: body.title, text }) };
      if (buttons.length === 1) {
        return { msgKey: 'sampleActionCard', msgParam: JSON.stringify({ title: body.title, text, singleTitle: buttons[0].label, singleURL: commandUrl(buttons[0].command) }) };
      }
      const param: Record<string, string> = { title: body.title, text };
      buttons.forEach((b, i) => {
        param[`actionTitle${i + 1}`] = b.label;
        param[`actionURL${i + 1}`] = commandUrl(b.command);
      });
      return { msgKey: `sampleActionCard${buttons.length}`, msgParam: JSON.stringify(param) };
    }
  }
}
