import type Router from '@koa/router';
import { EntityManager, IsNull, Not } from 'typeorm';
import { InboundMessage, LedgerExport, LedgerGrant, LedgerRecord, LedgerRequest, LedgerSubmission, LedgerTerm, Member } from '../../entities';
import { audit } from '../audit';
import { collectCommands } from '../chat/registry';
import { projectPath } from '../config';
import type { AttachmentFetcher, Port, Unit } from '../unit';
import type { NoticeChecks } from '../gate/checks';
import type { NoticeDesk } from '../gate/notice-desk';
import { registerLedgerCommands } from './commands';
import { RepeatCheck } from './repeat-check';
import { cipherFromEnv, DataCipher } from './crypto';
import { Ledger1764300000000 } from './migration';
import { LedgerReader, type TableQuery } from './reader';
import { RequestBook } from './request-book';
import { LedgerStore } from './store';
import { SubmissionDesk } from './submissions';
import { writeXlsx } from './table-file';
import { Vocabulary, type EntityKind } from './vocabulary';

/** Everything the ledger's commands, hooks and routes share. */
export interface LedgerServices {
  vocab: Vocabulary;
  book: RequestBook;
  store: LedgerStore;
  reader: LedgerReader;
  submissions: SubmissionDesk;
  prepare(em: EntityManager): Promise<void>;
}

const REKEY_BATCH = 200;

/** Rows written under an older key are rewritten under the current one, a batch a minute. */
async function rekey(em: EntityManager, store: LedgerStore, cipher: DataCipher): Promise<number> {
  const rows = await em.find(LedgerRecord, { where: { keyId: Not(cipher.keyId) }, take: REKEY_BATCH });
  for (const r of rows) {
    const plain: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.fieldValues)) plain[k] = store.isSensitive(k) ? cipher.decrypt(v) : v;
    const identity = store.identityOf(r.entityKind as EntityKind, plain);
    if (!identity) continue;
    const values: Record<string, string> = {};
    for (const [k, v] of Object.entries(plain)) values[k] = store.isSensitive(k) ? cipher.encrypt(v) : v;
    Object.assign(r, { fieldValues: values, identity, keyId: cipher.keyId });
    await em.save(r);
  }
  return rows.length;
}

/**
 * A table pasted into chat is personal data the ledger keeps encrypted, so its stored chat message is
 * blanked once processed (the dispatcher writes the message row when the command ends, hence a job).
 */
async function redactPasted(em: EntityManager): Promise<number> {
  const subs = await em.find(LedgerSubmission, { where: { pastedInboundId: Not(IsNull()) }, take: REKEY_BATCH });
  for (const s of subs) {
    const msg = await em.findOne(InboundMessage, { where: { id: s.pastedInboundId! } });
    if (msg && msg.status === 'received') continue;
    if (msg) {
      const text = `/提交（表格已存入台账，第${s.requestId}号数据需求）`;
      await em.update(InboundMessage, { id: msg.id }, { text, payload: { ...(msg.payload as object), text } as never });
    }
    await em.update(LedgerSubmission, { id: s.id }, { pastedInboundId: null });
  }
  return subs.length;
}

/** The shared ledger (只录一次、多次使用): repeated-request checks, submissions, and reads. */
export const ledgerUnit: Unit = {
  name: 'ledger',
  entities: [LedgerRequest, LedgerRecord, LedgerSubmission, LedgerGrant, LedgerTerm, LedgerExport],
  migrations: [Ledger1764300000000],
  setup: ({ config, clock, log, db, services }) => {
    const settings = config.ledger;
    const vocab = Vocabulary.load(projectPath(settings.fields), projectPath(settings.populations));
    const cipher = cipherFromEnv(process.env, (msg) => log.warn(msg));
    const store = new LedgerStore(vocab, cipher);
    const book = new RequestBook(vocab, settings.windowDays);
    const reader = new LedgerReader(store, settings.sharing);
    const submissions = new SubmissionDesk(store);
    let termsLoaded: Promise<void> | null = null;
    const prepare = (em: EntityManager): Promise<void> => {
      termsLoaded ??= em.find(LedgerTerm, { order: { id: 'ASC' } }).then((terms) => {
        for (const t of terms) {
          try {
            vocab.extend(t.kind === 'field' ? 'field' : 'population', t.canonical, t.synonym);
          } catch (err) {
            log.warn({ term: t.id, err: (err as Error).message }, 'ledger term no longer applies');
          }
        }
      });
      return termsLoaded;
    };
    services.provide<LedgerServices>('ledger', { vocab, book, store, reader, submissions, prepare });
    // The shape the monitoring reports read (src/monitoring/figures.ts).
    services.provide('ledger.figures', { avoided: (em: EntityManager, from: Date, to: Date) => book.avoided(em, from, to) });
    const fetch = services.has('chat.attachments') ? services.get<AttachmentFetcher>('chat.attachments') : null;
    // The gate is listed earlier; without it the ledger still takes submissions and answers /台账.
    const check = services.has('gate.checks') ? new RepeatCheck(book, prepare) : null;
    if (check) services.get<NoticeChecks>('gate.checks').add(check);
    const desk = services.has('gate.desk') ? services.get<NoticeDesk>('gate.desk') : null;
    const exportRoute = {
      mount(router: Router) {
        router.get('/ledger/export/:token', async (ctx) => {
          const out = await db.work(async (em) => {
            const now = clock.now();
            const ex = await em.findOne(LedgerExport, { where: { token: ctx.params.token } });
            if (!ex || ex.expiresAt < now) return null;
            const actor = await em.findOneOrFail(Member, { where: { id: ex.memberId } });
            const port: Port = {
              actor, em, now, origin: null, ref: `export:${ex.id}`,
              send: async () => undefined,
              audit: (e) => audit(em, now, { ...e, actor }),
            };
            await prepare(em);
            const t = await reader.read(port, ex.query as TableQuery, 'ledger.export');
            const { headers, rows } = reader.cells(t);
            return writeXlsx('台账', headers, rows);
          });
          if (!out) {
            ctx.status = 404;
            ctx.body = { error: 'not_found', message: '下载链接不存在或已过期，请重新查询' };
            return;
          }
          ctx.set('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
          ctx.set('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent('台账.xlsx')}`);
          ctx.body = out;
        });
      },
    };
    return {
      commands: collectCommands((r) => registerLedgerCommands(r, {
        vocab, book, reader, submissions, fetch, prepare, check, desk, exportMinutes: settings.exportMinutes,
        // Like the reports' links: configured, else JIANFU_PUBLIC_URL, else this machine.
        publicUrl: (settings.publicUrl || process.env.JIANFU_PUBLIC_URL || `http://localhost:${config.server.port}`).replace(/\/+$/, ''),
      })),
      jobs: [{ name: 'ledger-rekey', run: (em) => rekey(em, store, cipher) }, { name: 'ledger-redact', run: (em) => redactPasted(em) }],
      routes: [exportRoute],
    };
  },
};
