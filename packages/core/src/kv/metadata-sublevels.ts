// Where MetadataStore keeps each table: one sublevel of the database per table, and the batch
// operation type that names its sublevel (so one batch can write several tables atomically).
import type { AbstractSublevel } from 'abstract-level';
import type { KvDatabase } from './open-level';

export type KvSublevel = AbstractSublevel<KvDatabase, string | Buffer | Uint8Array, string, string>;

export type MetaOp = { type: 'put'; sublevel: KvSublevel; key: string; value: string } | { type: 'del'; sublevel: KvSublevel; key: string };

export type MetadataTable = 'topic' | 'group' | 'offset' | 'delay' | 'transaction' | 'version';

export type MetadataSublevels = Record<MetadataTable, KvSublevel>;

export function metadataSublevels(db: KvDatabase): MetadataSublevels {
  return {
    topic: db.sublevel('topic'),
    group: db.sublevel('group'),
    offset: db.sublevel('consumer-offset'),
    delay: db.sublevel('delay-offset'),
    transaction: db.sublevel('transaction'),
    version: db.sublevel('data-version'),
  };
}
