// DELIBERATELY CPU-HOT. `computePriceStats` runs a Monte Carlo price forecast
// for every product on every request, in plain TypeScript on the event loop
// (about 5-15 ms per call). It is the function a CPU profile of this service
// should put on top, at this file and line, not at dist/pricing.js.

export interface Product {
  id: number;
  sku: string;
  price_cents: number;
}

export interface PriceStats {
  id: number;
  sku: string;
  price: number;
  forecastMean: number;
  volatility: number;
  forecastP5: number;
}

const PATHS_PER_PRODUCT = 48;
const DAYS = 60;
const BUCKETS = 64;

export function computePriceStats(products: readonly Product[]): PriceStats[] {
  const results: PriceStats[] = new Array(products.length);
  const histogram = new Float64Array(BUCKETS);
  let seed = 0x9e3779b9;

  for (let p = 0; p < products.length; p++) {
    const start = products[p].price_cents / 100;
    const dailyVolatility = 0.01 + (products[p].id % 7) * 0.004;
    let sum = 0;
    let sumSquares = 0;
    let low = Infinity;
    let high = -Infinity;
    const finals = new Float64Array(PATHS_PER_PRODUCT);

    for (let path = 0; path < PATHS_PER_PRODUCT; path++) {
      let price = start;
      for (let day = 0; day < DAYS; day++) {
        // An approximately normal step from the sum of four xorshift uniforms.
        let shock = 0;
        for (let k = 0; k < 4; k++) {
          seed ^= seed << 13;
          seed ^= seed >>> 17;
          seed ^= seed << 5;
          shock += (seed >>> 0) / 4294967296;
        }
        shock = (shock - 2) * 1.7320508;
        price *= 1 + dailyVolatility * shock;
        if (price < 0.01) price = 0.01;
      }
      finals[path] = price;
      sum += price;
      sumSquares += price * price;
      if (price < low) low = price;
      if (price > high) high = price;
    }

    // The 5th percentile from a histogram of the final prices.
    histogram.fill(0);
    const width = (high - low) / BUCKETS || 1;
    for (let path = 0; path < PATHS_PER_PRODUCT; path++) {
      histogram[Math.min(BUCKETS - 1, Math.floor((finals[path] - low) / width))]++;
    }
    let seen = 0;
    let p5 = low;
    for (let b = 0; b < BUCKETS; b++) {
      seen += histogram[b];
      if (seen >= PATHS_PER_PRODUCT * 0.05) {
        p5 = low + b * width;
        break;
      }
    }

    const mean = sum / PATHS_PER_PRODUCT;
    results[p] = {
      id: products[p].id,
      sku: products[p].sku,
      price: start,
      forecastMean: Math.round(mean * 100) / 100,
      volatility: Math.round(Math.sqrt(Math.max(0, sumSquares / PATHS_PER_PRODUCT - mean * mean)) * 100) / 100,
      forecastP5: Math.round(p5 * 100) / 100,
    };
  }
  return results;
}
