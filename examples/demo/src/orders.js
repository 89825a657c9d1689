'use strict';
// DELIBERATE N+1. `listRecentOrders` loads the 25 most recent orders with one
// query and then asks for each order's customer with one more query per row:
// 26 queries for one request. `listRecentOrdersBatched` returns the same
// result with two queries, for comparison.

const RECENT_ORDERS = 25;

function recentOrders(db) {
  return db
    .prepare('SELECT id, customer_id, status, created_at FROM orders ORDER BY created_at DESC LIMIT ?')
    .all(RECENT_ORDERS);
}

function listRecentOrders(db) {
  const orders = recentOrders(db);
  const result = [];
  for (const order of orders) {
    const customer = db.prepare('SELECT id, name, email, city FROM customers WHERE id = ?').get(order.customer_id); // N+1: one query per order
    result.push({ id: order.id, status: order.status, createdAt: order.created_at, customer });
  }
  return result;
}

function listRecentOrdersBatched(db) {
  const orders = recentOrders(db);
  const ids = [...new Set(orders.map((order) => order.customer_id))];
  const placeholders = ids.map(() => '?').join(', ');
  const customers = db.prepare(`SELECT id, name, email, city FROM customers WHERE id IN (${placeholders})`).all(...ids);
  const byId = new Map(customers.map((customer) => [customer.id, customer]));
  return orders.map((order) => ({
    id: order.id,
    status: order.status,
    createdAt: order.created_at,
    customer: byId.get(order.customer_id),
  }));
}

module.exports = { listRecentOrders, listRecentOrdersBatched };
