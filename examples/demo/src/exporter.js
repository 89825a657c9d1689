'use strict';
// DELIBERATELY ALLOCATION-HEAVY. `exportOrders` rebuilds the whole order
// history as JSON on every request: one object per row, then a copy per
// transformation step, formatted strings for every amount, and a pretty-printed
// document at the end. Almost all of it is garbage a moment later, so under
// load the young generation fills again and again and GC runs constantly.
// A real service would stream the rows, or cache the export.

function formatMoney(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}

const EXPORTED_ORDERS = 120;

/** Exports the most recent orders, with their customers and line items, as pretty JSON. */
function exportOrders(db) {
  const rows = db
    .prepare(
      `SELECT o.id AS order_id, o.status, o.created_at, c.name AS customer, c.email, c.city,
              p.sku, p.name AS product, i.quantity, i.unit_price_cents
         FROM (SELECT * FROM orders ORDER BY created_at DESC LIMIT ?) o
         JOIN customers c ON c.id = o.customer_id
         JOIN order_items i ON i.order_id = o.id
         JOIN products p ON p.id = i.product_id
        ORDER BY o.id, i.id`,
    )
    .all(EXPORTED_ORDERS);

  // Each step copies every line into a new object instead of updating it.
  const lines = rows
    .map((row) => ({ ...row, totalCents: row.quantity * row.unit_price_cents }))
    .map((line) => ({ ...line, unitPrice: formatMoney(line.unit_price_cents), total: formatMoney(line.totalCents) }))
    .map((line) => ({ ...line, description: `${line.quantity} x ${line.product} (${line.sku}) at ${line.unitPrice}` }))
    .filter((line) => line.quantity > 0);

  const byOrder = new Map();
  for (const line of lines) {
    let order = byOrder.get(line.order_id);
    if (!order) {
      order = {
        id: line.order_id,
        reference: `ORD-${String(line.order_id).padStart(6, '0')}`,
        status: line.status.toUpperCase(),
        createdAt: new Date(line.created_at).toISOString(),
        customer: { name: line.customer, email: line.email, city: line.city, label: `${line.customer} <${line.email}>` },
        items: [],
        totalCents: 0,
      };
      byOrder.set(line.order_id, order);
    }
    order.items = order.items.concat([
      { sku: line.sku, description: line.description, quantity: line.quantity, unitPrice: line.unitPrice, total: line.total },
    ]);
    order.totalCents += line.totalCents;
  }

  const orders = [...byOrder.values()].map((order) => ({
    ...order,
    total: formatMoney(order.totalCents),
    summary: order.items.map((item) => item.description).join('; '),
    tags: [order.status.toLowerCase(), order.customer.city.toLowerCase(), `items-${order.items.length}`],
  }));

  const grandTotal = orders.reduce((sum, order) => sum + order.totalCents, 0);
  return JSON.stringify({ generatedFor: 'demo', orders, count: orders.length, grandTotal: formatMoney(grandTotal) }, null, 2);
}

module.exports = { exportOrders };
