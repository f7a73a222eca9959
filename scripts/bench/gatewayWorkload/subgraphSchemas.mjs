// The four Federation 2 subgraphs of the public gateway benchmark, as SDL and
// resolvers over the static data. The SDL is what composition reads; the
// resolvers are what subgraphServer.mjs executes.
import {
  IN_STOCK,
  PRODUCTS,
  REVIEW_AUTHOR,
  REVIEWS,
  TOP_PRODUCTS_DEFAULT,
  USERS,
  reviewsOfProduct,
  reviewsOfUser,
  shippingEstimate,
} from './workloadData.mjs';

// Every type and root field of the workload is static, public data, the same for every viewer, so each is declared
// @viewerIndependent (schema/shared.graphql says what that means): our gateway then shares a signed-in caller's
// fetches with everyone's, as the bare engine does for all callers. Only accounts' `me` is left undeclared.
const link = (imports) => `extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: [${[...imports, 'composeDirective'].map((name) => `"@${name}"`).join(', ')}])
  @link(url: "https://profile-graph.dev/consent/v1.0", import: ["@viewerIndependent"])
  @composeDirective(name: "@viewerIndependent")
directive @viewerIndependent on FIELD_DEFINITION | OBJECT`;

const byId = (list, key) => new Map(list.map((item) => [item[key], item]));
const users = byId(USERS, 'id');
const products = byId(PRODUCTS, 'upc');
const reviews = byId(REVIEWS, 'id');

export const SUBGRAPHS = {
  accounts: {
    typeDefs: `${link(['key', 'shareable'])}
type Query {
  me: User
  user(id: ID!): User @viewerIndependent
  users: [User] @viewerIndependent
}
type User @key(fields: "id") @viewerIndependent {
  id: ID!
  name: String
  # Shareable: reviews provides it on Review.author.
  username: String @shareable
  birthday: Int
}`,
    resolvers: {
      Query: { me: () => USERS[0], user: (_, { id }) => users.get(id) ?? null, users: () => USERS },
      User: { __resolveReference: ({ id }) => users.get(id) ?? null },
    },
  },
  inventory: {
    typeDefs: `${link(['key', 'external', 'requires'])}
type Product @key(fields: "upc") @viewerIndependent {
  upc: String!
  weight: Int @external
  price: Int @external
  inStock: Boolean
  shippingEstimate: Int @requires(fields: "price weight")
}`,
    resolvers: {
      Product: {
        __resolveReference: (reference) => (reference.upc in IN_STOCK ? { ...reference, inStock: IN_STOCK[reference.upc] } : null),
        shippingEstimate: (product) => shippingEstimate(product),
      },
    },
  },
  products: {
    typeDefs: `${link(['key'])}
type Query {
  topProducts(first: Int = ${TOP_PRODUCTS_DEFAULT}): [Product] @viewerIndependent
}
type Product @key(fields: "upc") @viewerIndependent {
  upc: String!
  name: String
  price: Int
  weight: Int
}`,
    resolvers: {
      Query: { topProducts: (_, { first }) => PRODUCTS.slice(0, first ?? TOP_PRODUCTS_DEFAULT) },
      Product: { __resolveReference: ({ upc }) => products.get(upc) ?? null },
    },
  },
  reviews: {
    typeDefs: `${link(['key', 'external', 'provides'])}
type Review @key(fields: "id") @viewerIndependent {
  id: ID!
  body: String
  product: Product
  author: User @provides(fields: "username")
}
type User @key(fields: "id") @viewerIndependent {
  id: ID!
  username: String @external
  reviews: [Review]
}
type Product @key(fields: "upc") @viewerIndependent {
  upc: String!
  reviews: [Review]
}`,
    resolvers: {
      Review: {
        __resolveReference: ({ id }) => reviews.get(id) ?? null,
        product: (review) => ({ upc: review.upc }),
        author: () => REVIEW_AUTHOR,
      },
      User: { __resolveReference: ({ id }) => ({ id }), reviews: () => reviewsOfUser() },
      Product: { __resolveReference: ({ upc }) => ({ upc }), reviews: (product) => reviewsOfProduct(product.upc) },
    },
  },
};
