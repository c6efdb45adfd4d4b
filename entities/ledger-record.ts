import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { jsonText } from './common';

/**
 * One person, household, building, shop, place or event as one community reported it for one request.
 * `identity` is an HMAC of the identifying values (never the values); sensitive values are encrypted.
 */
@Entity('ledger_record')
@Index('IDX_ledger_record_request', ['requestId', 'communityId'])
@Index('IDX_ledger_record_identity', ['identity'])
export class LedgerRecord {
  @PrimaryGeneratedColumn() id: number;
  @Column({ type: 'integer' }) requestId: number;
  @Column({ type: 'integer' }) communityId: number;
  @Column({ type: 'varchar', length: 16 }) entityKind: string;
  @Column({ type: 'varchar', length: 64 }) identity: string;
  /** The population label of the request that collected it (80岁以上老人). */
  @Column({ type: 'varchar', length: 64 }) population: string;
  /** Canonical field → value; sensitive values as DataCipher ciphertext. */
  @Column({ type: 'text', transformer: jsonText }) fieldValues: Record<string, string>;
  /** The key that wrote the ciphertexts and the identity, so rotation can find old rows. */
  @Column({ type: 'varchar', length: 8 }) keyId: string;
  @Column({ type: 'integer' }) submittedBy: number;
  @Column({ type: 'datetime' }) submittedAt: Date;
}
