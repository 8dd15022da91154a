module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'namesrv',
  rootDir: __dirname,
};
