import { collectCommands } from '../chat/registry';
import type { Unit } from '../unit';
import { registerHolidayCommands, warnMissingSchedule } from './holiday-commands';

/** The working calendar: holiday imports by chat and the yearly "schedule missing" warning. */
export const calendarUnit: Unit = {
  name: 'calendar',
  setup: ({ calendar }) => ({
    commands: collectCommands((r) => registerHolidayCommands(r, calendar)),
    jobs: [{ name: 'holiday-warning', run: (em, now) => warnMissingSchedule(em, now, calendar) }],
  }),
};
