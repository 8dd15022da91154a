module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'example',
  rootDir: __dirname,
};
