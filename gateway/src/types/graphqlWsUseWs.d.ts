// graphql-ws publishes `graphql-ws/use/ws` through package exports only, which the
// repository's node10 module resolution does not read; Node itself resolves it.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
