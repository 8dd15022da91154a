import { KV_TEST_BACKENDS } from './kv-test-support';
import { metadataStoreConformance } from './metadata-store.conformance';

for (const [name, factory] of KV_TEST_BACKENDS) metadataStoreConformance(name, factory);
