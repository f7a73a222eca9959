import { parse } from 'graphql';
import { argumentString, argumentValue, clientSelection, field, liveQuery, liveRoot, selections, stringValue, variable } from './liveQueries';

describe('liveQuery', () => {
  it('puts the client selection under the query field, aliased to the subscription response key, with variables and fragments', () => {
    const document = parse('subscription Watch($id: ID!, $full: Boolean!) { updates: callUpdated(callId: $id) { id ...F @include(if: $full) } } fragment F on Call { status }');
    const root = liveRoot(document, 'Watch');
    if (typeof root === 'string') throw new Error(root);
    expect(root.responseKey).toBe('updates');
    const query = liveQuery(root, field('call', { id: argumentValue(root, 'callId') }, clientSelection(root)));
    expect(query).toBe(
      'query Watch($id: ID!, $full: Boolean!) {\n  updates: call(id: $id) {\n    id\n    ...F @include(if: $full)\n  }\n}\n\nfragment F on Call {\n  status\n}',
    );
  });

  it('declares the gateway own variables after the client ones', () => {
    const root = liveRoot(parse('subscription { incomingCall { id } }'), undefined);
    if (typeof root === 'string') throw new Error(root);
    const query = liveQuery(root, field('call', { id: variable('liveCallId') }, clientSelection(root)), { liveCallId: 'ID!' });
    expect(query).toBe('query ($liveCallId: ID!) {\n  incomingCall: call(id: $liveCallId) {\n    id\n  }\n}');
  });

  it('wraps a selection a level deeper when the query returns a page', () => {
    const root = liveRoot(parse('subscription { callSignal(callId: "c1") { type } }'), undefined);
    if (typeof root === 'string') throw new Error(root);
    const query = liveQuery(root, field('callSignals', { callId: argumentValue(root, 'callId'), after: stringValue('7') }, selections(field('signals', {}, clientSelection(root)), field('endCursor', {}))));
    expect(query).toContain('callSignal: callSignals(callId: "c1", after: "7") {\n    signals {\n      type\n    }\n    endCursor\n  }');
  });

  it('refuses what has no single root field written out', () => {
    expect(liveRoot(parse('subscription { ...F } fragment F on Subscription { incomingCall { id } }'), undefined)).toMatch(/exactly one field/);
    expect(liveRoot(parse('subscription A { incomingCall { id } } subscription B { incomingCall { id } }'), undefined)).toMatch(/operationName/);
  });

  it('reads a root argument given as a literal or as a variable, and nothing else', () => {
    const root = liveRoot(parse('subscription($id: ID!) { callSignal(callId: $id) { type } }'), undefined);
    if (typeof root === 'string') throw new Error(root);
    expect(argumentString(root, 'callId', { id: 'c9' })).toBe('c9');
    expect(argumentString(root, 'callId', { id: 9 })).toBeUndefined();
    expect(argumentString(root, 'other', {})).toBeUndefined();
  });
});
