module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'inversify',
  rootDir: __dirname,
};
