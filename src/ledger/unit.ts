import type Router from '@koa/router';
import { EntityManager, Not } from 'typeorm';
import { z } from 'zod';
import { LedgerExport, LedgerGrant, LedgerRecord, LedgerRequest, LedgerSubmission, LedgerTerm, Member } from '../../entities';
import { audit } from '../audit';
import { collectCommands } from '../chat/registry';
import { projectPath } from '../config';
import type { AttachmentFetcher, Port, Unit } from '../unit';
import { registerLedgerCommands } from './commands';
import { cipherFromEnv, DataCipher } from './crypto';
import { Ledger1764300000000 } from './migration';
import { LedgerReader, type TableQuery } from './reader';
import { RequestBook } from './request-book';
import { LedgerStore } from './store';
import { SubmissionDesk } from './submissions';
import { writeXlsx } from './table-file';
import { FIELDS_FILE, POPULATIONS_FILE } from './vocabulary-file';
import { Vocabulary, type EntityKind } from './vocabulary';

const settingsSchema = z.object({
  windowDays: z.coerce.number().int().positive().default(180),
  sharing: z.enum(['street', 'department']).default('street'),
  exportMinutes: z.coerce.number().int().positive().default(60),
  publicUrl: z.string().default(''),
  fields: z.string().default(FIELDS_FILE),
  populations: z.string().default(POPULATIONS_FILE),
}).default({ windowDays: 180, sharing: 'street', exportMinutes: 60, publicUrl: '', fields: FIELDS_FILE, populations: POPULATIONS_FILE });

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

/** The shared ledger (只录一次、多次使用): repeated-request checks, submissions, and reads. */
export const ledgerUnit: Unit = {
  name: 'ledger',
  entities: [LedgerRequest, LedgerRecord, LedgerSubmission, LedgerGrant, LedgerTerm, LedgerExport],
  migrations: [Ledger1764300000000],
  setup: ({ config, clock, log, db, services }) => {
    const settings = settingsSchema.parse((config as Record<string, unknown>).ledger ?? undefined);
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
            if (t.kind === 'field') vocab.addFieldSynonym(t.canonical, t.synonym);
            else vocab.addPopulationSynonym(t.canonical, t.synonym);
          } catch (err) {
            log.warn({ term: t.id, err: (err as Error).message }, 'ledger term no longer applies');
          }
        }
      });
      return termsLoaded;
    };
    services.provide<LedgerServices>('ledger', { vocab, book, store, reader, submissions, prepare });
    const fetch = services.has('chat.attachments') ? services.get<AttachmentFetcher>('chat.attachments') : null;
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
        vocab, book, reader, submissions, fetch, prepare, exportMinutes: settings.exportMinutes, publicUrl: settings.publicUrl,
      })),
      jobs: [{ name: 'ledger-rekey', run: (em) => rekey(em, store, cipher) }],
      routes: [exportRoute],
    };
  },
};
