// The answer every gateway must give, computed once without any gateway: the
// same static data behind one plain (non-federated) graphql-js schema. A
// gateway that drops, reorders or invents data fails the comparison in
// checkWorkloadResponse.mjs.
import { buildSchema, execute, parse } from 'graphql';
import { WORKLOAD_QUERY } from './workloadQuery.mjs';
import { IN_STOCK, PRODUCTS, REVIEW_AUTHOR, TOP_PRODUCTS_DEFAULT, USERS, reviewsOfProduct, reviewsOfUser, shippingEstimate } from './workloadData.mjs';

const MONOLITH = buildSchema(`
type Query { me: User, user(id: ID!): User, users: [User], topProducts(first: Int = ${TOP_PRODUCTS_DEFAULT}): [Product] }
type User { id: ID!, name: String, username: String, birthday: Int, reviews: [Review] }
type Review { id: ID!, body: String, product: Product, author: User }
type Product { upc: String!, name: String, price: Int, weight: Int, inStock: Boolean, shippingEstimate: Int, reviews: [Review] }
`);

const userById = new Map(USERS.map((user) => [user.id, user]));
const productByUpc = new Map(PRODUCTS.map((product) => [product.upc, product]));
const resolvers = {
  Query: { users: () => USERS, topProducts: (_, { first }) => PRODUCTS.slice(0, first) },
  User: { reviews: () => reviewsOfUser() },
  // The author's username comes from reviews (@provides), the rest from accounts: the same user here.
  Review: { product: (review) => productByUpc.get(review.upc), author: () => ({ ...userById.get(REVIEW_AUTHOR.id), username: REVIEW_AUTHOR.username }) },
  Product: { inStock: (product) => IN_STOCK[product.upc], shippingEstimate: (product) => shippingEstimate(product), reviews: (product) => reviewsOfProduct(product.upc) },
};
for (const [typeName, fields] of Object.entries(resolvers)) {
  const type = /** @type {import('graphql').GraphQLObjectType} */ (MONOLITH.getType(typeName));
  for (const [fieldName, resolve] of Object.entries(fields)) type.getFields()[fieldName].resolve = resolve;
}

/** @returns {{ response: object, text: string }} the expected `{ data }` and its JSON text */
export function expectedResponse() {
  const result = execute({ schema: MONOLITH, document: parse(WORKLOAD_QUERY) });
  if (result instanceof Promise || result.errors) throw new Error(`the expected response could not be computed: ${JSON.stringify(result.errors)}`);
  // Through JSON: graphql-js builds its result objects without a prototype, and the check compares plain parsed JSON.
  const text = JSON.stringify({ data: result.data });
  return { response: JSON.parse(text), text };
}
