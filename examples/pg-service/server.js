'use strict';
// A PostgreSQL-backed HTTP service for Hotpath (node:http and the pg driver).
// It needs DATABASE_URL (a PostgreSQL connection string) and PORT, recreates
// and seeds its two tables (hotpath_customers, hotpath_orders) on start, and
// serves:
//   GET /health          readiness probe
//   GET /orders          N+1 queries: listRecentOrders in src/orders.js
//   GET /orders/batched  the same result in three queries (= ANY($1))

const http = require('node:http');
const { createPool, seed } = require('./src/db');
const { listRecentOrders, listRecentOrdersBatched } = require('./src/orders');

const port = Number(process.env.PORT);
if (!process.env.PORT || !Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`pg-service: the PORT environment variable must be a port number (got ${JSON.stringify(process.env.PORT ?? null)}); \`hotpath run\` sets it.`);
  process.exit(1);
}
if (!process.env.DATABASE_URL) {
  console.error('pg-service: the DATABASE_URL environment variable must name a PostgreSQL database, e.g. postgresql:///hotpath_demo?host=/var/run/postgresql (see README.md).');
  process.exit(1);
}

const pool = createPool(process.env.DATABASE_URL);

const routes = new Map([
  ['GET /health', async () => ({ ok: true })],
  ['GET /orders', () => listRecentOrders(pool)],
  ['GET /orders/batched', () => listRecentOrdersBatched(pool)],
]);

function send(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  const route = routes.get(`${req.method} ${url.pathname}`);
  if (!route) return send(res, 404, { error: 'not found', path: url.pathname });
  route().then(
    (body) => send(res, 200, body),
    (error) => {
      console.error(`pg-service: ${req.method} ${req.url} failed:`, error);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    },
  );
});

seed(pool).then(
  () => {
    server.listen(port, '127.0.0.1', () => {
      console.log(`pg-service listening on http://127.0.0.1:${server.address().port}`);
    });
  },
  (error) => {
    console.error(`pg-service: could not set up the database at DATABASE_URL: ${error.message}`);
    process.exit(1);
  },
);

function shutdown(signal) {
  console.log(`pg-service: ${signal} received, closing`);
  server.close(() => {
    pool.end().finally(() => process.exit(0));
  });
  server.closeIdleConnections();
  setTimeout(() => process.exit(0), 2000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
