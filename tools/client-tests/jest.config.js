module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'client-tests',
  rootDir: __dirname,
};
