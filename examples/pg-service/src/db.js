'use strict';
// The service's PostgreSQL schema, (re)created and seeded on every start, the
// same rows every time (the values are computed from the row number), so runs
// are comparable. Seeding is done by the server itself with generate_series.
//
// `orders.customer_id` is deliberately NOT indexed: the per-customer lifetime
// order count in src/orders.js scans the whole orders table, which makes each
// per-row query of the N+1 cost a few milliseconds, as a missing index would.

const { Pool } = require('pg');

const CUSTOMERS = 2000;
const ORDERS = 30000;

function createPool(connectionString) {
  return new Pool({ connectionString, max: 4 });
}

async function seed(pool) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('DROP TABLE IF EXISTS hotpath_orders, hotpath_customers');
    await client.query(`
      CREATE TABLE hotpath_customers (
        id integer PRIMARY KEY,
        name text NOT NULL,
        email text NOT NULL,
        city text NOT NULL
      )`);
    await client.query(`
      CREATE TABLE hotpath_orders (
        id integer PRIMARY KEY,
        customer_id integer NOT NULL,
        status text NOT NULL,
        total_cents integer NOT NULL,
        created_at timestamptz NOT NULL
      )`);
    await client.query('CREATE INDEX hotpath_orders_by_created ON hotpath_orders (created_at)');
    await client.query(
      `INSERT INTO hotpath_customers (id, name, email, city)
       SELECT i,
              (ARRAY['Ada','Grace','Linus','Margaret','Ken','Barbara','Dennis','Frances','Alan','Radia'])[1 + i % 10] || ' ' ||
              (ARRAY['Lovelace','Hopper','Torvalds','Hamilton','Thompson','Liskov','Ritchie','Allen','Turing','Perlman'])[1 + (i / 10) % 10],
              'customer' || i || '@example.com',
              (ARRAY['Lisbon','Osaka','Lagos','Quito','Tallinn','Perth','Denver','Pune'])[1 + (i * 7) % 8]
       FROM generate_series(1, $1::int) AS i`,
      [CUSTOMERS],
    );
    await client.query(
      `INSERT INTO hotpath_orders (id, customer_id, status, total_cents, created_at)
       SELECT i,
              1 + (i * 7919) % $2::int,
              (ARRAY['pending','paid','shipped','delivered','refunded'])[1 + (i * 31) % 5],
              500 + ((i::bigint * 104729) % 50000)::int,
              timestamptz '2024-01-01 00:00:00+00' + i * interval '17 minutes'
       FROM generate_series(1, $1::int) AS i`,
      [ORDERS, CUSTOMERS],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE hotpath_customers, hotpath_orders');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

module.exports = { createPool, seed, CUSTOMERS, ORDERS };
