// Helpers the standalone processes in apps/ share (apps may not import each other). Only apps use it.
export { parseProperties } from './properties';
export { closeOnSignal, runMain } from './shutdown';
export type { ShutdownLogger } from './shutdown';
