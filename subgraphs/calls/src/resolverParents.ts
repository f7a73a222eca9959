/** A User entity as this subgraph receives it: the key the gateway resolved (see @key(fields: "id")). */
export interface UserRef {
  id: string;
}
