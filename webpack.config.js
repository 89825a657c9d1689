// One bundle per runtime: the extension host, the CLI, the probe preloaded into
// profiled services, and one per webview. Only the extension bundle may see
// `vscode`; in every other bundle an import of it fails the build.
'use strict';
const path = require('path');
const webpack = require('webpack');

const tsRule = (configFile) => ({
  test: /\.ts$/,
  exclude: /node_modules/,
  use: [{ loader: 'ts-loader', options: { configFile, transpileOnly: true } }],
});

const forbidVscode = {
  apply(compiler) {
    compiler.hooks.normalModuleFactory.tap('ForbidVscode', (factory) => {
      factory.hooks.beforeResolve.tap('ForbidVscode', (data) => {
        if (data.request === 'vscode') {
          throw new Error(`'vscode' may only be imported from src/extension (imported from ${data.contextInfo.issuer})`);
        }
      });
    });
  },
};

const node = (name, entry, extra = {}) => ({
  name,
  target: 'node20',
  entry,
  output: { path: path.resolve(__dirname, 'dist'), filename: `${name}.js`, libraryTarget: 'commonjs2' },
  resolve: { extensions: ['.ts', '.js', '.json'] },
  module: { rules: [tsRule(path.resolve(__dirname, 'tsconfig.json'))] },
  devtool: 'nosources-source-map',
  node: { __dirname: false, __filename: false },
  // Native driver modules are never bundled; the probe must require the
  // service's own copies.
  externals: { 'better-sqlite3': 'commonjs better-sqlite3', bufferutil: 'commonjs bufferutil', 'utf-8-validate': 'commonjs utf-8-validate' },
  performance: { hints: false },
  // autocannon's optional `require(userModule)` for setup scripts we never pass.
  ignoreWarnings: [{ module: /autocannon[\\/]lib[\\/]validate\.js/ }],
  ...extra,
});

module.exports = [
  node('extension', './src/extension/extension.ts', {
    externals: { vscode: 'commonjs vscode', bufferutil: 'commonjs bufferutil', 'utf-8-validate': 'commonjs utf-8-validate' },
    // ES modules for webpack, so `import()` of the runner stays a separate chunk
    // (dist/extension-runner.js) loaded on the first run: activation parses less.
    output: { path: path.resolve(__dirname, 'dist'), filename: 'extension.js', chunkFilename: 'extension-[name].js', libraryTarget: 'commonjs2' },
    module: { rules: [{ ...tsRule(path.resolve(__dirname, 'tsconfig.json')), use: [{ loader: 'ts-loader', options: { configFile: path.resolve(__dirname, 'tsconfig.json'), transpileOnly: true, compilerOptions: { module: 'es2020' } } }] }] },
  }),
  node('cli', './src/cli/main.ts', {
    plugins: [forbidVscode, new webpack.BannerPlugin({ banner: '#!/usr/bin/env node', raw: true })],
  }),
  node('probe', './src/engine/probe/probe.ts', { plugins: [forbidVscode], devtool: false }),
  // The .cpuprofile reader's worker thread, started by the CLI and the extension from dist/.
  node('profileWorker', './src/engine/cpu/profileWorker.ts', { plugins: [forbidVscode] }),
  {
    name: 'webviews',
    target: 'web',
    entry: { dashboard: './webviews/dashboard/main.ts', flameGraph: './webviews/flame/main.ts' },
    output: { path: path.resolve(__dirname, 'dist', 'webviews'), filename: '[name].js' },
    resolve: { extensions: ['.ts', '.js'] },
    module: { rules: [tsRule(path.resolve(__dirname, 'webviews', 'tsconfig.json'))] },
    plugins: [forbidVscode],
    devtool: false,
    performance: { hints: false },
  },
];
