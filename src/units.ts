import { calendarUnit } from './calendar/unit';
import { directoryUnit } from './directory/unit';
import { gateUnit } from './gate/unit';
import { monitoringUnit } from './monitoring/unit';
import { whistleUnit } from './whistle/unit';
import { CORE_ENTITIES } from '../entities';
import { MIGRATIONS } from './migrations';
import { outboxUnit } from './outbox/unit';
import { privacyUnit } from './privacy/unit';
import type { Unit } from './unit';

/**
 * The one list of capabilities. Order matters only for services: a unit may use what an
 * earlier one provides. Adding a capability is one line here.
 */
export const UNITS: Unit[] = [directoryUnit, calendarUnit, gateUnit, outboxUnit, privacyUnit, whistleUnit, monitoringUnit];

export const ALL_ENTITIES = [...CORE_ENTITIES, ...UNITS.flatMap((u) => (u.entities ?? []) as unknown[])] as typeof CORE_ENTITIES;
/** In timestamp order, as TypeORM runs them, so core and unit migrations interleave correctly. */
const stamp = (m: { name: string }) => Number(/(\d{13})$/.exec(m.name)?.[1] ?? 0);
export const ALL_MIGRATIONS = [...MIGRATIONS, ...UNITS.flatMap((u) => u.migrations ?? [])].sort((a, b) => stamp(a) - stamp(b)) as typeof MIGRATIONS;
