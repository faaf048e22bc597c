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
