import { messageStoreConformance } from './message-store.conformance';
import { fileBackend, memoryBackend } from './store-backends';

describe('MessageStore on files', () => messageStoreConformance(fileBackend));
describe('MessageStore in memory', () => messageStoreConformance(memoryBackend));
