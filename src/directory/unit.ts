import { collectCommands } from '../chat/registry';
import type { Unit } from '../unit';
import { registerAdminCommands } from './admin-commands';

/** Streets, communities, departments, members and group bindings. */
export const directoryUnit: Unit = {
  name: 'directory',
  setup: () => ({ commands: collectCommands(registerAdminCommands) }),
};
