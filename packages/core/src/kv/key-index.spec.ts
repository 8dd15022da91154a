import { keyIndexConformance } from './key-index.conformance';
import { KV_TEST_BACKENDS } from './kv-test-support';

for (const [name, factory] of KV_TEST_BACKENDS) keyIndexConformance(name, factory);
