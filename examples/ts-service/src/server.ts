// A TypeScript HTTP service for Hotpath: node:http, knex over an in-memory
// SQLite database, compiled with source maps so that profiles and query call
// sites point back at these .ts files. Each route is a deliberate example:
//   GET /health          readiness probe
//   GET /report/cpu      CPU-hot: computePriceStats in src/pricing.ts
//   GET /orders          N+1 queries: listRecentOrders in src/orders.ts
//   GET /orders/batched  the same result in two queries

import * as http from 'http';
import type { Knex } from 'knex';
import { createDatabase } from './db';
import { computePriceStats, Product } from './pricing';
import { listRecentOrders, listRecentOrdersBatched } from './orders';

type Route = (db: Knex, url: URL) => unknown;

const routes = new Map<string, Route>([
  ['GET /health', () => ({ ok: true })],
  ['GET /report/cpu', async (db) => computePriceStats(await db<Product>('products').select('id', 'sku', 'price_cents'))],
  ['GET /orders', (db) => listRecentOrders(db)],
  ['GET /orders/batched', (db) => listRecentOrdersBatched(db)],
]);

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

async function handle(db: Knex, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const route = routes.get(`${req.method} ${url.pathname}`);
  if (!route) return send(res, 404, { error: 'not found', path: url.pathname });
  send(res, 200, await route(db, url));
}

async function main(): Promise<void> {
  const port = Number(process.env.PORT);
  if (!process.env.PORT || !Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`ts-service: the PORT environment variable must be a port number (got ${JSON.stringify(process.env.PORT ?? null)}); \`hotpath run\` sets it.`);
    process.exit(1);
  }
  const db = await createDatabase();
  const server = http.createServer((req, res) => {
    handle(db, req, res).catch((error: unknown) => {
      console.error(`ts-service: ${req.method} ${req.url} failed:`, error);
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
      else res.destroy();
    });
  });
  server.listen(port, '127.0.0.1', () => {
    const address = server.address();
    console.log(`ts-service listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}`);
  });
  const shutdown = (signal: string) => {
    console.log(`ts-service: ${signal} received, closing`);
    server.close(() => {
      db.destroy().finally(() => process.exit(0));
    });
    server.closeIdleConnections();
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error('ts-service: failed to start:', error);
  process.exit(1);
});
