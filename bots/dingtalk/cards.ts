import type { ChatType, IncomingMessage, OutgoingBody } from '../types';
import type { DingTalkReplyContext } from './decode';

/**
 * DingTalk interactive cards (docs/platforms.md, "DingTalk buttons"). A card is created from a
 * template the operator builds once in DingTalk's card builder, with three variables: `title`
 * (text), `body` (markdown) and `buttons` (a loop of {label, command}) whose button sends a
 * "回传请求" with the param `command`, plus `done` (text, per-user) shown once a button was pressed. Clicks come back over the Stream socket on the SDK's card
 * topic, in groups as in 1:1 chats, with no @ needed.
 */
export interface CardTarget {
  chatId: string;
  chatType: ChatType;
}

/** Request body for POST /v1.0/card/instances/createAndDeliver. */
export function createAndDeliverBody(body: Extract<OutgoingBody, { kind: 'card' }>, target: CardTarget, opts: { templateId: string; robotCode: string; outTrackId: string }): Record<string, unknown> {
  const group = target.chatType === 'group';
  return {
    cardTemplateId: opts.templateId,
    outTrackId: opts.outTrackId,
    callbackType: 'STREAM',
    userIdType: 1,
    // cardParamMap values are strings; a loop variable travels as a JSON string.
    cardData: { cardParamMap: { title: body.title, body: body.body, buttons: JSON.stringify(body.buttons.map((b) => ({ label: b.label, command: b.command }))) } },
    openSpaceId: group ? `dtv1.card//IM_GROUP.${target.chatId}` : `dtv1.card//IM_ROBOT.${target.chatId}`,
    ...(group
      ? { imGroupOpenSpaceModel: { supportForward: true }, imGroupOpenDeliverModel: { robotCode: opts.robotCode } }
      : { imRobotOpenSpaceModel: { supportForward: true }, imRobotOpenDeliverModel: { spaceType: 'IM_ROBOT', robotCode: opts.robotCode } }),
  };
}

/**
 * The answer to a click (the Go SDK's CardResponse): only the clicker's private copy changes,
 * its `done` variable saying what was chosen, so a group card does not change for everyone.
 */
export function clickedCardUpdate(command: string): Record<string, unknown> {
  return { cardUpdateOptions: { updatePrivateDataByKey: true }, userPrivateData: { cardParamMap: { done: `已选择：${command}` } } };
}

/** The card callback's data (the Go SDK's CardRequest): `content` is itself a JSON string. */
export interface CardCallback {
  outTrackId?: string;
  userId?: string;
  spaceType?: string;
  spaceId?: string;
  content?: string;
}

/**
 * A click → the button's command as a message from the clicker. The chat comes from what we
 * remember of the card, else from the callback's space (IM_GROUP: the conversation id).
 */
export function decodeCardCallback(data: CardCallback, ctx: { botId: string; deliveryId: string; now: number; sentTo?: CardTarget }): IncomingMessage | null {
  let params: Record<string, unknown> = {};
  try {
    const content = JSON.parse(data.content ?? '') as { cardPrivateData?: { params?: Record<string, unknown> } };
    params = content.cardPrivateData?.params ?? {};
  } catch {
    return null;
  }
  const command = typeof params.command === 'string' ? params.command.trim() : '';
  const where: CardTarget | null = ctx.sentTo ?? (data.spaceType === 'IM_GROUP' && data.spaceId ? { chatId: data.spaceId, chatType: 'group' } : data.userId ? { chatId: data.userId, chatType: 'direct' } : null);
  if (!command || !data.userId || !where) return null;
  const replyContext: DingTalkReplyContext = { conversationType: where.chatType === 'group' ? '2' : '1', senderStaffId: data.userId };
  return {
    platform: 'dingtalk',
    botId: ctx.botId,
    messageId: `card:${ctx.deliveryId}`,
    chatId: where.chatId,
    chatType: where.chatType,
    senderId: data.userId,
    senderName: '',
    text: command,
    mentioned: true,
    attachments: [],
    sentAt: new Date(ctx.now).toISOString(),
    replyContext: replyContext as unknown as Record<string, unknown>,
    isCardAction: true,
  };
}
