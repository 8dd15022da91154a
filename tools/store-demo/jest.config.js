module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'store-demo',
  rootDir: __dirname,
};
