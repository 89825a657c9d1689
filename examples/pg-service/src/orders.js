'use strict';
// DELIBERATE N+1. `listRecentOrders` loads the 25 most recent orders with one
// query, then asks for each order's customer (with the customer's lifetime
// order count) with one more `pool.query` per row: 26 queries for one request.
// Each per-row query scans the unindexed hotpath_orders.customer_id, so it costs
// a few milliseconds and the 25 of them cross the N+1 detector's 50 ms.
// `listRecentOrdersBatched` returns the same result with three queries, using
// `= ANY($1)` for the customers and one GROUP BY for the counts.

const RECENT_ORDERS = 25;

const CUSTOMER_WITH_COUNT = `
  SELECT c.id, c.name, c.email, c.city,
         (SELECT count(*)::int FROM hotpath_orders o WHERE o.customer_id = c.id) AS lifetime_orders
  FROM hotpath_customers c
  WHERE c.id = $1`;

async function recentOrders(pool) {
  const { rows } = await pool.query(
    'SELECT id, customer_id, status, total_cents, created_at FROM hotpath_orders ORDER BY created_at DESC LIMIT $1',
    [RECENT_ORDERS],
  );
  return rows;
}

function view(order, customer) {
  return { id: order.id, status: order.status, totalCents: order.total_cents, createdAt: order.created_at, customer };
}

async function listRecentOrders(pool) {
  const orders = await recentOrders(pool);
  const result = [];
  for (const order of orders) {
    const { rows } = await pool.query(CUSTOMER_WITH_COUNT, [order.customer_id]); // N+1: one query per order
    result.push(view(order, rows[0]));
  }
  return result;
}

async function listRecentOrdersBatched(pool) {
  const orders = await recentOrders(pool);
  const ids = [...new Set(orders.map((order) => order.customer_id))];
  const customers = await pool.query('SELECT id, name, email, city FROM hotpath_customers WHERE id = ANY($1)', [ids]);
  // One scan of the orders for all of them at once.
  const counts = await pool.query(
    'SELECT customer_id, count(*)::int AS lifetime_orders FROM hotpath_orders WHERE customer_id = ANY($1) GROUP BY customer_id',
    [ids],
  );
  const countOf = new Map(counts.rows.map((row) => [row.customer_id, row.lifetime_orders]));
  const byId = new Map(customers.rows.map((c) => [c.id, { ...c, lifetime_orders: countOf.get(c.id) ?? 0 }]));
  return orders.map((order) => view(order, byId.get(order.customer_id)));
}

module.exports = { listRecentOrders, listRecentOrdersBatched, RECENT_ORDERS };
