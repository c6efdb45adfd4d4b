import { AuditLog } from './audit-log';
import { ChatGroup } from './chat-group';
import { Community } from './community';
import { Department } from './department';
import { InboundMessage } from './inbound-message';
import { Member } from './member';
import { OutboxMessage } from './outbox-message';
import { Street } from './street';
import { Notice } from './notice';
import { GateDecision } from './gate-decision';
import { NoticeDelivery } from './notice-delivery';
import { NoticeReceipt } from './notice-receipt';
import { HolidayDay } from './holiday-day';
import { RuleSetting } from './rule-setting';
import { Incident } from './incident';
import { KvState } from './kv-state';
import { PendingAction } from './pending-action';
import { CallbackReplay } from './callback-replay';
import { Lease } from './lease';

export * from './common';
export { AuditLog, ChatGroup, Community, Department, InboundMessage, Member, OutboxMessage, Street };
export { Notice, GateDecision, NoticeDelivery, NoticeReceipt, HolidayDay, RuleSetting, Incident, KvState, PendingAction, CallbackReplay, Lease };
export type { NoticeStatus, NoticeTargets } from './notice';
export type { DeliveryStatus } from './notice-delivery';
export type { StoredFinding } from './gate-decision';

/** The core's tables; each unit in src/units.ts declares its own. */
export const CORE_ENTITIES = [
  Street, Community, Department, Member, ChatGroup, AuditLog, InboundMessage, OutboxMessage, HolidayDay, KvState, PendingAction, CallbackReplay, Lease,
];
export { WhistleDepartment } from './whistle-department';
export { WhistleTicket } from './whistle-ticket';
export type { TicketStatus } from './whistle-ticket';
export { WhistleEvent } from './whistle-event';
export { WhistleTimer } from './whistle-timer';
