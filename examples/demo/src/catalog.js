'use strict';
// The well-behaved route, for contrast: one indexed query for one page of
// products, nothing computed per request.

const PAGE_SIZE = 50;

function listProducts(db, offset) {
  return db
    .prepare('SELECT id, sku, name, category, price_cents, stock FROM products ORDER BY id LIMIT ? OFFSET ?')
    .all(PAGE_SIZE, offset);
}

module.exports = { listProducts, PAGE_SIZE };
