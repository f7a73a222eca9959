// The static data of the public gateway benchmark's workload
// (graphql-hive/graphql-gateways-benchmark, Federation 2): six users, nine
// products with their stock, eleven reviews. Names, prices, weights, stock
// and which review belongs to which product are the benchmark's facts; the
// review texts are our own filler of the benchmark's lengths, since the
// response size (about 87 KB) is what the gateway's cost depends on.

const WORDS = ['gateway', 'federation', 'subgraph', 'planner', 'review', 'product', 'inventory', 'account', 'shipping', 'estimate', 'static', 'payload', 'bench', 'query', 'entity'];

/** Deterministic filler text of exactly `length` characters, ending with a full stop. @param {number} length @param {number} seed */
export function fillerText(length, seed) {
  let text = '';
  for (let i = seed; text.length < length; i += 7) text += `${text ? ' ' : ''}${WORDS[i % WORDS.length]}`;
  return `${text.slice(0, length - 1)}.`;
}

export const USERS = [
  { id: '1', name: 'Uri Goldshtein', username: 'urigo', birthday: 1234567890 },
  { id: '2', name: 'Dotan Simha', username: 'dotansimha', birthday: 1234567890 },
  { id: '3', name: 'Kamil Kisiela', username: 'kamilkisiela', birthday: 1234567890 },
  { id: '4', name: 'Arda Tanrikulu', username: 'ardatan', birthday: 1234567890 },
  { id: '5', name: 'Gil Gardosh', username: 'gilgardosh', birthday: 1234567890 },
  { id: '6', name: 'Laurin Quast', username: 'laurin', birthday: 1234567890 },
];

export const PRODUCTS = [
  { upc: '1', name: 'Table', price: 899, weight: 100 },
  { upc: '2', name: 'Couch', price: 1299, weight: 1000 },
  { upc: '3', name: 'Glass', price: 15, weight: 20 },
  { upc: '4', name: 'Chair', price: 499, weight: 100 },
  { upc: '5', name: 'TV', price: 1299, weight: 1000 },
  { upc: '6', name: 'Lamp', price: 6999, weight: 300 },
  { upc: '7', name: 'Grill', price: 3999, weight: 2000 },
  { upc: '8', name: 'Fridge', price: 100000, weight: 6000 },
  { upc: '9', name: 'Sofa', price: 9999, weight: 800 },
];

/** upc -> inStock (the inventory subgraph's own data). */
export const IN_STOCK = { 1: true, 2: false, 3: false, 4: false, 5: true, 6: true, 7: true, 8: false, 9: true };

const REVIEW_SHAPE = [
  ['1', 445], ['1', 290], ['1', 273], ['1', 145],
  ['2', 445], ['2', 290], ['2', 273], ['2', 145],
  ['3', 145], ['4', 145], ['4', 1010],
];
export const REVIEWS = REVIEW_SHAPE.map(([upc, length], i) => ({ id: String(i + 1), body: fillerText(length, i), upc }));

/** As in the benchmark: every review is written by user 1 (username provided by reviews), and every user's reviews are the first two. */
export const REVIEW_AUTHOR = { id: '1', username: 'urigo' };
export const reviewsOfUser = () => REVIEWS.slice(0, 2);
export const reviewsOfProduct = (upc) => REVIEWS.filter((review) => review.upc === upc);

/** The inventory subgraph's @requires(fields: "price weight"): free shipping above 1000, else half the weight. */
export function shippingEstimate({ price, weight }) {
  if (typeof price !== 'number' || typeof weight !== 'number') return null;
  return price > 1000 ? 0 : Math.floor(weight / 2);
}

export const TOP_PRODUCTS_DEFAULT = 5;
