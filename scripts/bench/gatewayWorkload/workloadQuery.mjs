// The public gateway benchmark's one query (its k6 script): users and top
// products, each down through reviews, products and authors, eight levels
// deep across all four subgraphs.
export const WORKLOAD_QUERY = `fragment User on User {
  id
  username
  name
}

fragment Review on Review {
  id
  body
}

fragment Product on Product {
  inStock
  name
  price
  shippingEstimate
  upc
  weight
}

query TestQuery {
  users {
    ...User
    reviews {
      ...Review
      product {
        ...Product
        reviews {
          ...Review
          author {
            ...User
            reviews {
              ...Review
              product {
                ...Product
              }
            }
          }
        }
      }
    }
  }
  topProducts {
    ...Product
    reviews {
      ...Review
      author {
        ...User
        reviews {
          ...Review
          product {
            ...Product
          }
        }
      }
    }
  }
}`;

export const WORKLOAD_BODY = JSON.stringify({ query: WORKLOAD_QUERY, operationName: 'TestQuery' });
