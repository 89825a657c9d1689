// The service's database: knex over an in-memory better-sqlite3 store, seeded
// the same way on every start (a fixed-seed PRNG), so runs are comparable.
//
// `orders.customer_id` is deliberately NOT indexed: the per-customer lifetime
// order count in src/orders.ts scans the whole orders table, which makes each
// per-row query of the N+1 cost a few milliseconds, as it would against a real
// database with a missing index.

import knex, { Knex } from 'knex';

export const PRODUCTS = 200;
export const CUSTOMERS = 2_000;
export const ORDERS = 30_000;

const FIRST_NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Turing', 'Perlman'];
const CITIES = ['Lisbon', 'Osaka', 'Lagos', 'Quito', 'Tallinn', 'Perth', 'Denver', 'Pune'];
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'refunded'];

/** mulberry32: a small deterministic PRNG. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)];
}

export async function createDatabase(): Promise<Knex> {
  const db = knex({
    client: 'better-sqlite3',
    connection: { filename: ':memory:' },
    useNullAsDefault: true,
    // One connection that is never recycled: an in-memory database lives and
    // dies with its connection.
    pool: { min: 1, max: 1, idleTimeoutMillis: Number.MAX_SAFE_INTEGER },
  });
  await db.schema.createTable('products', (t) => {
    t.integer('id').primary();
    t.text('sku').notNullable().unique();
    t.integer('price_cents').notNullable();
  });
  await db.schema.createTable('customers', (t) => {
    t.integer('id').primary();
    t.text('name').notNullable();
    t.text('email').notNullable();
    t.text('city').notNullable();
  });
  await db.schema.createTable('orders', (t) => {
    t.integer('id').primary();
    t.integer('customer_id').notNullable(); // no index, on purpose (see above)
    t.text('status').notNullable();
    t.integer('total_cents').notNullable();
    t.text('created_at').notNullable().index('orders_by_created');
  });
  await seed(db, seededRandom(20240611));
  return db;
}

async function seed(db: Knex, random: () => number): Promise<void> {
  const products: Array<{ id: number; sku: string; price_cents: number }> = [];
  for (let id = 1; id <= PRODUCTS; id++) {
    products.push({ id, sku: `SKU-${String(id).padStart(5, '0')}`, price_cents: 199 + Math.floor(random() * 20_000) });
  }
  const customers: Array<{ id: number; name: string; email: string; city: string }> = [];
  for (let id = 1; id <= CUSTOMERS; id++) {
    const first = pick(random, FIRST_NAMES);
    const last = pick(random, LAST_NAMES);
    customers.push({ id, name: `${first} ${last}`, email: `${first}.${last}.${id}@example.com`.toLowerCase(), city: pick(random, CITIES) });
  }
  const start = Date.UTC(2024, 0, 1);
  const orders: Array<{ id: number; customer_id: number; status: string; total_cents: number; created_at: string }> = [];
  for (let id = 1; id <= ORDERS; id++) {
    // Spread over 2024 in id order, so "recent" means the highest ids.
    orders.push({
      id,
      customer_id: 1 + Math.floor(random() * CUSTOMERS),
      status: pick(random, STATUSES),
      total_cents: 500 + Math.floor(random() * 50_000),
      created_at: new Date(start + id * 1_040_000).toISOString(),
    });
  }
  await db.transaction(async (trx) => {
    await trx.batchInsert('products', products, 500);
    await trx.batchInsert('customers', customers, 500);
    await trx.batchInsert('orders', orders, 500);
  });
}
