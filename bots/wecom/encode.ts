import { createHash, randomBytes } from 'node:crypto';
import type { TemplateCard } from '@wecom/aibot-node-sdk';
import type { CardButton, OutgoingBody } from '../types';

/** Long-connection stream replies and markdown pushes: the SDK's documented 20480-byte cap. */
export const LONG_CONNECTION_MAX_BYTES = 20480;

export const DEFAULT_WELCOME = '您好，我是基层减负助手。发送 /帮助 查看可用命令。';
/** Group-robot webhook markdown cap (docs/platforms.md, "WeCom callback mode"). */
export const WEBHOOK_MARKDOWN_MAX_BYTES = 4096;

/** button_interaction cards hold at most six buttons. */
const MAX_CARD_BUTTONS = 6;

export function commandsLine(buttons: CardButton[]): string {
  return buttons.length ? `也可直接发送：${buttons.map((b) => b.command).join('、')}` : '';
}

/** Markdown text for a body, used for streams, markdown pushes and as the card fallback. */
export function markdownOf(body: OutgoingBody): string {
  switch (body.kind) {
    case 'text':
      return body.text;
    case 'markdown':
      return body.title && !body.text.startsWith(`**${body.title}**`) ? `**${body.title}**\n${body.text}` : body.text;
    case 'card': {
      const hints = body.buttons.map((b) => `- ${b.label}：发送 ${b.command}`).join('\n');
      return [`**${body.title}**`, body.body, hints].filter(Boolean).join('\n');
    }
  }
}

/**
 * Button keys carry the command so a click needs no server-side lookup; the index prefix keeps
 * keys unique when two buttons share a command (WeCom rejects duplicate keys).
 */
export function buttonKey(index: number, command: string): string {
  return `${index}:${command}`;
}

export function commandFromKey(key: string): string {
  return key.replace(/^\d+:/, '').trim();
}

/** task_id: unique per bot, only [A-Za-z0-9_-@], at most 128 bytes. */
export function newTaskId(outboxId: number): string {
  return `jf_${outboxId}_${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/** Same outbox row and text → same stream id, so a retried reply refreshes rather than duplicates. */
export function streamId(outboxId: number, content: string): string {
  return `jf_${outboxId}_${createHash('sha1').update(content).digest('hex').slice(0, 10)}`;
}

export function templateCard(body: Extract<OutgoingBody, { kind: 'card' }>, taskId: string): TemplateCard {
  const shown = body.buttons.slice(0, MAX_CARD_BUTTONS);
  // The text line keeps every command reachable by typing (older clients, >6 buttons).
  const sub = [body.body, commandsLine(body.buttons)].filter(Boolean).join('\n');
  return {
    card_type: 'button_interaction',
    main_title: { title: body.title },
    sub_title_text: sub,
    button_list: shown.map((b, i) => ({ text: b.label, style: 1, key: buttonKey(i, b.command) })),
    task_id: taskId,
  };
}

/** The card after a click: the pressed button reads as done, so a second tap is visibly pointless. */
export function doneCard(card: TemplateCard | undefined, taskId: string, pressedKey: string): TemplateCard {
  if (!card) {
    return {
      card_type: 'button_interaction',
      main_title: { title: '已收到' },
      sub_title_text: `已选择：${commandFromKey(pressedKey)}`,
      button_list: [{ text: '已处理', style: 2, key: pressedKey }],
      task_id: taskId,
    };
  }
  return {
    ...card,
    task_id: taskId,
    button_list: (card.button_list ?? []).map((b) => (b.key === pressedKey ? { ...b, text: `✓ ${b.text}`, style: 2 } : b)),
  };
}
