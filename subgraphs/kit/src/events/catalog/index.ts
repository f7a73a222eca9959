import { callsEvents } from './callsEvents';
import { consentEvents } from './consentEvents';
import type { EventDefinition } from './defineEvent';
import { hiringEvents } from './hiringEvents';
import { identityEvents } from './identityEvents';
import { privacyEvents } from './privacyEvents';

export { defineEvent, InvalidEventPayload, issuePaths, type EventDefinition, type EventOf, type PayloadOf, type PayloadSchema } from './defineEvent';
export { callsEvents, consentEvents, hiringEvents, identityEvents, privacyEvents };

/** Every event type on the bus, one definition each (README, "Events"). */
export const eventCatalog: readonly EventDefinition[] = [
  ...Object.values(identityEvents),
  ...Object.values(hiringEvents),
  ...Object.values(consentEvents),
  ...Object.values(callsEvents),
  ...Object.values(privacyEvents),
];

/** The definition of an envelope's type, or undefined for a type the catalog does not know. */
export function eventDefinitionOf(type: string): EventDefinition | undefined {
  return eventCatalog.find((definition) => definition.matches(type));
}
