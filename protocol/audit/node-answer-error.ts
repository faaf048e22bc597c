// A node's answer that does not have the shape JSON-RPC promises (PROTOCOL.md §9: the
// node is not trusted). Names the field, shows the start of the value.
export class NodeAnswerError extends Error {
  constructor(readonly what: string, value: unknown) {
    super(`the node's ${what} is malformed: ${JSON.stringify(value)?.slice(0, 80)}`);
    this.name = "NodeAnswerError";
  }
}
