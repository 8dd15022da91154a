// Service identifiers of what PulsejetModule binds, for code that injects by token rather than by
// class (e.g. to keep @pulsejet/client out of a constructor's types). Symbol.for: they survive two
// copies of this package.
export const PULSEJET_PRODUCER = Symbol.for('pulsejet:Producer');
export const PULSEJET_OPTIONS = Symbol.for('pulsejet:Options');
export const PULSEJET_RUNTIME = Symbol.for('pulsejet:Runtime');
