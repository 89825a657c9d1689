'use strict';
// The demo's database: a fresh in-memory SQLite store, seeded the same way on
// every start so that runs of the demo are comparable with each other.

const Database = require('better-sqlite3');

const PRODUCTS = 200;
const CUSTOMERS = 50;
const ORDERS = 500;
// Page views and clicks. Deliberately not indexed by customer: counting one
// customer's events scans the table (a few ms), which is what makes the N+1
// in orders.js cost what it would against a real database over a network.
const CUSTOMER_EVENTS = 8000;
const EVENT_KINDS = ['view', 'click', 'search', 'cart'];

const CATEGORIES = ['books', 'garden', 'kitchen', 'music', 'outdoor', 'toys', 'tools', 'games'];
const ADJECTIVES = ['Compact', 'Deluxe', 'Classic', 'Rugged', 'Silent', 'Bright', 'Modular', 'Vintage'];
const NOUNS = ['Lamp', 'Kettle', 'Backpack', 'Shovel', 'Speaker', 'Puzzle', 'Notebook', 'Drill', 'Tent', 'Mug'];
const FIRST_NAMES = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia'];
const LAST_NAMES = ['Lovelace', 'Hopper', 'Torvalds', 'Hamilton', 'Thompson', 'Liskov', 'Ritchie', 'Allen', 'Turing', 'Perlman'];
const CITIES = ['Lisbon', 'Osaka', 'Lagos', 'Quito', 'Tallinn', 'Perth', 'Denver', 'Pune'];
const STATUSES = ['pending', 'paid', 'shipped', 'delivered', 'refunded'];

/** A small deterministic PRNG (mulberry32), so every start seeds the same rows. */
function seededRandom(seed) {
  let state = seed >>> 0;
  return function next() {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick(random, list) {
  return list[Math.floor(random() * list.length)];
}

function createDatabase() {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  db.exec(`
    CREATE TABLE products (
      id INTEGER PRIMARY KEY,
      sku TEXT NOT NULL UNIQUE,
      name TEXT NOT NULL,
      category TEXT NOT NULL,
      price_cents INTEGER NOT NULL,
      stock INTEGER NOT NULL
    );
    CREATE TABLE customers (
      id INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      email TEXT NOT NULL UNIQUE,
      city TEXT NOT NULL
    );
    CREATE TABLE orders (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL REFERENCES customers(id),
      status TEXT NOT NULL,
      created_at TEXT NOT NULL
    );
    CREATE TABLE customer_events (
      id INTEGER PRIMARY KEY,
      customer_id INTEGER NOT NULL,
      kind TEXT NOT NULL,
      at INTEGER NOT NULL
    );
    CREATE TABLE order_items (
      id INTEGER PRIMARY KEY,
      order_id INTEGER NOT NULL REFERENCES orders(id),
      product_id INTEGER NOT NULL REFERENCES products(id),
      quantity INTEGER NOT NULL,
      unit_price_cents INTEGER NOT NULL
    );
    CREATE INDEX order_items_by_order ON order_items(order_id);
    CREATE INDEX orders_by_created ON orders(created_at);
  `);
  seed(db, seededRandom(20240611));
  return db;
}

function seed(db, random) {
  const insertProduct = db.prepare('INSERT INTO products (id, sku, name, category, price_cents, stock) VALUES (?, ?, ?, ?, ?, ?)');
  const insertCustomer = db.prepare('INSERT INTO customers (id, name, email, city) VALUES (?, ?, ?, ?)');
  const insertOrder = db.prepare('INSERT INTO orders (id, customer_id, status, created_at) VALUES (?, ?, ?, ?)');
  const insertEvent = db.prepare('INSERT INTO customer_events (customer_id, kind, at) VALUES (?, ?, ?)');
  const insertItem = db.prepare('INSERT INTO order_items (order_id, product_id, quantity, unit_price_cents) VALUES (?, ?, ?, ?)');
  const prices = [];

  db.transaction(() => {
    for (let id = 1; id <= PRODUCTS; id++) {
      const price = 199 + Math.floor(random() * 20000);
      prices[id] = price;
      const name = `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)} ${id}`;
      insertProduct.run(id, `SKU-${String(id).padStart(5, '0')}`, name, pick(random, CATEGORIES), price, Math.floor(random() * 500));
    }
    for (let id = 1; id <= CUSTOMERS; id++) {
      const first = pick(random, FIRST_NAMES);
      const last = pick(random, LAST_NAMES);
      insertCustomer.run(id, `${first} ${last}`, `${first}.${last}.${id}@example.com`.toLowerCase(), pick(random, CITIES));
    }
    const start = Date.UTC(2024, 0, 1);
    for (let id = 1; id <= ORDERS; id++) {
      // Orders are spread over 2024 in id order, so "recent" means highest ids.
      const createdAt = new Date(start + id * 3600_000 * 17).toISOString();
      insertOrder.run(id, 1 + Math.floor(random() * CUSTOMERS), pick(random, STATUSES), createdAt);
      const lines = 1 + Math.floor(random() * 5);
      for (let line = 0; line < lines; line++) {
        const productId = 1 + Math.floor(random() * PRODUCTS);
        insertItem.run(id, productId, 1 + Math.floor(random() * 4), prices[productId]);
      }
    }
    for (let n = 0; n < CUSTOMER_EVENTS; n++) {
      insertEvent.run(1 + Math.floor(random() * CUSTOMERS), pick(random, EVENT_KINDS), start + n * 60_000);
    }
  })();
}

module.exports = { createDatabase, seededRandom };
