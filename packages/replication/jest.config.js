module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'replication',
  rootDir: __dirname,
  // Integration tests run two stores and TCP on a shared, loaded machine; their waits poll with their own timeouts.
  testTimeout: 60_000,
};
