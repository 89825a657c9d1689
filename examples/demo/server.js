'use strict';
// The Hotpath demo service. Each route is a deliberate example of one kind of
// performance problem (or of its absence), so that a first run of
// `npm run demo` has something to find:
//   GET /health          readiness probe
//   GET /products        fast and well written: one query
//   GET /report/cpu      CPU-hot: computePriceStats in src/pricing.js
//   GET /export/alloc    allocation-heavy: exportOrders in src/exporter.js
//   GET /orders          N+1 queries: listRecentOrders in src/orders.js
//   GET /orders/batched  the same result in two queries

const http = require('node:http');
const { createDatabase } = require('./src/db');
const { listProducts } = require('./src/catalog');
const { computePriceStats } = require('./src/pricing');
const { exportOrders } = require('./src/exporter');
const { listRecentOrders, listRecentOrdersBatched } = require('./src/orders');

const port = Number(process.env.PORT);
if (!process.env.PORT || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(
    `demo server: the PORT environment variable must be a port number (got ${JSON.stringify(process.env.PORT ?? null)}). ` +
      'Start it with, for example, PORT=3000 node server.js; `hotpath run` sets PORT for you.',
  );
  process.exit(1);
}

const db = createDatabase();

const routes = new Map([
  ['GET /health', () => ({ ok: true })],
  ['GET /products', (url) => listProducts(db, Math.max(0, Number(url.searchParams.get('offset')) || 0))],
  ['GET /report/cpu', () => computePriceStats(db.prepare('SELECT id, sku, price_cents FROM products').all())],
  ['GET /export/alloc', () => exportOrders(db)],
  ['GET /orders', () => listRecentOrders(db)],
  ['GET /orders/batched', () => listRecentOrdersBatched(db)],
]);

function send(res, status, body) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  try {
    const url = new URL(req.url, 'http://localhost');
    const route = routes.get(`${req.method} ${url.pathname}`);
    if (!route) {
      send(res, 404, { error: 'not found', path: url.pathname });
      return;
    }
    send(res, 200, route(url));
  } catch (error) {
    console.error(`demo server: ${req.method} ${req.url} failed:`, error);
    if (!res.headersSent) send(res, 500, { error: 'internal error' });
    else res.destroy();
  }
});

server.listen(port, '127.0.0.1', () => {
  console.log(`demo server listening on http://127.0.0.1:${server.address().port}`);
});

function shutdown(signal) {
  console.log(`demo server: ${signal} received, closing`);
  server.close(() => {
    db.close();
    process.exit(0);
  });
  server.closeIdleConnections();
  // Busy keep-alive connections get a moment to finish, then the process goes.
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
