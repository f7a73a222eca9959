// The four subgraphs and their default local ports, in one place for the
// compose, start and bench scripts.
module.exports = {
  subgraphs: [
    { name: 'identity', port: 4001 },
    { name: 'hiring', port: 4002 },
    { name: 'consent', port: 4003 },
    { name: 'calls', port: 4004 },
  ],
};
