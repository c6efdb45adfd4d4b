import type { Unit } from '../unit';
import { purgeInboundText } from './retention';

/** Keeps what people said only as long as configured (privacy.inboundRetentionDays). */
export const privacyUnit: Unit = {
  name: 'privacy',
  setup: ({ config }) => ({
    jobs: [{ name: 'purge-inbound-text', run: (em, now) => purgeInboundText(em, now, config.privacy.inboundRetentionDays) }],
  }),
};
