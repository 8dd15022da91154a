// Where the example reports what happened: one line per event on stdout (the e2e test reads them).
export const OUTPUT = Symbol.for('example:Output');
export type Output = (line: string) => void;
export const stdoutOutput: Output = (line) => {
  process.stdout.write(`${line}\n`);
};
