module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'remoting',
  rootDir: __dirname,
};
