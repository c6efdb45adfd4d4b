import { WhistleDepartment, WhistleEvent, WhistleTicket, WhistleTimer } from '../../entities';
import { collectCommands } from '../chat/registry';
import type { Unit } from '../unit';
import { registerWhistleCommands } from './commands';
import { sweepTimers } from './escalation';
import { WhistleFigures } from './figures';
import { WhistleDesk1764400000000 } from './migrations/1764400000000-WhistleDesk';
import { DutyRevision1764800000000 } from './migrations/1764800000000-DutyRevision';
import { loadDepartmentsFile, parseSettings } from './settings';
import { WhistleDesk } from './tickets';

/** The whistle desk (吹哨报到): reports routed to the department that owns them, with time limits and escalation. */
export const whistleUnit: Unit = {
  name: 'whistle',
  entities: [WhistleDepartment, WhistleTicket, WhistleEvent, WhistleTimer],
  migrations: [WhistleDesk1764400000000, DutyRevision1764800000000],
  setup: ({ config, calendar, services }) => {
    const settings = parseSettings((config as Record<string, unknown>).whistle);
    const desk = services.provide('whistle.desk', new WhistleDesk(settings, loadDepartmentsFile(settings.departments), calendar));
    services.provide('whistle.figures', new WhistleFigures());
    return {
      commands: collectCommands((r) => registerWhistleCommands(r, desk)),
      jobs: [{ name: 'whistle-sla', run: (em, now) => sweepTimers(em, now, desk) }],
    };
  },
};
