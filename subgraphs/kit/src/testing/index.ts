// Test helpers; not exported from the kit's main entry so production code never loads them.
export * from './testEnvironment';
export * from './eventually';
export * from './graphqlClient';
export * from './throwawayCa';
