// DELIBERATE N+1. `listRecentOrders` loads the 25 most recent orders with one
// query, then asks for each order's customer (with the customer's lifetime
// order count) with one more query per row: 26 queries for one
// request. Each per-row query scans the unindexed orders.customer_id, so it
// costs a few milliseconds and the 25 of them cross the N+1 detector's 50 ms.
// `listRecentOrdersBatched` returns the same result with three queries: the
// orders, their customers by `whereIn`, and one GROUP BY for the counts.

import type { Knex } from 'knex';

export const RECENT_ORDERS = 25;

interface OrderRow {
  id: number;
  customer_id: number;
  status: string;
  total_cents: number;
  created_at: string;
}

export interface Customer {
  id: number;
  name: string;
  email: string;
  city: string;
  lifetime_orders: number;
}

export interface OrderView {
  id: number;
  status: string;
  totalCents: number;
  createdAt: string;
  customer: Customer | undefined;
}

const CUSTOMER_COLUMNS = ['c.id', 'c.name', 'c.email', 'c.city'];

function recentOrders(db: Knex): Promise<OrderRow[]> {
  return db<OrderRow>('orders').select('id', 'customer_id', 'status', 'total_cents', 'created_at').orderBy('created_at', 'desc').limit(RECENT_ORDERS);
}

function view(order: OrderRow, customer: Customer | undefined): OrderView {
  return { id: order.id, status: order.status, totalCents: order.total_cents, createdAt: order.created_at, customer };
}

/** The customer's lifetime order count: a correlated subquery over the unindexed orders.customer_id, one full scan. */
function lifetimeOrders(db: Knex): Knex.Raw {
  return db.raw('(SELECT count(*) FROM orders o WHERE o.customer_id = c.id) AS lifetime_orders');
}

export async function listRecentOrders(db: Knex): Promise<OrderView[]> {
  const orders = await recentOrders(db);
  const result: OrderView[] = [];
  for (const order of orders) {
    const customer: Customer | undefined = await db('customers as c').select(...CUSTOMER_COLUMNS, lifetimeOrders(db)).where('c.id', order.customer_id).first(); // N+1: one query per order
    result.push(view(order, customer));
  }
  return result;
}

export async function listRecentOrdersBatched(db: Knex): Promise<OrderView[]> {
  const orders = await recentOrders(db);
  const ids = [...new Set(orders.map((order) => order.customer_id))];
  const customers: Array<Omit<Customer, 'lifetime_orders'>> = await db('customers as c').select(...CUSTOMER_COLUMNS).whereIn('c.id', ids);
  // One scan of orders for all of them at once.
  const counts: Array<{ customer_id: number; lifetime_orders: number }> = await db('orders')
    .select('customer_id', db.raw('count(*) AS lifetime_orders'))
    .whereIn('customer_id', ids)
    .groupBy('customer_id');
  const countOf = new Map(counts.map((row) => [row.customer_id, row.lifetime_orders]));
  const byId = new Map(customers.map((c) => [c.id, { ...c, lifetime_orders: countOf.get(c.id) ?? 0 }]));
  return orders.map((order) => view(order, byId.get(order.customer_id)));
}
