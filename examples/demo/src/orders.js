'use strict';
// DELIBERATE N+1. `listRecentOrders` loads the 25 most recent orders with one
// query and then asks for each order's customer (with their activity count)
// with one more query per row: 26 queries for one request, each of the 25
// costing a few milliseconds, like a round trip to a real database.
// `listRecentOrdersBatched` returns the same result with two queries.

const RECENT_ORDERS = 25;
const CUSTOMER_WITH_ACTIVITY =
  'SELECT c.id, c.name, c.email, c.city, (SELECT COUNT(*) FROM customer_events e WHERE e.customer_id = c.id) AS events FROM customers c WHERE c.id = ?';

function recentOrders(db) {
  return db
    .prepare('SELECT id, customer_id, status, created_at FROM orders ORDER BY created_at DESC LIMIT ?')
    .all(RECENT_ORDERS);
}

function listRecentOrders(db) {
  const orders = recentOrders(db);
  const result = [];
  for (const order of orders) {
    const customer = db.prepare(CUSTOMER_WITH_ACTIVITY).get(order.customer_id); // N+1: one query per order
    result.push({ id: order.id, status: order.status, createdAt: order.created_at, customer });
  }
  return result;
}

function listRecentOrdersBatched(db) {
  const orders = recentOrders(db);
  const ids = [...new Set(orders.map((order) => order.customer_id))];
  const placeholders = ids.map(() => '?').join(', ');
  const customers = db
    .prepare(
      `SELECT c.id, c.name, c.email, c.city, COALESCE(a.events, 0) AS events FROM customers c
       LEFT JOIN (SELECT customer_id, COUNT(*) AS events FROM customer_events WHERE customer_id IN (${placeholders}) GROUP BY customer_id) a
         ON a.customer_id = c.id
       WHERE c.id IN (${placeholders})`,
    )
    .all(...ids, ...ids);
  const byId = new Map(customers.map((customer) => [customer.id, customer]));
  return orders.map((order) => ({
    id: order.id,
    status: order.status,
    createdAt: order.created_at,
    customer: byId.get(order.customer_id),
  }));
}

module.exports = { listRecentOrders, listRecentOrdersBatched };
