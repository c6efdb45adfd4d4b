import { GateDecision, Incident, Notice, NoticeDelivery, NoticeReceipt, RuleSetting } from '../../entities';
import { collectCommands } from '../chat/registry';
import { projectPath } from '../config';
import { GateTruth1764000000000 } from '../migrations/1764000000000-GateTruth';
import type { Unit } from '../unit';
import { loadAdmissionList } from './admission';
import { noticeArgTypes, registerGateCommands } from './commands';
import { deliverDue, followApprovals, followDeliveries, sendReminders } from './delivery';
import { loadFormalismPatterns } from './formalism';
import { NoticeDesk } from './notice-desk';
import { registerReportCommand } from './report';
import { ruleDefaults } from './settings';

/** The notice gate: checks every notice against the rules, then delivers, collects receipts and reminds. */
export const gateUnit: Unit = {
  name: 'gate',
  // Their tables came with the core's second migration, before units existed.
  entities: [Notice, GateDecision, NoticeDelivery, NoticeReceipt, RuleSetting, Incident],
  migrations: [GateTruth1764000000000],
  setup: ({ config, calendar, services }) => {
    const desk = services.provide('gate.desk', new NoticeDesk({
      calendar,
      admission: loadAdmissionList(projectPath(config.admissionList)),
      formalism: loadFormalismPatterns(projectPath(config.formalismPatterns)),
      ruleDefaults: ruleDefaults(config.rules),
    }));
    return {
      commands: collectCommands((r) => registerGateCommands(r, desk), registerReportCommand),
      argTypes: noticeArgTypes,
      outboxListeners: [followDeliveries, followApprovals],
      jobs: [
        { name: 'deliver', run: (em, now) => deliverDue(em, now, desk) },
        { name: 'remind', run: (em, now) => sendReminders(em, now, desk) },
      ],
    };
  },
};
