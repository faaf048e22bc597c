/**
 * A JSON-RPC error as it travels to the client: EVM errors (nonce too low, revert data)
 * keep their code, message and data so wallets and ethers decode them as from any node.
 */
export class RpcError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly data?: unknown,
  ) {
    super(message);
    this.name = "RpcError";
  }
}

/** JSON-RPC 2.0 codes the front answers itself. */
export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;

/** EIP-1474: a limit of this node (range, size, rate, pool). */
export const RPC_LIMIT_EXCEEDED = -32005;

/**
 * An answer outgrew the bytes its request (or what is left of its batch) may take: the
 * rest of a batch is then refused without being run (rpc-front.ts).
 */
export class AnswerBudgetExceeded extends RpcError {
  constructor(readonly budgetBytes: number) {
    super(RPC_LIMIT_EXCEEDED, `answer larger than the ${budgetBytes} bytes this request may still take; ask for less (a narrower block range)`, { limit: budgetBytes });
    this.name = "AnswerBudgetExceeded";
  }
}
