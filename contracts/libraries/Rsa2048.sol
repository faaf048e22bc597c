// SPDX-License-Identifier: AGPL-3.0-or-later
pragma solidity ^0.8.30;

/**
 * @title Rsa2048
 * @notice The RSA-2048 arithmetic and hashing shared by token verification (RsaPssSha256, PROTOCOL.md §3.2)
 * and the issuer key proof (IssuerKeyProof, PROTOCOL.md §2.5): the public operation `x^65537 mod n` through
 * the modexp precompile (0x05), and MGF1 with SHA-256 (RFC 8017 §B.2.1) through the SHA-256 precompile (0x02).
 *
 * Integers are LENGTH-byte big-endian strings. Every vote verifies a token, so the functions take memory
 * offsets and work in scratch space the caller names (past the free memory pointer): nothing is allocated.
 * They never revert: a failed precompile call (out of gas) gives `ok = false`, and the caller decides what
 * a failure means.
 */
library Rsa2048 {
    /// @notice Length of a modulus, and of every integer modulo it, in bytes.
    uint256 internal constant LENGTH = 256;

    /**
     * @dev RSAVP1 / RSAEP (RFC 8017 §5.2.2, §5.1.1) with e = 65537: if `x < n`, writes `x^65537 mod n`
     * (LENGTH bytes) at memory offset `out` and returns true; returns false for `x >= n` (out of range: one
     * integer per residue) or if the precompile call fails. `x` and `n` are LENGTH-byte integers at memory
     * offsets; the 0x263 bytes from `out` are scratch (the precompile's input), which must not overlap `x` or `n`.
     */
    function pow65537(uint256 x, uint256 n, uint256 out) internal view returns (bool ok) {
        assembly ("memory-safe") {
            // x < n, comparing 32-byte words from the most significant.
            for { let i := 0 } lt(i, 0x100) { i := add(i, 0x20) } {
                let xw := mload(add(x, i))
                let nw := mload(add(n, i))
                if lt(xw, nw) {
                    ok := 1
                    break
                }
                if gt(xw, nw) { break }
            }
            if ok {
                // Input: len(x) | len(e) | len(n) | x | e | n; the output overwrites it.
                mstore(out, 0x100)
                mstore(add(out, 0x20), 3)
                mstore(add(out, 0x40), 0x100)
                mcopy(add(out, 0x60), x, 0x100)
                mstore(add(out, 0x160), shl(232, 0x010001))
                mcopy(add(out, 0x163), n, 0x100)
                // Yul evaluates arguments right to left: the call and the check of its result are separate.
                ok := staticcall(gas(), 0x05, out, 0x263, out, 0x100)
                ok := and(ok, eq(returndatasize(), 0x100))
            }
        }
    }

    /**
     * @dev Writes the first `32 * blocks` bytes of MGF1-SHA256(seed) (RFC 8017 §B.2.1) at memory offset `out`:
     * SHA-256(seed | C) for the 4-byte big-endian counters C = 0 .. blocks - 1. The seed is the `seedLength`
     * bytes at offset `seed`; the counter goes in the word after them, restored on return. `out` must not
     * overlap the seed nor that word. `ok` is false if a precompile call fails.
     */
    function mgf1Sha256(uint256 seed, uint256 seedLength, uint256 blocks, uint256 out) internal view returns (bool ok) {
        assembly ("memory-safe") {
            let counter := add(seed, seedLength)
            let saved := mload(counter) // the caller's bytes under the counter, restored below
            let rest := shr(32, shl(32, saved))
            let inputLength := add(seedLength, 4)
            let end := add(out, shl(5, blocks))
            ok := 1
            // c: the counter in the top 4 bytes of a word.
            for { let c := 0 } lt(out, end) { c := add(c, shl(224, 1)) } {
                mstore(counter, or(c, rest))
                ok := and(ok, staticcall(gas(), 0x02, seed, inputLength, out, 0x20))
                out := add(out, 0x20)
            }
            mstore(counter, saved)
        }
    }
}
