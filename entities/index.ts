import { AuditLog } from './audit-log';
import { ChatGroup } from './chat-group';
import { Community } from './community';
import { Department } from './department';
import { InboundMessage } from './inbound-message';
import { Member } from './member';
import { OutboxMessage } from './outbox-message';
import { Street } from './street';

export * from './common';
export { AuditLog, ChatGroup, Community, Department, InboundMessage, Member, OutboxMessage, Street };

export const ENTITIES = [Street, Community, Department, Member, ChatGroup, AuditLog, InboundMessage, OutboxMessage];
